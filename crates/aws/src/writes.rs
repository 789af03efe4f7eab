//! The writes that carry data to wherever their resource is: objects (and their replication),
//! messages, records and log events. A principal allowed any of them on a resource of another
//! account can move data there; SageMaker does so for an execution role when it uploads a job's
//! output, checkpoints or captured data to the paths of the request. The one list, read by the
//! policy engine (EP306 asks it of every execution role) and by the blueprint (the Deny that
//! keeps these writes in the account).

/// The data-carrying writes, as IAM names them.
pub const DATA_WRITES: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:ReplicateObject",
    // The IAM action of the PutBucketReplication API: where a bucket's objects are copied.
    "s3:PutReplicationConfiguration",
    "sns:Publish",
    "sqs:SendMessage",
    "firehose:PutRecord",
    "firehose:PutRecordBatch",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
    "logs:PutLogEvents",
];
