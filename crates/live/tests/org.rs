//! An organization's snapshot against moto (an AWS API peer on loopback): a management account
//! and three members (network, workload, and one whose role cannot be assumed). Run through
//! `scripts/with-moto cargo test -p egressproof-live --features live`; without a moto server
//! these tests fail with a message, they never skip.
//!
//! moto gives a member account's resources to whoever assumes a role in it (any role: moto does
//! not check that it exists), so the account whose role is missing is made so by a small proxy
//! in front of moto that denies `sts:AssumeRole` into it, as AWS does.
#![cfg(feature = "live")]

use egressproof_analysis::{analyze_scan, Options as AnalysisOptions, Verdict};
use egressproof_live::{
    is_read_only, probe_write_in_member, snapshot_org, Options, OrgOptions, OrgSnapshot,
    OPERATIONS, ORG_OPERATIONS,
};
use egressproof_model::{
    Attr, Ident, InputKind, Kind, Model, RouteTarget, SharedName, TargetKind, UnknownCode,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// moto keeps EC2 and SageMaker per region: this file's own.
const REGION: &str = "eu-west-3";

fn endpoint() -> String {
    std::env::var("EGRESSPROOF_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "EGRESSPROOF_MOTO_ENDPOINT is unset: these tests need a moto server. Run them as \
             `scripts/with-moto cargo test -p egressproof-live --features live`"
        )
    })
}

fn python() -> PathBuf {
    match std::env::var_os("EGRESSPROOF_MOTO_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
    }
}

/// The organization, created once for the file's tests; its IDs as the fixture printed them.
fn organization() -> &'static serde_json::Value {
    static ORG: OnceLock<serde_json::Value> = OnceLock::new();
    ORG.get_or_init(|| {
        let out = Command::new(python())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/org_env.py"))
            .arg(endpoint())
            .arg(REGION)
            .output()
            .expect("run the fixture script with the venv's python (scripts/with-moto creates it)");
        assert!(
            out.status.success(),
            "org_env.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("org_env.py prints JSON")
    })
}

fn id(key: &str) -> String {
    organization()[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {}", organization()))
        .to_string()
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body); `None` at end of stream.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(Vec<String>, Vec<u8>)> {
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("connection") {
                continue;
            }
        }
        head.push(line);
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A proxy in front of moto that denies `sts:AssumeRole` into `account`, and passes every other
/// request through (one request per connection). Serves until the test process ends.
fn proxy_denying_assume_role_into(account: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = endpoint()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let denied_role = format!("arn%3Aaws%3Aiam%3A%3A{account}%3Arole");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let upstream = upstream.clone();
            let denied_role = denied_role.clone();
            std::thread::spawn(move || {
                let mut client = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let Some((head, body)) = read_request(&mut reader) else {
                    return;
                };
                let text = String::from_utf8_lossy(&body);
                if text.contains("Action=AssumeRole") && text.contains(&denied_role) {
                    let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                        <Message>not authorized to perform sts:AssumeRole</Message></Error>\
                        <RequestId>r1</RequestId></ErrorResponse>";
                    let _ = write!(
                        client,
                        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                        xml.len()
                    );
                    return;
                }
                let Ok(mut up) = TcpStream::connect(&upstream) else {
                    return;
                };
                let mut request = head.concat().into_bytes();
                request.extend_from_slice(b"Connection: close\r\n\r\n");
                request.extend_from_slice(&body);
                if up.write_all(&request).is_err() {
                    return;
                }
                let mut response = Vec::new();
                let _ = up.read_to_end(&mut response);
                // The client must not reuse this connection: say so after the status line.
                if let Some(end) = response.windows(2).position(|w| w == b"\r\n") {
                    let rest = response.split_off(end + 2);
                    response.extend_from_slice(b"Connection: close\r\n");
                    let rest: Vec<u8> = strip_connection_header(&rest);
                    response.extend_from_slice(&rest);
                }
                let _ = client.write_all(&response);
            });
        }
    });
    url
}

