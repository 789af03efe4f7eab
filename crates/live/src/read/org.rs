//! An organization's snapshot: the caller (the management account or a delegated
//! administrator) lists the accounts, assumes a role in each, and reads each like a single
//! account, a few accounts at a time.
//!
//! The caller's own clients admit `sts:AssumeRole` besides the read-only operations; every
//! member session is built by [`Clients::new`] with the read-only guard, like a single
//! account's. An account that cannot be read (no such role, access denied) is an EP904 in its
//! own snapshot, and the others are still read.

use super::orgs;
use super::{
    base_config, partition_of, read_account, regions_of, runtime, why, Clients, Ctx, Guard,
    Recorder,
};
use crate::org::as_member;
use crate::{Error, Options, OrgOptions, OrgSnapshot, Snapshot};
use aws_config::SdkConfig;
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use egressproof_model::{Diagnostic, Model, Span, UnknownCode};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Takes a snapshot of every selected account of the caller's organization.
///
/// Blocking, like [`crate::snapshot`]. Fails when the organization cannot be listed (the
/// caller is not its management account or a delegated administrator) or a selection names
/// an account or OU the organization does not hold; an account that cannot be read after that
/// is an EP904 in its own snapshot.
pub fn snapshot_org(options: &Options, org: &OrgOptions) -> Result<OrgSnapshot, Error> {
    runtime(options)?.block_on(org_async(options, org))
}

/// The caller: its session, account and partition.
struct Caller {
    clients: Clients,
    base: SdkConfig,
    account: String,
    partition: &'static str,
    recorder: Arc<Recorder>,
}

async fn caller(options: &Options) -> Result<(Caller, Vec<String>), Error> {
    let base = base_config(options).await;
    let regions = regions_of(options, &base)?;
    let recorder = Arc::new(Recorder::new(false));
    let clients = Clients::new(&base, Guard::assuming_roles(recorder.clone()));
    let me = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::Credentials(why(&e)))?;
    let account = me.account().unwrap_or_default().to_string();
    let partition = partition_of(regions.first().map(String::as_str).unwrap_or("us-east-1"));
    Ok((
        Caller {
            clients,
            base,
            account,
            partition,
            recorder,
        },
        regions,
    ))
}

async fn org_async(options: &Options, org: &OrgOptions) -> Result<OrgSnapshot, Error> {
    let (caller, regions) = caller(options).await?;
    let orgs = &caller.clients.orgs;
    let described = orgs.describe_organization().send().await.map_err(|e| {
        Error::Organization(format!("organizations:DescribeOrganization: {}", why(&e)))
    })?;
    let organization_id = described
        .organization()
        .and_then(|o| o.id())
        .unwrap_or_default()
        .to_string();
    let listed: Vec<aws_sdk_organizations::types::Account> = orgs
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| Error::Organization(format!("organizations:ListAccounts: {}", why(&e))))?
        .into_iter()
        .flat_map(|page| page.accounts.unwrap_or_default())
        .collect();
    let ctx = Ctx {
        region: "global".into(),
        account: caller.account.clone(),
        partition: caller.partition,
        since: SystemTime::UNIX_EPOCH,
        limit: options.call_concurrency.max(1),
    };
    let tree = orgs::tree(&ctx, orgs).await;
    let mut notes = Vec::new();
    let selected = select(&listed, org, &tree, &mut notes)?;
    let mine: Vec<String> = selected
        .iter()
        .filter(|a| org.shard.is_none_or(|s| s.holds(a)))
        .cloned()
        .collect();

    let organization = if org.shard.is_none_or(|s| s.reads_organization()) {
        let mut model = tree.model.clone();
        model.extend(orgs::read(&ctx, orgs).await);
        model.notes.extend(notes);
        model.notes.push(format!("organization {organization_id}"));
        super::normalise(&mut model);
        let mut snap = Snapshot {
            model,
            account: Some(caller.account.clone()),
            regions: regions.clone(),
            operations: Vec::new(),
        };
        own_org_resources(&mut snap.model, &caller.account);
        as_member(&mut snap, &organization_id, &BTreeSet::new());
        snap.model.inputs[0].name = organization_id.clone();
        Some(snap)
    } else {
        None
    };

    let accounts = read_members(&caller, &regions, options, org, &mine, &selected).await;
    let mut out = OrgSnapshot {
        organization_id: organization_id.clone(),
        organization,
        accounts,
    };
    for s in &mut out.accounts {
        as_member(s, &organization_id, &selected);
    }
    if let Some(o) = &mut out.organization {
        o.operations = caller.recorder.operations();
    }
    Ok(out)
}

