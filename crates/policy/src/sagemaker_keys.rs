//! SageMaker's network condition keys and the actions that carry them: the table lives in the aws
//! layer (`egressproof_aws::sagemaker_keys`), shared with the blueprint; re-exported here so that
//! the policy engine's users find it where they always did.

pub use egressproof_aws::sagemaker_keys::*;