/// The headers and body after the status line, without any `Connection:` header of moto's.
fn strip_connection_header(rest: &[u8]) -> Vec<u8> {
    let Some(split) = rest.windows(4).position(|w| w == b"\r\n\r\n") else {
        return rest.to_vec();
    };
    let head = String::from_utf8_lossy(&rest[..split + 2]);
    let mut out: Vec<u8> = head
        .split_inclusive("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<String>()
        .into_bytes();
    out.extend_from_slice(&rest[split + 2..]);
    out
}

fn options(endpoint: String) -> Options {
    Options {
        endpoint_url: Some(endpoint),
        regions: vec![REGION.to_string()],
        progress: false,
        ..Options::default()
    }
}

/// The organization's snapshot, taken once for the file's tests.
fn snap() -> &'static OrgSnapshot {
    static SNAP: OnceLock<OrgSnapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let proxy = proxy_denying_assume_role_into(&id("norole"));
        let org = OrgOptions {
            jobs: 2,
            ..OrgOptions::default()
        };
        snapshot_org(&options(proxy), &org).expect("the organization's snapshot")
    })
}

/// Each file through its JSON document and into one model, the way `scan DIR/` reads them.
fn as_scan_reads(snap: &OrgSnapshot) -> Model {
    let mut all = Model::default();
    for (name, s) in snap.files() {
        let doc: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&s.to_json()).unwrap()).unwrap();
        let mut m = Model::from_snapshot(&doc)
            .expect("a snapshot")
            .expect("valid");
        let names: Vec<SharedName> = m.inputs.iter().flat_map(|i| i.provides.clone()).collect();
        m.as_input(name, InputKind::Snapshot, names.clone(), names);
        all.extend(m);
    }
    all
}

fn account<'a>(snap: &'a OrgSnapshot, key: &str) -> &'a egressproof_live::Snapshot {
    let wanted = id(key);
    snap.accounts
        .iter()
        .find(|s| s.account.as_deref() == Some(wanted.as_str()))
        .unwrap_or_else(|| panic!("no snapshot of the {key} account {wanted}"))
}

#[test]
fn every_account_is_read_and_the_one_without_its_role_is_an_unknown() {
    let snap = snap();
    assert_eq!(snap.organization_id, id("organization"));
    let read: Vec<&str> = snap
        .accounts
        .iter()
        .filter_map(|s| s.account.as_deref())
        .collect();
    for key in ["management", "network", "workload", "norole"] {
        assert!(read.contains(&id(key).as_str()), "{key} not read: {read:?}");
    }
    let norole = account(snap, "norole");
    assert!(norole.model.resources.is_empty());
    assert!(
        norole
            .model
            .diagnostics
            .iter()
            .any(|d| d.code == UnknownCode::EP904
                && d.message.contains("sts:AssumeRole")
                && d.message.contains("AccessDenied")),
        "{:?}",
        norole.model.diagnostics
    );
    // The others were read through their assumed roles.
    let network = account(snap, "network");
    assert!(
        network
            .model
            .resources
            .iter()
            .any(|r| r.id.as_str() == id("tgw")),
        "the network account's transit gateway"
    );
    for s in [network, account(snap, "workload")] {
        assert!(
            s.model
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("sts:AssumeRole")),
            "{:?}",
            s.model.diagnostics
        );
        for op in &s.operations {
            assert!(
                is_read_only(op) && OPERATIONS.contains(&op.as_str()),
                "{op}"
            );
        }
    }
    let org = snap
        .organization
        .as_ref()
        .expect("the organization's own snapshot");
    for op in &org.operations {
        assert!(
            OPERATIONS.contains(&op.as_str()) || ORG_OPERATIONS.contains(&op.as_str()),
            "{op}"
        );
    }
}

#[test]
fn resources_keep_their_accounts_and_the_tree_is_read() {
    let snap = snap();
    let network = account(snap, "network");
    for r in &network.model.resources {
        assert_eq!(
            r.account.as_deref(),
            Some(id("network").as_str()),
            "{}",
            r.id
        );
        assert!(
            r.span
                .location()
                .starts_with(&format!("account {} / ", id("network"))),
            "{}",
            r.span.location()
        );
    }
    let kinds = |f: fn(&Kind) -> bool| {
        network
            .model
            .resources
            .iter()
            .filter(|r| f(&r.kind))
            .count()
    };
    assert!(kinds(|k| matches!(k, Kind::TransitGateway(_))) >= 1);
    assert!(kinds(|k| matches!(k, Kind::TransitGatewayRoute(_))) >= 1);
    assert!(kinds(|k| matches!(k, Kind::TransitGatewayRouteTableAssociation(_))) >= 1);
    let org = snap
        .organization
        .as_ref()
        .expect("the organization's own snapshot");
    let workload = org
        .model
        .resources
        .iter()
        .find(|r| r.id.as_str() == id("workload"))
        .expect("the workload account in the tree");
    let Kind::Account(a) = &workload.kind else {
        panic!("{:?}", workload.kind)
    };
    assert_eq!(a.parents, Attr::Known(vec![Ident::new(id("workloads"))]));
    assert!(org
        .model
        .resources
        .iter()
        .any(|r| r.id.as_str() == id("workloads")
            && matches!(&r.kind, Kind::OrganizationalUnit(u) if u.parent == Some(Attr::Known(Ident::new(id("root")))))));
}