/// The organization's own resources (its tree and policies) belong to the caller's account.
fn own_org_resources(model: &mut Model, caller: &str) {
    for r in &mut model.resources {
        if r.account.is_none() {
            r.account = Some(caller.to_string());
        }
    }
}

/// The accounts to read, sorted: the active ones, narrowed by `--accounts` and `--ou`.
fn select(
    listed: &[aws_sdk_organizations::types::Account],
    org: &OrgOptions,
    tree: &orgs::Tree,
    notes: &mut Vec<String>,
) -> Result<BTreeSet<String>, Error> {
    let mut active = BTreeSet::new();
    for a in listed {
        let Some(id) = a.id() else { continue };
        match a.status().map(|s| s.as_str()) {
            Some("ACTIVE") | None => {
                active.insert(id.to_string());
            }
            Some(other) => notes.push(format!(
                "account {id} is {other}: not read (it runs nothing while not active)"
            )),
        }
    }
    for id in &org.accounts {
        if !active.contains(id) {
            return Err(Error::Organization(format!(
                "--accounts: {id} is not an active account of the organization"
            )));
        }
    }
    let mut selected: BTreeSet<String> = if org.accounts.is_empty() {
        active.clone()
    } else {
        org.accounts.iter().cloned().collect()
    };
    if !org.ous.is_empty() {
        if !tree.complete {
            return Err(Error::Organization(
                "--ou: the organization's tree could not be read in full".into(),
            ));
        }
        let mut under = BTreeSet::new();
        for ou in &org.ous {
            if !tree.parents.contains_key(ou) && !tree.roots.contains(ou) {
                return Err(Error::Organization(format!(
                    "--ou: {ou} is not an OU or root of the organization"
                )));
            }
            under.extend(tree.accounts_under(ou));
        }
        selected.retain(|a| under.contains(a));
    }
    selected.retain(|a| active.contains(a));
    Ok(selected)
}

