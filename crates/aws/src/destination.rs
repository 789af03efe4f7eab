//! Where SageMaker itself delivers a workload's data: the S3 locations and SNS topics a request
//! names, which SageMaker writes to from its own network whatever the workload's VPC allows.
//!
//! One table ([`fields`]) says, for each request or resource in API shape, which fields are
//! destinations and what SageMaker delivers there. CloudFormation properties, pipeline steps and
//! Step Functions tasks are in API shape and read here ([`read`]); Terraform walks the same
//! table with its provider's names; the live reader builds each destination it reads with
//! [`at`]. So a field is a destination in every format, or in none.
//!
//! | Holder | Fields |
//! |---|---|
//! | CreateTrainingJob | `OutputDataConfig.S3OutputPath`, `CheckpointConfig.S3Uri`, `DebugHookConfig.S3OutputPath`, `TensorBoardOutputConfig.S3OutputPath`, `ProfilerConfig.S3OutputPath` |
//! | tuning job definitions | `OutputDataConfig.S3OutputPath`, `CheckpointConfig.S3Uri` |
//! | CreateProcessingJob | `ProcessingOutputConfig.Outputs[].S3Output.S3Uri` |
//! | CreateTransformJob | `TransformOutput.S3OutputPath`, `DataCaptureConfig.DestinationS3Uri` |
//! | CreateAutoMLJob(V2) | `OutputDataConfig.S3OutputPath` |
//! | CreateEndpointConfig | `DataCaptureConfig.DestinationS3Uri`, `AsyncInferenceConfig.OutputConfig.{S3OutputPath,S3FailurePath}`, `AsyncInferenceConfig.OutputConfig.NotificationConfig.{SuccessTopic,ErrorTopic}`, `ProductionVariants[].CoreDumpConfig.DestinationS3Uri` (and shadow variants) |
//! | monitoring job definitions and schedules | `<output config>.MonitoringOutputs[].S3Output.S3Uri` |
//! | Studio domain defaults, user profiles | `SharingSettings.S3OutputPath` (when `NotebookOutputOption` is `Allowed`), `CanvasAppSettings.WorkspaceSettings.S3ArtifactPath` |
//! | Feature Store feature groups | `OfflineStoreConfig.S3StorageConfig.S3Uri` |
//!
//! A value that is not an S3 URI (`s3://bucket/prefix`, or an `https://` S3 URL) or a topic ARN,
//! or whose bucket or account part is not resolved, is a destination with an unknown target,
//! never a skipped field.

use crate::body::{Node, Reader, Site, State};
use crate::sagemaker::Request;
use egressproof_model::{
    Attr, DataDestination, Delivery, Part, Piece, Pseudo, Span, Symbol, Target, Unknown, Value,
    VpcPeeringConnection,
};

/// What a destination field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    S3,
    Sns,
}

/// A setting another field's delivery depends on: delivered only when the value at `path` (from
/// the holder's root) is `equals`; absent is AWS's default, which is not.
#[derive(Clone, Copy, Debug)]
pub struct When {
    pub path: &'static [&'static str],
    pub equals: &'static str,
}

/// One destination field: its path from the holder's root as the API names it (a key ending in
/// `[]` is a list, each item read), what is delivered there, and to which service.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub path: &'static [&'static str],
    pub delivery: Delivery,
    pub service: Service,
    pub when: Option<When>,
}

const fn s3(path: &'static [&'static str], delivery: Delivery) -> Field {
    Field {
        path,
        delivery,
        service: Service::S3,
        when: None,
    }
}

const fn sns(path: &'static [&'static str], delivery: Delivery) -> Field {
    Field {
        path,
        delivery,
        service: Service::Sns,
        when: None,
    }
}