/// moto answers `SearchTransitGatewayRoutes` without the routes' attachments (a moto gap, not
/// AWS behaviour; the snapshot reads such a route as going somewhere unknown): set back the one
/// the fixture created, 0.0.0.0/0 to the egress VPC's attachment.
fn undo_moto_tgw_route_gap(model: &mut Model) {
    for r in &mut model.resources {
        if let Kind::TransitGatewayRoute(route) = &mut r.kind {
            if matches!(route.attachment, Some(Attr::Unknown(_))) {
                route.attachment = Some(Attr::Known(Ident::new(id("egress_attachment"))));
            }
        }
    }
}

/// moto answers `DescribeRouteTables` in the workload account without the `TransitGatewayId` of
/// a route to another account's gateway (a moto gap; the snapshot reads the route's target as
/// unknown): set back the route the fixture created, 0.0.0.0/0 to the network account's gateway.
fn undo_moto_foreign_tgw_route_gap(model: &mut Model) {
    let table = Ident::new(id("workload_route_table"));
    for r in &mut model.resources {
        if let Kind::Route(route) = &mut r.kind {
            if route.route_table == Attr::Known(table.clone())
                && matches!(route.target, Attr::Unknown(_))
            {
                route.target = Attr::Known(RouteTarget {
                    kind: TargetKind::TransitGateway,
                    id: Attr::Known(Ident::new(id("tgw"))),
                });
            }
        }
    }
}

#[test]
fn the_organization_is_one_environment_whose_paths_cross_accounts() {
    let snap = snap();
    let mut model = as_scan_reads(snap);
    undo_moto_tgw_route_gap(&mut model);
    undo_moto_foreign_tgw_route_gap(&mut model);
    let scan = analyze_scan(model, &AnalysisOptions::default(), &[]);
    let with_workloads: Vec<_> = scan.in_scope().collect();
    assert_eq!(
        with_workloads.len(),
        1,
        "one environment: {:?}",
        scan.environments
            .iter()
            .map(|e| &e.inputs)
            .collect::<Vec<_>>()
    );
    let env = with_workloads[0];
    for key in ["network", "workload", "norole", "organization"] {
        let name = format!("{}.json", id(key));
        assert!(env.inputs.contains(&name), "{name} in {:?}", env.inputs);
    }
    // The account without its role leaves the organization unproven at best.
    assert_ne!(env.analysis.verdict, Verdict::Sealed);
    let ep201 = |notebook: &str| {
        env.analysis
            .findings
            .iter()
            .find(|f| f.rule.as_str() == "EP201" && f.resource.name.contains(notebook))
    };
    // The notebook in the subnet the network account shares: the owner's route table (its NAT
    // gateway and internet gateway) applies.
    let shared =
        ep201("org-shared-subnet").unwrap_or_else(|| panic!("{:#?}", env.analysis.findings));
    assert!(
        shared
            .path
            .iter()
            .any(|h| h.resource.id.as_str() == id("nat2")),
        "{:#?}",
        shared.path
    );
    // The workload VPC's notebook: its default route to the network account's transit gateway,
    // the gateway's route to the egress VPC, its NAT and internet gateways.
    let central = ep201("org-workload")
        .unwrap_or_else(|| panic!("{:#?}\n{:#?}", env.analysis.findings, env.analysis.unknowns));
    assert!(
        central
            .path
            .iter()
            .any(|h| h.resource.id.as_str() == id("tgw"))
            && central
                .path
                .iter()
                .any(|h| h.resource.id.as_str() == id("nat")),
        "{:#?}",
        central.path
    );
}

/// Every assumed session carries the read-only guard: a member account's clients refuse writes,
/// and `sts:AssumeRole` too (only the caller's session may assume roles).
#[test]
fn the_read_only_guard_holds_for_assumed_sessions() {
    organization();
    let refused =
        probe_write_in_member(&options(endpoint()), &OrgOptions::default(), &id("network"))
            .expect("the probe assumes the role");
    for op in ["ec2:CreateVpc", "iam:CreateRole", "sts:AssumeRole"] {
        assert!(
            refused.iter().any(|r| r == op),
            "{op} not refused: {refused:?}"
        );
    }
}
