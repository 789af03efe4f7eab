//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run; `tool.driver.rules` is the whole rule catalog (each with its documentation as
//! `help`, so a viewer shows the same text as `egressproof rule`). One result per finding,
//! whose hops become one `codeFlow` with one `threadFlow`; unknowns are results of level
//! `note` (they make the verdict `unproven` but point at no channel yet). Suppressed findings
//! carry an `inSource` suppression with its reason. `partialFingerprints["egressproof/v2"]`
//! is the result's fingerprint ([`crate::fingerprint`]): unique in the scan, independent of
//! line numbers and of the working directory, so an alert survives edits above it.
//!
//! The assumptions the verdict rests on are in `runs[].properties.assumptions` (kind, message,
//! file, line) and, for viewers, as `toolExecutionNotifications` of the one invocation, each
//! pointing at its kind among `driver.notifications`.
//!
//! Locations: a file becomes a relative URI with forward slashes and, when the line is known,
//! a region; a live resource (an ARN, line 0) becomes a logical location instead (its account,
//! region and resource as the human-readable fully qualified name, its ARN as the
//! machine-readable decorated name); a hop
//! outside every file (the internet) has only its message and a logical location.
//! Hand-built structs rather than a SARIF crate: see Cargo.toml; `tests/sarif_schema.rs`
//! validates the output against the OASIS schema.

use crate::fingerprint::{self, Fingerprints, Located, SourceRoot};
use crate::json::to_pretty_json;
use crate::{environments, INFORMATION_URI, TOOL_VERSION};
use egressproof_analysis::rules::section;
use egressproof_analysis::{
    registry, Analysis, AssumptionKind, Family, Finding, Hop, ResourceRef, Rule, Scan, Severity,
};
use egressproof_model::Span;
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    results: Vec<ResultOut>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct RunProperties {
    verdict: &'static str,
    /// What the verdict rests on (DESIGN.md §5): each assumption with its kind.
    assumptions: Vec<AssumptionOut>,
}

#[derive(Serialize)]
struct AssumptionOut {
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

/// The run of the tool (§3.20): it finished, and it says what it took as given, as
/// notifications a viewer shows beside the results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

/// One assumption as a notification (§3.58), pointing at its descriptor among
/// `driver.notifications` (one per kind).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    descriptor: DescriptorReference,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
    index: usize,
}

/// A kind of notification the tool can send: one per kind of assumption.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationDescriptor {
    id: &'static str,
    short_description: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
    notifications: Vec<NotificationDescriptor>,
}

/// SARIF's name for a rule's metadata (§3.49).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    /// The rule's section of docs/rules.md on the repository's site.
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