/// What holds destination fields: a request, or a resource whose properties are in API shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Request(Request),
    /// One training job definition of a tuning job (`TrainingJobDefinition`,
    /// `TrainingJobDefinitions[]`).
    TuningDefinition,
    DataQualityJobDefinition,
    ModelQualityJobDefinition,
    ModelBiasJobDefinition,
    ModelExplainabilityJobDefinition,
    /// A monitoring schedule with its job definition inline.
    MonitoringSchedule,
    /// A Studio domain: its default user settings.
    Domain,
    /// A Studio user profile: its user settings.
    UserProfile,
    /// A Feature Store feature group (`CreateFeatureGroup`).
    FeatureGroup,
}

const TRAINING: &[Field] = &[
    s3(&["OutputDataConfig", "S3OutputPath"], Delivery::JobOutput),
    s3(&["CheckpointConfig", "S3Uri"], Delivery::Checkpoints),
    s3(&["DebugHookConfig", "S3OutputPath"], Delivery::DebugOutput),
    s3(
        &["TensorBoardOutputConfig", "S3OutputPath"],
        Delivery::DebugOutput,
    ),
    s3(&["ProfilerConfig", "S3OutputPath"], Delivery::DebugOutput),
];

const TUNING_DEFINITION: &[Field] = &[
    s3(&["OutputDataConfig", "S3OutputPath"], Delivery::JobOutput),
    s3(&["CheckpointConfig", "S3Uri"], Delivery::Checkpoints),
];

const PROCESSING: &[Field] = &[s3(
    &["ProcessingOutputConfig", "Outputs[]", "S3Output", "S3Uri"],
    Delivery::ProcessingOutput,
)];

const TRANSFORM: &[Field] = &[
    s3(
        &["TransformOutput", "S3OutputPath"],
        Delivery::TransformOutput,
    ),
    s3(
        &["DataCaptureConfig", "DestinationS3Uri"],
        Delivery::CapturedData,
    ),
];

const AUTOML: &[Field] = &[s3(
    &["OutputDataConfig", "S3OutputPath"],
    Delivery::JobOutput,
)];

const ENDPOINT_CONFIG: &[Field] = &[
    s3(
        &["DataCaptureConfig", "DestinationS3Uri"],
        Delivery::CapturedData,
    ),
    s3(
        &["AsyncInferenceConfig", "OutputConfig", "S3OutputPath"],
        Delivery::AsyncInferenceOutput,
    ),
    s3(
        &["AsyncInferenceConfig", "OutputConfig", "S3FailurePath"],
        Delivery::AsyncInferenceFailure,
    ),
    sns(
        &[
            "AsyncInferenceConfig",
            "OutputConfig",
            "NotificationConfig",
            "SuccessTopic",
        ],
        Delivery::AsyncInferenceNotification,
    ),
    sns(
        &[
            "AsyncInferenceConfig",
            "OutputConfig",
            "NotificationConfig",
            "ErrorTopic",
        ],
        Delivery::AsyncInferenceNotification,
    ),
    s3(
        &["ProductionVariants[]", "CoreDumpConfig", "DestinationS3Uri"],
        Delivery::CoreDump,
    ),
    s3(
        &[
            "ShadowProductionVariants[]",
            "CoreDumpConfig",
            "DestinationS3Uri",
        ],
        Delivery::CoreDump,
    ),
];

macro_rules! monitoring {
    ($($key:literal),+) => {
        &[s3(
            &[$($key),+, "MonitoringOutputs[]", "S3Output", "S3Uri"],
            Delivery::MonitoringOutput,
        )]
    };
}

macro_rules! user_settings {
    ($key:literal) => {
        &[
            Field {
                path: &[$key, "SharingSettings", "S3OutputPath"],
                delivery: Delivery::SharedNotebook,
                service: Service::S3,
                when: Some(When {
                    path: &[$key, "SharingSettings", "NotebookOutputOption"],
                    equals: "Allowed",
                }),
            },
            s3(
                &[
                    $key,
                    "CanvasAppSettings",
                    "WorkspaceSettings",
                    "S3ArtifactPath",
                ],
                Delivery::CanvasArtifacts,
            ),
        ]
    };
}

