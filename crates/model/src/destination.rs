//! Where SageMaker itself delivers a workload's data.
//!
//! A job's output, its checkpoints, the requests and responses an endpoint captures, the results
//! of asynchronous inference and the notes a Studio user shares are uploaded (or published) by
//! SageMaker, from SageMaker's own network, to the S3 location or SNS topic the request names.
//! No route, security group or endpoint policy of the workload's VPC is on that path: whoever owns
//! the bucket or topic receives the data. The loaders record each such field here, as written;
//! which account owns it is the analysis's question.

use crate::{Attr, Span, Value};
use serde::{Deserialize, Serialize};

/// What SageMaker delivers to a destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// A training, tuning or AutoML job's output (model artifacts, the output of the container).
    JobOutput,
    /// A training job's checkpoints.
    Checkpoints,
    /// Debugger, profiler or TensorBoard output of a training job.
    DebugOutput,
    /// A processing job's outputs (monitoring jobs are processing jobs).
    ProcessingOutput,
    /// A batch transform job's results.
    TransformOutput,
    /// The requests and responses an endpoint or a transform job captures.
    CapturedData,
    /// The results of asynchronous inference.
    AsyncInferenceOutput,
    /// The failures of asynchronous inference (with the request's error).
    AsyncInferenceFailure,
    /// Asynchronous inference notifications, which can include the inference response.
    AsyncInferenceNotification,
    /// A model monitor's reports (statistics, constraint violations of the captured data).
    MonitoringOutput,
    /// Core dumps of an endpoint's containers (the memory of the model server).
    CoreDump,
    /// Studio notebooks shared with their cell output.
    SharedNotebook,
    /// The artifacts SageMaker Canvas generates (datasets, models, predictions).
    CanvasArtifacts,
    /// A feature group's offline store: every record ingested into the group.
    OfflineStore,
}

impl Delivery {
    /// What is delivered, for messages ("the job's output").
    pub const fn describe(self) -> &'static str {
        match self {
            Delivery::JobOutput => "the job's output",
            Delivery::Checkpoints => "the job's checkpoints",
            Delivery::DebugOutput => "the job's debugger, profiler or TensorBoard output",
            Delivery::ProcessingOutput => "the processing job's output",
            Delivery::TransformOutput => "the transform job's results",
            Delivery::CapturedData => "captured inference requests and responses",
            Delivery::AsyncInferenceOutput => "asynchronous inference results",
            Delivery::AsyncInferenceFailure => "failed asynchronous inference requests",
            Delivery::AsyncInferenceNotification => {
                "asynchronous inference notifications (with the response when IncludeInferenceResponseIn names the topic)"
            }
            Delivery::MonitoringOutput => "the model monitor's reports",
            Delivery::CoreDump => "the containers' core dumps",
            Delivery::SharedNotebook => "shared notebooks with their cell output",
            Delivery::CanvasArtifacts => "Canvas artifacts (datasets, models, predictions)",
            Delivery::OfflineStore => "the feature group's offline store (every record ingested)",
        }
    }
}

/// An S3 location or an SNS topic, as the request names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum Target {
    /// An S3 location (`s3://bucket/prefix`): the bucket's name as written, a literal
    /// (`ml-output`), a string with symbols (`${file#Bucket}` for `!Ref Bucket`,
    /// `out-${AWS::AccountId}`), or an unknown whose pieces keep what is known of it.
    S3 { bucket: Value },
    /// An SNS topic: its ARN as written, and the account that ARN names (a literal ID, or
    /// [`crate::VpcPeeringConnection::DEPLOYING_ACCOUNT`] for the deploying account and for a
    /// topic the scan creates), unknown when the account part is not resolved.
    Sns { topic: Value, account: Attr<String> },
}

/// One destination field of a workload or request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataDestination {
    pub delivery: Delivery,
    /// The field as the source names it (`DataCaptureConfig.DestinationS3Uri`,
    /// `data_capture_config.destination_s3_uri`).
    pub field: String,
    /// Unknown when the value is not resolved, or is not an S3 URI / topic ARN.
    pub target: Attr<Target>,
    pub span: Span,
    /// Whether SageMaker delivers there, when another setting decides it (Studio delivers shared
    /// notebooks only when `NotebookOutputOption` is `Allowed`); `None` when the field alone
    /// does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Attr<bool>>,
}