/// Reads the accounts, `org.jobs` at a time; each one's progress on stderr.
async fn read_members(
    caller: &Caller,
    regions: &[String],
    options: &Options,
    org: &OrgOptions,
    mine: &[String],
    _selected: &BTreeSet<String>,
) -> Vec<Snapshot> {
    let progress = Progress::new(options.progress, mine.len());
    let jobs = Arc::new(Semaphore::new(org.jobs.max(1)));
    let mut set: JoinSet<Snapshot> = JoinSet::new();
    for account in mine {
        let account = account.clone();
        let jobs = jobs.clone();
        let sts = caller.clients.sts.clone();
        let base = caller.base.clone();
        let regions = regions.to_vec();
        let options = options.clone();
        let own = account == caller.account;
        let role = format!(
            "arn:{}:iam::{account}:role/{}",
            caller.partition, org.role_name
        );
        let external_id = org.external_id.clone();
        let progress = progress.clone();
        set.spawn(async move {
            let _permit = jobs.acquire_owned().await;
            progress.start(&account);
            // The caller's own account is read with the caller's credentials (the management
            // account has no OrganizationAccountAccessRole).
            let session = if own {
                Ok(base)
            } else {
                assume(&sts, &base, &role, external_id.as_deref()).await
            };
            let snap = match session {
                Ok(cfg) => {
                    let recorder = Arc::new(Recorder::new(false));
                    match read_account(&cfg, &regions, &options, recorder, false).await {
                        Ok(s) => s,
                        Err(e) => unreadable(&account, &regions, &format!("{e}")),
                    }
                }
                Err(why) => unreadable(
                    &account,
                    &regions,
                    &format!("sts:AssumeRole into {role} failed: {why}"),
                ),
            };
            progress.done(&snap);
            snap
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(s) => out.push(s),
            Err(e) => {
                let mut s = Snapshot::default();
                s.model.diagnostics.push(Diagnostic::new(
                    UnknownCode::EP904,
                    format!("an account's reading task stopped before it finished ({e}): what it would have read is unknown"),
                    None,
                ));
                out.push(s);
            }
        }
    }
    progress.finish();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    out
}

/// An account that could not be read at all: an EP904 that says why, so that the organization's
/// verdict is `unproven`, never `sealed` without it.
fn unreadable(account: &str, regions: &[String], why: &str) -> Snapshot {
    let mut model = Model::default();
    model.diagnostics.push(Diagnostic::new(
        UnknownCode::EP904,
        format!(
            "account {account} could not be read, so everything in it is unknown (not absent): {why}"
        ),
        Some(Span::arn(format!("account {account}"))),
    ));
    model.notes.push(format!("account {account}"));
    Snapshot {
        model,
        account: Some(account.to_string()),
        regions: regions.to_vec(),
        operations: Vec::new(),
    }
}

/// A session in a member account: `sts:AssumeRole` through the caller's guarded client, its
/// temporary credentials in the caller's configuration (endpoint, retries, region).
async fn assume(
    sts: &aws_sdk_sts::Client,
    base: &SdkConfig,
    role: &str,
    external_id: Option<&str>,
) -> Result<SdkConfig, String> {
    let mut request = sts
        .assume_role()
        .role_arn(role)
        .role_session_name("egressproof-snapshot")
        .duration_seconds(3600);
    if let Some(x) = external_id {
        request = request.external_id(x);
    }
    let answer = request.send().await.map_err(|e| why(&e))?;
    let c = answer
        .credentials()
        .ok_or("the answer holds no credentials")?;
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        SystemTime::try_from(*c.expiration()).ok(),
        "egressproof-assumed-role",
    );
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

/// For tests of the guard: assumes the role in `account` as an organization's snapshot does,
/// builds that session's clients the one way every session's are built, and tries three
/// operations that write or escalate (`ec2:CreateVpc`, `iam:CreateRole`, `sts:AssumeRole`).
/// Returns what the session's guard refused (all three when it holds).
#[doc(hidden)]
pub fn probe_write_in_member(
    options: &Options,
    org: &OrgOptions,
    account: &str,
) -> Result<Vec<String>, Error> {
    runtime(options)?.block_on(async {
        let (caller, regions) = caller(options).await?;
        let role = format!(
            "arn:{}:iam::{account}:role/{}",
            caller.partition, org.role_name
        );
        let cfg = assume(
            &caller.clients.sts,
            &caller.base,
            &role,
            org.external_id.as_deref(),
        )
        .await
        .map_err(Error::Organization)?;
        let recorder = Arc::new(Recorder::new(false));
        let member = Clients::new(&cfg, Guard::read_only(recorder.clone()));
        let (ec2, _) = member.regional(regions.first().map(String::as_str).unwrap_or("us-east-1"));
        let _ = ec2.create_vpc().cidr_block("10.99.0.0/16").send().await;
        let _ = member
            .iam
            .create_role()
            .role_name("egressproof-probe")
            .assume_role_policy_document("{}")
            .send()
            .await;
        let _ = member
            .sts
            .assume_role()
            .role_arn(&role)
            .role_session_name("probe")
            .send()
            .await;
        Ok(recorder.refused())
    })
}

/// Per-account progress on stderr: a bar when stderr is a terminal, a line per account
/// finished in any case.
#[derive(Clone)]
struct Progress {
    on: bool,
    bar: Option<ProgressBar>,
    started: Arc<std::sync::Mutex<BTreeSet<String>>>,
}

impl Progress {
    fn new(on: bool, total: usize) -> Progress {
        let bar = (on && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}/{len} accounts  {msg}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            on,
            bar,
            started: Arc::default(),
        }
    }

    fn start(&self, account: &str) {
        if let Ok(mut s) = self.started.lock() {
            s.insert(account.to_string());
            if let Some(bar) = &self.bar {
                let reading: Vec<&str> = s.iter().map(String::as_str).collect();
                bar.set_message(format!("reading {}", reading.join(", ")));
            }
        }
    }

    fn done(&self, snap: &Snapshot) {
        let account = snap.account.as_deref().unwrap_or("?");
        if let Ok(mut s) = self.started.lock() {
            s.remove(account);
        }
        if !self.on {
            return;
        }
        let line = format!(
            "account {account}: {} resources, {} unknowns",
            snap.model.resources.len(),
            snap.model.diagnostics.len()
        );
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