const DATA_QUALITY: &[Field] = monitoring!("DataQualityJobOutputConfig");
const MODEL_QUALITY: &[Field] = monitoring!("ModelQualityJobOutputConfig");
const MODEL_BIAS: &[Field] = monitoring!("ModelBiasJobOutputConfig");
const MODEL_EXPLAINABILITY: &[Field] = monitoring!("ModelExplainabilityJobOutputConfig");
const MONITORING_SCHEDULE: &[Field] = monitoring!(
    "MonitoringScheduleConfig",
    "MonitoringJobDefinition",
    "MonitoringOutputConfig"
);
const DOMAIN: &[Field] = user_settings!("DefaultUserSettings");
const USER_PROFILE: &[Field] = user_settings!("UserSettings");
const FEATURE_GROUP: &[Field] = &[s3(
    &["OfflineStoreConfig", "S3StorageConfig", "S3Uri"],
    Delivery::OfflineStore,
)];

/// The destination fields of a holder.
pub fn fields(holder: Holder) -> &'static [Field] {
    match holder {
        Holder::Request(r) => match r {
            Request::CreateTrainingJob => TRAINING,
            Request::CreateProcessingJob => PROCESSING,
            Request::CreateTransformJob => TRANSFORM,
            Request::CreateAutoMlJob | Request::CreateAutoMlJobV2 => AUTOML,
            Request::CreateEndpointConfig => ENDPOINT_CONFIG,
            // A tuning job's destinations are its definitions' (`Holder::TuningDefinition`); a
            // model delivers nothing itself.
            Request::CreateHyperParameterTuningJob | Request::CreateModel => &[],
        },
        Holder::TuningDefinition => TUNING_DEFINITION,
        Holder::DataQualityJobDefinition => DATA_QUALITY,
        Holder::ModelQualityJobDefinition => MODEL_QUALITY,
        Holder::ModelBiasJobDefinition => MODEL_BIAS,
        Holder::ModelExplainabilityJobDefinition => MODEL_EXPLAINABILITY,
        Holder::MonitoringSchedule => MONITORING_SCHEDULE,
        Holder::Domain => DOMAIN,
        Holder::UserProfile => USER_PROFILE,
        Holder::FeatureGroup => FEATURE_GROUP,
    }
}

/// Whether a [`When`] holds for the value written at its path (`None`: absent).
pub fn enabled(when: &When, written: Option<&Value>) -> Attr<bool> {
    match written {
        None | Some(Value::Null) => Attr::Known(false),
        Some(Value::Str(s)) => Attr::Known(s == when.equals),
        Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
        Some(other) => Attr::unknown(
            format!(
                "{} is known only at deploy time: {}",
                when.path.join("."),
                other.render()
            ),
            None,
        ),
    }
}

/// The destination a field's value names: `field` is the name the source gives the field,
/// `span` where it is written.
pub fn at(
    f: &Field,
    field: String,
    written: &Value,
    span: &Span,
    enabled: Option<Attr<bool>>,
) -> DataDestination {
    let target = match f.service {
        Service::S3 => s3_target(&field, written, span),
        Service::Sns => sns_target(&field, written, span),
    };
    DataDestination {
        delivery: f.delivery,
        field,
        target,
        span: span.clone(),
        enabled,
    }
}

/// A destination whose field could not be read at all (a list or object left unresolved).
pub fn unreadable(f: &Field, field: String, unknown: Unknown, span: &Span) -> DataDestination {
    DataDestination {
        delivery: f.delivery,
        field,
        target: Attr::Unknown(unknown),
        span: span.clone(),
        enabled: None,
    }
}

/// The destinations of a body in API shape (CloudFormation properties, a request body).
pub fn read(holder: Holder, body: &Value, site: &dyn Site) -> Vec<DataDestination> {
    let r = Reader::new(site);
    read_at(&r, holder, &r.node(body, ""))
}