fn message(text: impl Into<String>) -> Message {
    Message { text: text.into() }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    /// GitHub code scanning ranks security alerts by this (0.0 to 10.0, as a string).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// `%SRCROOT%` for a file under the repository root (its `uri` is relative to the root);
    /// absent for a `file://` URI outside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// The base of relative URIs (§3.14.14): described, not located. Its absolute path would be
/// the checkout's place on the machine that ran the scan, which is nobody's business in a
/// shared report, and GitHub resolves `%SRCROOT%` against the repository itself.
#[derive(Serialize)]
struct BaseLocation {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    /// Human-readable (SARIF 2.1.0 §3.33.5): a live resource's account, region and resource.
    fully_qualified_name: String,
    /// Machine-readable (§3.33.6): a live resource's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    decorated_name: Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: Location,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

/// SARIF levels: what fails a code-scanning check (error) down to what informs (note).
fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::High => "8.0",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The token of the repository root in `uriBaseId` (the name GitHub code scanning and most
/// SARIF producers use).
const SRCROOT: &str = "%SRCROOT%";

/// A span's file as a SARIF artifact location: relative to `%SRCROOT%` when it is under the
/// repository root, else an absolute `file://` URI; `None` for an ARN or nowhere. The path was
/// redacted with the rest of the scan before it got here.
fn artifact(file: &str, root: &SourceRoot) -> Option<ArtifactLocation> {
    match root.locate(file) {
        Located::Nowhere | Located::Arn(_) => None,
        Located::InRoot(rel) => Some(ArtifactLocation {
            uri: uri_path(&rel),
            uri_base_id: Some(SRCROOT),
        }),
        Located::Outside(abs) => Some(ArtifactLocation {
            uri: absolute_file_uri(&abs),
            uri_base_id: None,
        }),
    }
}

/// `/abs/x.yaml` as `file:///abs/x.yaml`, `C:/x/n.yaml` as `file:///C:/x/n.yaml`; a relative
/// path (outside the root only when there is no root) stays a relative reference.
fn absolute_file_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let bytes = p.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive {
        format!("file:///{}", uri_path(&p))
    } else if p.starts_with('/') {
        format!("file://{}", uri_path(&p))
    } else {
        uri_path(&p)
    }
}

/// A path as the path of a URI: forward slashes, and the characters a URI path cannot hold
/// percent-encoded (`:` too, so `C:x` never reads as a scheme).
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'_'
                    | b'.'
                    | b'~'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if b == b'\\' {
            out.push('/');
        } else if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where `egressproof rule` text lives on the web: the rule's section of docs/rules.md in the
/// repository (the crate's `repository`, one value for the workspace). GitHub's anchor of
/// `## EP201` is `#ep201`; `HEAD` is the default branch, whatever its name.
pub(crate) fn help_uri(rule: Rule) -> String {
    format!(
        "{}/blob/HEAD/docs/rules.md#{}",
        env!("CARGO_PKG_REPOSITORY"),
        rule.as_str().to_ascii_lowercase()
    )
}

fn is_arn(s: &str) -> bool {
    s.starts_with("arn:")
}

fn logical(r: &ResourceRef) -> LogicalLocation {
    let arn = is_arn(&r.span.file);
    LogicalLocation {
        name: r.name.clone(),
        fully_qualified_name: if arn {
            r.span.location()
        } else {
            format!("{}/{}", r.type_name, r.name)
        },
        decorated_name: arn.then(|| r.span.file.clone()),
        kind: "resource",
    }
}

fn physical(span: &Span, root: &SourceRoot) -> Option<PhysicalLocation> {
    Some(PhysicalLocation {
        artifact_location: artifact(&span.file, root)?,
        region: (span.line > 0).then(|| Region {
            start_line: span.line,
            start_column: (span.column > 0).then_some(span.column),
        }),
    })
}

/// A resource's location: its file and line, else (an ARN, or nowhere) a logical location.
fn resource_location(r: &ResourceRef, msg: Option<Message>, root: &SourceRoot) -> Location {
    let physical_location = physical(&r.span, root);
    let region_known = physical_location
        .as_ref()
        .is_some_and(|p| p.region.is_some());
    Location {
        physical_location,
        logical_locations: if region_known {
            Vec::new()
        } else {
            vec![logical(r)]
        },
        message: msg,
    }
}

fn hop_location(h: &Hop, root: &SourceRoot) -> ThreadFlowLocation {
    let text = if h.note.is_empty() {
        format!("{} ({})", h.resource.name, h.resource.type_name)
    } else {
        format!("{} ({}): {}", h.resource.name, h.resource.type_name, h.note)
    };
    let mut location = resource_location(&h.resource, Some(message(text)), root);
    // Every hop names its resource, also when the file and line are known: a flow reads
    // "Notebook -> PrivateSubnet -> NatGw -> internet".
    if location.logical_locations.is_empty() {
        location.logical_locations.push(logical(&h.resource));
    }
    ThreadFlowLocation { location }
}

fn fingerprint(print: Option<&str>) -> BTreeMap<&'static str, String> {
    print
        .map(|p| BTreeMap::from([(fingerprint::KEY, p.to_string())]))
        .unwrap_or_default()
}

/// The rule's place among `tool.driver.rules` (every rule of the registry, in its order).
fn rule_index(rule: Rule) -> Option<usize> {
    registry().iter().position(|r| r.code == rule)
}

fn finding_result(f: &Finding, print: Option<&str>, root: &SourceRoot) -> ResultOut {
    let flow: Vec<ThreadFlowLocation> = f.path.iter().map(|h| hop_location(h, root)).collect();
    ResultOut {
        rule_id: f.rule.as_str(),
        rule_index: rule_index(f.rule),
        level: level(f.severity),
        message: message(f.message.clone()),
        locations: vec![resource_location(&f.resource, None, root)],
        code_flows: if flow.is_empty() {
            Vec::new()
        } else {
            vec![CodeFlow {
                thread_flows: vec![ThreadFlow { locations: flow }],
            }]
        },
        partial_fingerprints: fingerprint(print),
        suppressions: if f.suppressed {
            vec![Suppression {
                kind: "inSource",
                status: "accepted",
                justification: f
                    .suppression_reason
                    .clone()
                    .filter(|r| !r.trim().is_empty()),
            }]
        } else {
            Vec::new()
        },
        properties: ResultProperties {
            severity: f.severity.as_str(),
            title: Some(f.title.to_string()),
        },
    }
}

/// A descriptor for every rule of the registry: a finding's rule is always one of them.
fn rules() -> Vec<ReportingDescriptor> {
    registry()
        .iter()
        .map(|meta| {
            let doc = meta.documentation();
            let what = section(&doc, "What it does");
            ReportingDescriptor {
                id: meta.code.as_str(),
                name: meta.name,
                short_description: message(meta.summary),
                full_description: message(if what.is_empty() {
                    meta.summary.to_string()
                } else {
                    what
                }),
                help_uri: help_uri(meta.code),
                help: Help {
                    text: doc.clone(),
                    markdown: doc,
                },
                default_configuration: Configuration {
                    level: level(meta.severity),
                },
                properties: RuleProperties {
                    tags: tags(meta.code),
                    security_severity: security_severity(meta.severity),
                },
            }
        })
        .collect()
}

fn tags(rule: Rule) -> Vec<&'static str> {
    match rule.family() {
        Family::Hardening => vec!["security", "hardening"],
        Family::Unknowns => vec!["security", "unknown"],
        _ => vec!["security", "egress"],
    }
}

