use crate::rules::no_check;

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression (`# egressproof:ignore EP201`, or CloudFormation
    /// `Metadata.egressproof.ignore`) that gives no reason.
    ///
    /// ## Why is this bad?
    /// A suppression hides an open channel from the verdict. The person who reviews the
    /// environment next, or the auditor, needs to know why that was accepted; without a reason
    /// nobody can tell a considered exception from a silenced alarm.
    ///
    /// ## Example
    /// ```yaml
    /// # egressproof:ignore EP305
    /// Vpc:
    ///   Type: AWS::EC2::VPC
    /// ```
    /// ```hcl
    /// # egressproof:ignore EP305
    /// resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
    /// ```
    ///
    /// ## Fix
    /// Write the reason after the code: `# egressproof:ignore EP305 resolver query logs are
    /// inspected by the SOC`, or `reason:` in the metadata entry.
    code: SuppressionWithoutReason,
    name: "suppression-without-reason",
    severity: Low,
    summary: "Suppression without a reason",
    check: no_check,
}