pub(crate) fn read_at(r: &Reader<'_>, holder: Holder, root: &Node<'_>) -> Vec<DataDestination> {
    let span = r.site.span();
    let mut out = Vec::new();
    for f in fields(holder) {
        let on = f.when.map(|w| {
            let n = r.path(root, w.path);
            match &n.state {
                State::Absent => enabled(&w, None),
                State::Unknown(u) => Attr::Unknown(u.clone()),
                State::Value(v) => match enabled(&w, Some(v)) {
                    Attr::Unknown(u) if u.span.is_none() => {
                        Attr::Unknown(Unknown::new(u.reason, Some(span.clone())))
                    }
                    other => other,
                },
            }
        });
        if on == Some(Attr::Known(false)) {
            continue;
        }
        let mut nodes = vec![root.clone()];
        for key in f.path {
            let mut next = Vec::new();
            for n in &nodes {
                match key.strip_suffix("[]") {
                    Some(list) => match r.items(&r.get(n, list)) {
                        Ok(items) => next.extend(items),
                        Err(u) => out.push(unreadable(f, r.get(n, list).path, u, span)),
                    },
                    None => next.push(r.get(n, key)),
                }
            }
            nodes = next;
        }
        for leaf in nodes {
            match leaf.state {
                State::Absent => {}
                State::Unknown(u) => out.push(DataDestination {
                    enabled: on.clone(),
                    ..unreadable(f, leaf.path, u, span)
                }),
                State::Value(v) => out.push(at(f, leaf.path, v, span, on.clone())),
            }
        }
    }
    out
}

/// What is known of a string: its pieces (a literal is one piece); `None` for an unknown that
/// keeps nothing, or a value that is not a string.
/// The pieces as a value: a string (with symbols) when every piece is known, otherwise an unknown
/// that keeps them, for the first hole's reason.
fn value_of(pieces: Vec<Piece>, what: &str, span: &Span) -> Value {
    let hole = pieces.iter().find_map(|p| match p {
        Piece::Hole { reason, span, .. } => Some((reason.clone(), span.clone())),
        _ => None,
    });
    match hole {
        Some((reason, at)) => Value::Unknown(
            Unknown::new(
                format!("{what} is not resolved ({reason})"),
                at.or_else(|| Some(span.clone())),
            )
            .with_pieces(pieces),
        ),
        None => Value::text(
            pieces
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Lit(s) => Some(Part::Lit(s)),
                    Piece::Sym(s) => Some(Part::Sym(s)),
                    Piece::Hole { .. } => None,
                })
                .collect(),
        ),
    }
}

/// Splits pieces at each `sep` of their literals.
fn split(pieces: &[Piece], sep: char) -> Vec<Vec<Piece>> {
    let mut out = vec![Vec::new()];
    for p in pieces {
        match p {
            Piece::Lit(s) => {
                let mut parts = s.split(sep);
                if let (Some(first), Some(l)) = (parts.next(), out.last_mut()) {
                    if !first.is_empty() {
                        l.push(Piece::Lit(first.to_string()));
                    }
                }
                for part in parts {
                    out.push(if part.is_empty() {
                        Vec::new()
                    } else {
                        vec![Piece::Lit(part.to_string())]
                    });
                }
            }
            other => {
                if let Some(l) = out.last_mut() {
                    l.push(other.clone());
                }
            }
        }
    }
    out
}