/// The notification descriptors: one per kind of assumption, in the order of
/// [`AssumptionKind::ALL`].
fn notification_descriptors() -> Vec<NotificationDescriptor> {
    AssumptionKind::ALL
        .iter()
        .map(|k| NotificationDescriptor {
            id: k.as_str(),
            short_description: message(k.description()),
            default_configuration: Configuration { level: "note" },
        })
        .collect()
}

/// Where an unknown or an assumption points: its file (and line), or its ARN as a logical
/// location, named as the other reports show it (`account 123456789012 / eu-west-1 /
/// vpc-0abc`, [`Span::location`]) since it has no resource name, the ARN as its decorated
/// name; `None` for nowhere.
fn span_location(span: &Span, root: &SourceRoot) -> Option<Location> {
    if span.file.is_empty() {
        return None;
    }
    let physical_location = physical(span, root);
    let logical_locations = if physical_location.is_none() {
        vec![LogicalLocation {
            name: span.location(),
            fully_qualified_name: span.location(),
            decorated_name: is_arn(&span.file).then(|| span.file.clone()),
            kind: "resource",
        }]
    } else {
        Vec::new()
    };
    Some(Location {
        physical_location,
        logical_locations,
        message: None,
    })
}

/// Each assumption as a notification of the invocation.
fn notifications(analysis: &Analysis, root: &SourceRoot) -> Vec<Notification> {
    analysis
        .assumptions
        .iter()
        .map(|a| Notification {
            descriptor: DescriptorReference {
                id: a.kind.as_str(),
                index: AssumptionKind::ALL
                    .iter()
                    .position(|k| *k == a.kind)
                    .unwrap_or_default(),
            },
            level: "note",
            message: message(a.message.clone()),
            locations: a
                .span
                .as_ref()
                .and_then(|s| span_location(s, root))
                .into_iter()
                .collect(),
        })
        .collect()
}

/// The fingerprints of one environment's results.
#[derive(Clone, Copy)]
struct Prints<'a> {
    all: &'a Fingerprints,
    env: usize,
}

/// The log of one analysis, as a JSON value.
fn value(analysis: &Analysis, prints: Option<Prints<'_>>, root: &SourceRoot) -> serde_json::Value {
    let mut results: Vec<ResultOut> = analysis
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| finding_result(f, prints.and_then(|p| p.all.finding(p.env, i)), root))
        .collect();
    for (i, u) in analysis.unknowns.iter().enumerate() {
        let locations: Vec<Location> = u
            .span
            .as_ref()
            .and_then(|s| span_location(s, root))
            .into_iter()
            .collect();
        results.push(ResultOut {
            rule_id: u.rule.as_str(),
            rule_index: rule_index(u.rule),
            level: "note",
            message: message(u.message.clone()),
            locations,
            code_flows: Vec::new(),
            partial_fingerprints: fingerprint(prints.and_then(|p| p.all.unknown(p.env, i))),
            suppressions: Vec::new(),
            properties: ResultProperties {
                severity: "info",
                title: None,
            },
        });
    }
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "egressproof",
                    version: TOOL_VERSION,
                    semantic_version: TOOL_VERSION,
                    information_uri: INFORMATION_URI,
                    rules: rules(),
                    notifications: notification_descriptors(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications(analysis, root),
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseLocation {
                    description: message(
                        "The root of the repository scanned (--repo-root; by default the git \
                         repository holding the working directory)",
                    ),
                },
            )]),
            results,
            properties: RunProperties {
                verdict: analysis.verdict.as_str(),
                assumptions: analysis
                    .assumptions
                    .iter()
                    .map(|a| AssumptionOut {
                        kind: a.kind.as_str(),
                        message: a.message.clone(),
                        file: a
                            .span
                            .as_ref()
                            .filter(|s| !s.file.is_empty())
                            .map(|s| root.name(&s.file)),
                        line: a.span.as_ref().filter(|s| s.line > 0).map(|s| s.line),
                    })
                    .collect(),
            },
        }],
    };
    serde_json::to_value(&log).unwrap_or_default()
}

