//! The unknowns. Loaders and other rules emit them; they have no check of their own, but they
//! document themselves like every rule.

use crate::rules::no_check;

mod ep901 {
    use super::no_check;
    declare_rule! {
        /// ## What it does
        /// Reports a file that could not be read or parsed (malformed YAML or JSON, a file over
        /// the size limit, nesting deeper than the limit, an alias expansion past the limit).
        ///
        /// ## Why is this bad?
        /// What a file that did not parse declares is not known: it could hold the route or the
        /// notebook that leaks. The verdict is `unproven` until every file is read.
        ///
        /// ## Example
        /// ```yaml
        /// Resources:
        ///   Vpc: { Type: AWS::EC2::VPC
        /// ```
        ///
        /// ## Fix
        /// Fix the syntax error at the reported line (`cfn-lint` and `terraform validate` help),
        /// or exclude the file from the scan when it is not part of the environment.
        code: UnparsableFile,
        name: "unparsable-file",
        severity: Info,
        summary: "File could not be parsed",
        check: no_check,
    }
}

mod ep902 {
    use super::no_check;
    declare_rule! {
        /// ## What it does
        /// Reports a value that decides a channel but could not be resolved: a parameter or
        /// variable without a value, an import with no matching export in the scan, a remote
        /// module, a nested stack outside the scan, a custom resource's attribute.
        ///
        /// ## Why is this bad?
        /// egressproof never guesses: a subnet whose route table is unknown could route to a NAT
        /// gateway. The verdict is `unproven` rather than a `sealed` that might be wrong.
        ///
        /// ## Example
        /// ```yaml
        /// Parameters:
        ///   CorporateCidr: { Type: String }   # no Default, no --param
        /// ```
        ///
        /// ## Fix
        /// Give the value: `--param NAME=VALUE` (CloudFormation), `--var NAME=VALUE` or a
        /// `.tfvars` file (Terraform), or include the template or module that defines it.
        code: UnresolvedValue,
        name: "unresolved-value",
        severity: Info,
        summary: "Value could not be resolved",
        check: no_check,
    }
}

mod ep903 {
    declare_rule! {
        /// ## What it does
        /// Reports a construct egressproof does not model where it could matter: a template
        /// `Transform` (SAM, macros), an unknown resource type on a path, and code that runs at
        /// deploy time which the scan does not read: a CloudFormation custom resource
        /// (`Custom::*`, `AWS::CloudFormation::CustomResource`), and in Terraform an
        /// `aws_lambda_invocation`, an `aws_cloudformation_stack`, a `null_resource` or
        /// `terraform_data` (which run provisioners such as `local-exec` with the operator's
        /// credentials), and a `local-exec` provisioner on a resource of any type (a
        /// `remote-exec` runs on the instance it provisions, with that instance's role, so it is
        /// not one).
        ///
        /// A custom resource (or Lambda invocation) is followed to the Lambda function it calls
        /// (`ServiceToken: !GetAtt Fn.Arn`, an ARN ending in `function:${Fn}`, `function_name =
        /// aws_lambda_function.f.function_name`) and that function's execution role. It is not
        /// reported when both are in the scan and every action the role's policies allow
        /// (inline, attached, AWS managed) is one that changes nothing the scan judges: its own
        /// logs and metrics, object data in S3 (no bucket setting, no ACL, no bucket deletion),
        /// use of KMS keys, reads of secrets and parameters, DynamoDB items, Cloud Directory
        /// objects, Cognito users and groups, and `Describe`/`List`/`Get` reads of what exists.
        /// The scan then states the assumption (`deploy-code`) that the code uses no other
        /// credentials. Anything else keeps the unknown, and the message names what decided it:
        /// an action outside that list (`sagemaker:CreateNotebookInstance`, `ec2:*`,
        /// `cloudformation:*`, `iam:PassRole`, `lambda:*`, `*`, a `NotAction`), a policy that
        /// cannot be read or may be attached, another role's trust policy or a resource policy
        /// that names the role (it grants without the role's own Allow), a target that is an SNS
        /// topic, a parameter or an import, a function or role outside the scan.
        ///
        /// ## Why is this bad?
        /// A macro can add any resource at deploy time, including a route to the internet; what
        /// it produces is not in the file. A custom resource's Lambda can call
        /// `sagemaker:CreateNotebookInstance` with direct internet access (the API's default):
        /// the notebook exists, and the scan never saw it.
        ///
        /// ## Example
        /// ```yaml
        /// Transform: AWS::Serverless-2016-10-31
        /// ```
        ///
        /// ## Fix
        /// Scan the processed template (`aws cloudformation get-template --template-stage
        /// Processed`) or a live snapshot of the deployed stack. For code run at deploy time,
        /// scan a live snapshot of the account (it holds what the code created), give the
        /// function a role that holds only what it needs (a Lambda that empties a bucket needs
        /// `s3:ListBucket`, `s3:DeleteObject` and its logs, not `s3:*`), or accept the unknown
        /// with an inline ignore that says why (`# egressproof:ignore EP903 only empties the
        /// bucket`).
        code: UnsupportedConstruct,
        name: "unsupported-construct",
        severity: Info,
        summary: "Construct not supported",
        check: crate::rules::unread_code::check,
    }
}

mod ep904 {
    use super::no_check;
    declare_rule! {
        /// ## What it does
        /// Reports a live API call that failed or was denied while taking a snapshot.
        ///
        /// ## Why is this bad?
        /// A denied `DescribeRouteTables` does not mean there are no route tables. What the call
        /// would have read is unknown, and the verdict is `unproven`.
        ///
        /// ## Example
        /// ```text
        /// ec2:DescribeRouteTables in eu-west-1: AccessDenied
        /// ```
        ///
        /// ## Fix
        /// Grant the snapshot role the read-only permissions listed in the README and take the
        /// snapshot again.
        code: LiveCallFailed,
        name: "live-call-failed",
        severity: Info,
        summary: "Live API call failed",
        check: no_check,
    }
}

pub use ep901::RULE as EP901;
pub use ep902::RULE as EP902;
pub use ep903::RULE as EP903;
pub use ep904::RULE as EP904;
