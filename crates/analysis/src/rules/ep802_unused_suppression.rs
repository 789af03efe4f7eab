use crate::rules::no_check;

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression that matches no finding on its resource.
    ///
    /// ## Why is this bad?
    /// A suppression left behind after the channel was closed (or written against the wrong
    /// resource or code) will silently hide the channel if it ever opens again.
    ///
    /// ## Example
    /// ```yaml
    /// # egressproof:ignore EP101 lab notebook   (but DirectInternetAccess is Disabled)
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    /// ```
    /// ```hcl
    /// # egressproof:ignore EP101 lab notebook
    /// resource "aws_sagemaker_notebook_instance" "nb" { direct_internet_access = "Disabled" }
    /// ```
    ///
    /// ## Fix
    /// Remove the suppression, or move it to the resource the finding names.
    code: UnusedSuppression,
    name: "unused-suppression",
    severity: Low,
    summary: "Suppression that matches no finding",
    check: no_check,
}