/// The bucket an S3 URI names: `s3://bucket/key`, or an S3 URL, virtual-hosted
/// (`https://bucket.s3.region.amazonaws.com/key`) or path style
/// (`https://s3.region.amazonaws.com/bucket/key`).
fn s3_target(field: &str, written: &Value, span: &Span) -> Attr<Target> {
    let Some(pieces) = written.pieces() else {
        return match written {
            Value::Unknown(u) => Attr::Unknown(u.clone()),
            other => Attr::unknown(
                format!("{field} is not an S3 URI: {}", other.render()),
                Some(span.clone()),
            ),
        };
    };
    let not_s3 = || {
        let shown = value_of(pieces.clone(), field, span);
        Attr::unknown(
            format!(
                "{field} is not an S3 URI (s3://bucket/prefix): {}",
                match &shown {
                    Value::Unknown(u) => u.reason.clone(),
                    v => v.render(),
                }
            ),
            Some(span.clone()),
        )
    };
    let (scheme, rest) = match pieces.first() {
        Some(Piece::Lit(first)) => {
            let lower = first.to_ascii_lowercase();
            let scheme = ["s3://", "https://"]
                .into_iter()
                .find(|s| lower.starts_with(s));
            match scheme {
                Some(s) => {
                    let mut rest = pieces.clone();
                    rest[0] = Piece::Lit(first[s.len()..].to_string());
                    (s, rest)
                }
                None => return not_s3(),
            }
        }
        _ => return not_s3(),
    };
    let segments = split(&rest, '/');
    let authority = segments.first().cloned().unwrap_or_default();
    let bucket = if scheme == "s3://" {
        authority
    } else {
        match https_bucket(&authority, segments.get(1)) {
            Some(b) => b,
            None => return not_s3(),
        }
    };
    if bucket.is_empty() {
        return not_s3();
    }
    Attr::Known(Target::S3 {
        bucket: value_of(bucket, &format!("the bucket of {field}"), span),
    })
}

/// The bucket of an `https://` S3 URL, from its host (virtual-hosted style) or first path segment
/// (path style).
fn https_bucket(host: &[Piece], first_segment: Option<&Vec<Piece>>) -> Option<Vec<Piece>> {
    if let Some(Piece::Lit(h)) = host.first() {
        let h = h.to_ascii_lowercase();
        if h.starts_with("s3.") || h.starts_with("s3-") {
            return first_segment.cloned();
        }
    }
    let mut bucket = Vec::new();
    for p in host {
        if let Piece::Lit(s) = p {
            if let Some(i) = s.find(".s3.").or_else(|| s.find(".s3-")) {
                if i > 0 {
                    bucket.push(Piece::Lit(s[..i].to_string()));
                }
                return Some(bucket);
            }
        }
        bucket.push(p.clone());
    }
    None
}

