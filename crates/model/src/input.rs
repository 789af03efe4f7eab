//! The inputs of a scan as their loaders saw them, and what they share with each other.
//!
//! A scan is split into environments (DESIGN.md §2): the connected components of references
//! between inputs. Resources already say which resources they reference; what they cannot say is
//! which input they came from (a Terraform module shared by two root modules gives both of them
//! resources with the same file) and which names inputs share outside any resource (an export
//! whose value is a literal, an SSM parameter written by one stack and read by another). Loaders
//! record both here.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What kind of input a loader read.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// A top-level CloudFormation template, with the stacks it nests.
    #[default]
    Template,
    /// A Terraform root module directory, with its local modules.
    TerraformRoot,
    /// A Terraform plan (`terraform show -json`).
    Plan,
    /// A snapshot of a live account.
    Snapshot,
}

/// A name that one input publishes and another reads, outside any resource reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum SharedName {
    /// A CloudFormation export (`Outputs.*.Export.Name`, read by `Fn::ImportValue`).
    Export(String),
    /// An SSM parameter name (written by `AWS::SSM::Parameter` or `aws_ssm_parameter`, read by
    /// `{{resolve:ssm:...}}`, an `AWS::SSM::Parameter::Value<>` parameter or a data source).
    SsmParameter(String),
    /// An AWS Organization (`o-...`): the snapshots of its accounts each publish and read it, so
    /// that scanned together they form one environment, where a path crosses accounts (a
    /// transit gateway of the network account, a subnet shared through AWS RAM).
    Organization(String),
}

/// One input: which resources and diagnostics of the model came from it, and what it shares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanInput {
    /// The path as the user sees it (a template, a Terraform root directory, a plan, a snapshot).
    pub name: String,
    pub kind: InputKind,
    /// Indexes of its resources in [`crate::Model::resources`].
    pub resources: Range<usize>,
    /// Indexes of its diagnostics in [`crate::Model::diagnostics`].
    pub diagnostics: Range<usize>,
    /// Directories whose files belong to it (a Terraform root module and its local modules): a
    /// diagnostic in one of their files that no input's range holds (a file that does not
    /// parse, found once whichever root read it first) is this input's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<String>,
    /// Names it publishes for other inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<SharedName>,
    /// Names it reads from other inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<SharedName>,
    /// A snapshot that listed every IAM principal of its account.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub principals_complete: bool,
}

impl ScanInput {
    /// Moves the ranges past `resources` resources and `diagnostics` diagnostics (the model it
    /// came with was appended to a larger one).
    pub(crate) fn offset(mut self, resources: usize, diagnostics: usize) -> Self {
        self.resources = self.resources.start + resources..self.resources.end + resources;
        self.diagnostics = self.diagnostics.start + diagnostics..self.diagnostics.end + diagnostics;
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::{Diagnostic, Ident, InputKind, Kind, Model, Resource, Span, UnknownCode};

    fn one(name: &str, resources: usize, diagnostics: usize) -> Model {
        let mut m = Model::default();
        for i in 0..resources {
            m.resources.push(Resource::new(
                Ident::new(format!("{name}#{i}")),
                "r",
                "AWS::S3::Bucket",
                Span::new(name, 1, 1),
                Kind::Other(Default::default()),
            ));
        }
        for _ in 0..diagnostics {
            m.diagnostics
                .push(Diagnostic::new(UnknownCode::EP902, "x", None));
        }
        m.as_input(name, InputKind::Template, Vec::new(), Vec::new());
        m
    }

    #[test]
    fn appending_models_keeps_each_input_its_own_resources() {
        let mut all = one("a.yaml", 2, 1);
        all.extend(one("b.yaml", 3, 2));
        all.extend(one("c.yaml", 0, 1));
        let ranges: Vec<_> = all
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.resources.clone(), i.diagnostics.clone()))
            .collect();
        assert_eq!(
            ranges,
            [
                ("a.yaml", 0..2, 0..1),
                ("b.yaml", 2..5, 1..3),
                ("c.yaml", 5..5, 3..4)
            ]
        );
        assert!(all.resources[2..5]
            .iter()
            .all(|r| r.id.as_str().starts_with("b.yaml#")));
    }

    #[test]
    fn a_model_without_inputs_serializes_as_before() {
        let text = serde_json::to_string(&Model::default()).unwrap();
        assert!(!text.contains("inputs"), "{text}");
    }
}
