//! AWS behaviour that does not depend on the input format, written once.
//!
//! CloudFormation, Terraform (HCL and plan JSON) and live snapshots describe the same AWS
//! resources in different syntax. What AWS *does* with them is the same whatever the syntax: a
//! SageMaker pipeline runs the jobs of its steps, a Step Functions task starts the job its
//! request body describes, `6` and `tcp` are one protocol, a Network Firewall allow-list allows
//! the domains it names. Each loader maps its own syntax onto the functions here, so that the
//! formats cannot drift apart and give the same environment two verdicts.
//!
//! ```
//! use egressproof_aws::protocol;
//! use egressproof_model::{Attr, Protocol, Span};
//!
//! // Terraform writes `protocol = "all"`, CloudFormation `IpProtocol: -1`, the API `"-1"`.
//! let at = Span::new("main.tf", 3, 1);
//! assert_eq!(protocol::read(Attr::Known("all".into()), &at), Attr::Known(Protocol::All));
//! // ... and AWS ignores the ports of an all-protocol rule, whatever was written.
//! assert_eq!(protocol::ports(&Attr::Known(Protocol::All), Some(443), Some(443)), (None, None));
//! ```
//!
//! What is here, one semantic per module:
//! - [`json_text`]: JSON documents written as text whose parts are symbols or unresolved holes
//!   (policies, pipeline and state machine definitions);
//! - [`body`]: reading values in API shape, where a value may be set when a workflow runs;
//! - [`deploy_code`]: the actions a deploy-time function (a custom resource's Lambda) may hold
//!   without changing what the scan sees;
//! - [`destination`]: the S3 locations and SNS topics SageMaker delivers a workload's data to;
//! - [`sagemaker`]: what a SageMaker `Create*` request body creates (jobs, models, endpoint
//!   configurations) and what each SageMaker action does for the network;
//! - [`pipeline`]: the workloads of a SageMaker pipeline definition, every step type accounted for;
//! - [`stepfunctions`]: the SageMaker workloads of a Step Functions state machine;
//! - [`workflow`]: what pipelines and state machines share (definitions, steps, depth limit);
//! - [`protocol`]: IP protocols and the ports that apply to them;
//! - [`peering`]: the account that owns a peering connection's peer VPC;
//! - [`firewall`]: the domains a Network Firewall rule group allows;
//! - [`sagemaker_keys`]: SageMaker's network condition keys and the actions that carry them.
//!
//! **Architecture invariant:** this crate depends on `egressproof-model` only, does no IO and
//! knows no input format. Its functions take model values ([`egressproof_model::Value`]) and
//! return model values; anything they cannot decide is an [`egressproof_model::Attr::Unknown`]
//! that names why, never a default.

pub mod body;
pub mod deploy_code;
pub mod destination;
pub mod firewall;
pub mod json_text;
pub mod peering;
pub mod pipeline;
pub mod protocol;
pub mod sagemaker;
pub mod sagemaker_keys;
pub mod stepfunctions;
pub mod workflow;
pub mod writes;