/// The account an SNS topic ARN names (`arn:partition:sns:region:account:name`). A reference to a
/// resource of the scan (`!Ref Topic`, `aws_sns_topic.t.arn`) is a topic the scan creates, in the
/// deploying account.
fn sns_target(field: &str, written: &Value, span: &Span) -> Attr<Target> {
    if matches!(
        written.as_symbol(),
        Some(Symbol::Ref(_) | Symbol::Attr { .. })
    ) {
        return Attr::Known(Target::Sns {
            topic: written.clone(),
            account: Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.to_string()),
        });
    }
    let Some(pieces) = written.pieces() else {
        return match written {
            Value::Unknown(u) => Attr::Unknown(u.clone()),
            other => Attr::unknown(
                format!("{field} is not an SNS topic ARN: {}", other.render()),
                Some(span.clone()),
            ),
        };
    };
    let parts = split(&pieces, ':');
    let lit = |i: usize| match parts.get(i).map(Vec::as_slice) {
        Some([Piece::Lit(s)]) => Some(s.as_str()),
        _ => None,
    };
    if parts.len() < 6 || lit(0) != Some("arn") || lit(2) != Some("sns") {
        return Attr::unknown(
            format!(
                "{field} is not an SNS topic ARN (arn:aws:sns:region:account:name): {}",
                written.render()
            ),
            Some(span.clone()),
        );
    }
    let account = match parts[4].as_slice() {
        [Piece::Lit(id)] => Attr::Known(id.clone()),
        [Piece::Sym(Symbol::Pseudo(Pseudo::AccountId))] => {
            Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.to_string())
        }
        other => match value_of(other.to_vec(), &format!("the account of {field}"), span) {
            Value::Unknown(u) => Attr::Unknown(u),
            v => Attr::unknown(
                format!(
                    "the account of {field} is known only at deploy time: {}",
                    v.render()
                ),
                Some(span.clone()),
            ),
        },
    };
    Attr::Known(Target::Sns {
        topic: written.clone(),
        account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::At;
    use egressproof_model::Ident;

    fn span() -> Span {
        Span::new("t", 1, 1)
    }

    fn json(s: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap())
    }

    fn bucket(uri: &Value) -> Attr<Value> {
        let f = s3(&["X"], Delivery::JobOutput);
        at(&f, "X".into(), uri, &span(), None)
            .target
            .map(|t| match t {
                Target::S3 { bucket } => bucket,
                other => panic!("{other:?}"),
            })
    }

    #[test]
    fn s3_uris_and_urls_name_their_bucket() {
        for uri in [
            "s3://out/prefix/a",
            "s3://out",
            "S3://out/",
            "https://out.s3.eu-west-1.amazonaws.com/prefix",
            "https://out.s3-eu-west-1.amazonaws.com/prefix",
            "https://s3.eu-west-1.amazonaws.com/out/prefix",
        ] {
            assert_eq!(
                bucket(&Value::from(uri)),
                Attr::Known("out".into()),
                "{uri}"
            );
        }
        for bad in ["out/prefix", "s3:///x", "https://example.com/x", ""] {
            assert!(
                matches!(bucket(&Value::from(bad)), Attr::Unknown(_)),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_bucket_by_reference_keeps_its_symbol_and_a_hole_in_the_key_does_not_matter() {
        let b = Ident::new("t#Bucket");
        let uri = Value::text(vec![
            Part::Lit("s3://".into()),
            Part::Sym(Symbol::Ref(b.clone())),
            Part::Lit("/out".into()),
        ]);
        assert_eq!(bucket(&uri), Attr::Known(Value::symbol(Symbol::Ref(b))));
        let hole = Unknown::new("parameter Prefix has no value", None);
        let key_hole = Value::Unknown(hole.clone().with_pieces(vec![
            Piece::Lit("s3://out/".into()),
            Piece::hole("Prefix", &hole),
        ]));
        assert_eq!(bucket(&key_hole), Attr::Known("out".into()));
        let bucket_hole = Value::Unknown(hole.clone().with_pieces(vec![
            Piece::Lit("s3://data-".into()),
            Piece::hole("Env", &hole),
            Piece::Lit("/x".into()),
        ]));
        let Attr::Known(Value::Unknown(u)) = bucket(&bucket_hole) else {
            panic!("the bucket keeps what is known of it")
        };
        assert_eq!(u.pieces.as_ref().map(Vec::len), Some(2));
        assert!(matches!(
            bucket(&Value::unknown("no value", None)),
            Attr::Unknown(_)
        ));
    }

    fn account(arn: &Value) -> Attr<String> {
        let f = sns(&["T"], Delivery::AsyncInferenceNotification);
        match at(&f, "T".into(), arn, &span(), None).target {
            Attr::Known(Target::Sns { account, .. }) => account,
            Attr::Known(other) => panic!("{other:?}"),
            Attr::Unknown(u) => Attr::Unknown(u),
        }
    }

    #[test]
    fn topic_arns_name_their_account() {
        assert_eq!(
            account(&Value::from("arn:aws:sns:eu-west-1:444455556666:done")),
            Attr::Known("444455556666".into())
        );
        let ours = Value::text(vec![
            Part::Lit("arn:aws:sns:".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Region)),
            Part::Lit(":".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
            Part::Lit(":done".into()),
        ]);
        let deploying = Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.to_string());
        assert_eq!(account(&ours), deploying);
        let by_ref = Value::symbol(Symbol::Ref(Ident::new("t#Topic")));
        assert_eq!(account(&by_ref), deploying);
        assert!(matches!(
            account(&Value::from("done-topic")),
            Attr::Unknown(_)
        ));
        let hole = Unknown::new("parameter Account has no value", None);
        let unresolved = Value::Unknown(hole.clone().with_pieces(vec![
            Piece::Lit("arn:aws:sns:eu-west-1:".into()),
            Piece::hole("Account", &hole),
            Piece::Lit(":done".into()),
        ]));
        assert!(matches!(account(&unresolved), Attr::Unknown(_)));
    }

    #[test]
    fn endpoint_config_destinations_with_their_fields() {
        let body = json(
            r#"{"DataCaptureConfig": {"DestinationS3Uri": "s3://cap/x"},
                "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://out",
                  "NotificationConfig": {"SuccessTopic": "arn:aws:sns:eu-west-1:444455556666:ok"}}},
                "ProductionVariants": [{"ModelName": "m"},
                  {"CoreDumpConfig": {"DestinationS3Uri": "s3://dumps"}}]}"#,
        );
        let at = span();
        let got = read(
            Holder::Request(Request::CreateEndpointConfig),
            &body,
            &At(&at),
        );
        let fields: Vec<(&str, Delivery)> =
            got.iter().map(|d| (d.field.as_str(), d.delivery)).collect();
        assert_eq!(
            fields,
            [
                ("DataCaptureConfig.DestinationS3Uri", Delivery::CapturedData),
                (
                    "AsyncInferenceConfig.OutputConfig.S3OutputPath",
                    Delivery::AsyncInferenceOutput
                ),
                (
                    "AsyncInferenceConfig.OutputConfig.NotificationConfig.SuccessTopic",
                    Delivery::AsyncInferenceNotification
                ),
                (
                    "ProductionVariants[1].CoreDumpConfig.DestinationS3Uri",
                    Delivery::CoreDump
                ),
            ]
        );
    }

    #[test]
    fn a_list_set_at_run_time_is_an_unknown_destination() {
        let body = json(r#"{"ProcessingOutputConfig": {"Outputs.$": "$.outputs"}}"#);
        let at = span();
        let got = read(
            Holder::Request(Request::CreateProcessingJob),
            &body,
            &At(&at),
        );
        assert_eq!(got.len(), 1);
        assert!(matches!(got[0].target, Attr::Unknown(_)));
    }

    #[test]
    fn a_feature_group_delivers_its_offline_store() {
        let at = span();
        let got = read(
            Holder::FeatureGroup,
            &json(
                r#"{"RoleArn": "arn:aws:iam::111122223333:role/r",
                    "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://archive/fg"}}}"#,
            ),
            &At(&at),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].field, "OfflineStoreConfig.S3StorageConfig.S3Uri");
        assert_eq!(got[0].delivery, Delivery::OfflineStore);
        assert_eq!(
            got[0].target,
            Attr::Known(Target::S3 {
                bucket: "archive".into()
            })
        );
    }

    #[test]
    fn notebook_sharing_delivers_only_when_allowed() {
        let at = span();
        let read_domain = |body: &str| read(Holder::Domain, &json(body), &At(&at));
        let path = r#""S3OutputPath": "s3://shared""#;
        assert!(read_domain(&format!(
            r#"{{"DefaultUserSettings": {{"SharingSettings": {{{path}}}}}}}"#
        ))
        .is_empty());
        let on = read_domain(&format!(
            r#"{{"DefaultUserSettings": {{"SharingSettings": {{"NotebookOutputOption": "Allowed", {path}}}}}}}"#
        ));
        assert_eq!(on.len(), 1);
        assert_eq!(on[0].enabled, Some(Attr::Known(true)));
        assert_eq!(on[0].delivery, Delivery::SharedNotebook);
    }
}