/// The array at a JSON pointer, created when its object lacks it (an empty list is left out
/// of the log, so the skeleton of an empty analysis does not hold it).
fn array_at<'v>(
    log: &'v mut serde_json::Value,
    path: &str,
) -> Option<&'v mut Vec<serde_json::Value>> {
    let (parent, key) = path.rsplit_once('/')?;
    let object = log.pointer_mut(parent)?.as_object_mut()?;
    object
        .entry(key)
        .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        .as_array_mut()
}

/// One environment in the run's properties.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentOut {
    name: String,
    verdict: &'static str,
    in_scope: bool,
    inputs: Vec<String>,
}

/// A scan: one run holding the results of every environment judged, each result (and each
/// assumption, as a notification and in the run's properties) naming its environment in
/// `properties.environment`; the run's properties carry the scan's verdict and the
/// environments, those out of scope included.
pub(crate) fn render_scan(scan: &Scan, root: &SourceRoot) -> String {
    let empty = egressproof_analysis::analyze(
        &egressproof_model::Model::default(),
        &egressproof_analysis::Options::default(),
    );
    let all = Fingerprints::of(scan, root);
    let mut log = value(&empty, None, root);
    for (index, env) in scan.environments.iter().enumerate() {
        if !env.in_scope {
            continue;
        }
        let mut one = value(
            &env.analysis,
            Some(Prints {
                all: &all,
                env: index,
            }),
            root,
        );
        let env_name = fingerprint::environment_name(env, root);
        let tag = |item: &mut serde_json::Value, bag: Option<&str>| {
            let target = match bag {
                Some(key) => item
                    .as_object_mut()
                    .map(|o| o.entry(key).or_insert_with(|| serde_json::json!({}))),
                None => Some(item),
            };
            if let Some(o) = target.and_then(serde_json::Value::as_object_mut) {
                o.insert("environment".into(), env_name.as_str().into());
            }
        };
        for (path, bag) in [
            ("/runs/0/results", Some("properties")),
            (
                "/runs/0/invocations/0/toolExecutionNotifications",
                Some("properties"),
            ),
            ("/runs/0/properties/assumptions", None),
        ] {
            let Some(serde_json::Value::Array(items)) = one.pointer_mut(path).map(std::mem::take)
            else {
                continue;
            };
            if let Some(all) = array_at(&mut log, path) {
                all.extend(items.into_iter().map(|mut item| {
                    tag(&mut item, bag);
                    item
                }));
            }
        }
    }
    let environments: Vec<EnvironmentOut> = scan
        .environments
        .iter()
        .map(|e| EnvironmentOut {
            name: fingerprint::environment_name(e, root),
            verdict: environments::verdict(e),
            in_scope: e.in_scope,
            inputs: e.inputs.iter().map(|i| root.name(i)).collect(),
        })
        .collect();
    if let Some(props) = log
        .pointer_mut("/runs/0/properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        props.insert("verdict".into(), environments::scan_verdict(scan).into());
        props.insert(
            "environments".into(),
            serde_json::to_value(&environments).unwrap_or_default(),
        );
    }
    to_pretty_json(&log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_under_the_root_are_relative_to_srcroot_and_others_absolute() {
        let root = SourceRoot::new("/repo", "/repo/infra");
        let at = |f: &str| {
            artifact(f, &root).map(|a| (a.uri, a.uri_base_id.unwrap_or_default().to_string()))
        };
        let rel = |u: &str| Some((u.to_string(), SRCROOT.to_string()));
        let abs = |u: &str| Some((u.to_string(), String::new()));
        assert_eq!(at("net.yaml"), rel("infra/net.yaml"));
        assert_eq!(at(".\\sub\\net.yaml"), rel("infra/sub/net.yaml"));
        assert_eq!(at("../my dir/a#b.yaml"), rel("my%20dir/a%23b.yaml"));
        assert_eq!(at("é.tf"), rel("infra/%C3%A9.tf"));
        assert_eq!(at("/etc/x:y.yaml"), abs("file:///etc/x%3Ay.yaml"));
        assert_eq!(at("arn:aws:s3:::b"), None);
        assert_eq!(at(""), None);
        assert_eq!(absolute_file_uri("C:\\x\\n.yaml"), "file:///C%3A/x/n.yaml");
        // Without a root, files are named as the scan names them, relative to %SRCROOT%.
        let none = SourceRoot::default();
        assert_eq!(
            artifact("./infra/net.yaml", &none).map(|a| a.uri),
            Some("infra/net.yaml".to_string())
        );
    }

    #[test]
    fn help_points_at_the_rules_section() {
        assert_eq!(
            help_uri(Rule::RouteToInternet),
            "https://github.com/egressproof/egressproof/blob/HEAD/docs/rules.md#ep201"
        );
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }
}
