//! A Deny never makes a scan worse: adding a Deny statement to any policy of a scan never adds a
//! finding and never worsens the verdict. Guardrail findings are compared per scan (each
//! guardrail key has at most one: missing, EP501–EP503, or failing open, EP504; a missing
//! guardrail that becomes one failing open is the same finding under its own name), every
//! other finding by rule and resource.

use egressproof_analysis::{analyze, Analysis, Options, Principals, Rule, Severity, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;

const ALLOWED: &[&str] = &[
    "sagemaker:*",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateDomain",
    "s3:GetObject",
    "*",
];

const DENIED: &[&str] = &[
    "sagemaker:*",
    "sagemaker:Create*",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateDomain",
    "s3:*",
];

const KEYS: &[&str] = &[
    "sagemaker:NetworkIsolation",
    "sagemaker:VpcSubnets",
    "sagemaker:DirectInternetAccess",
    "sagemaker:AppNetworkAccessType",
];

/// (operator, value): right ways and the usual wrong ones.
const CONDITIONS: &[(&str, &str)] = &[
    ("Bool", "false"),
    ("BoolIfExists", "false"),
    ("StringNotEquals", "true"),
    ("StringNotEqualsIfExists", "true"),
    ("Null", "true"),
    ("StringEquals", "Enabled"),
    ("StringNotEquals", "Disabled"),
    ("StringNotEquals", "VpcOnly"),
    ("StringEquals", "PublicInternetOnly"),
];

#[derive(Clone, Debug)]
struct Deny {
    actions: Vec<usize>,
    /// (key, condition); `None`: unconditional.
    condition: Option<(usize, usize)>,
}

fn deny() -> impl Strategy<Value = Deny> {
    (
        prop::collection::vec(0..DENIED.len(), 1..3),
        prop::option::of((0..KEYS.len(), 0..CONDITIONS.len())),
    )
        .prop_map(|(actions, condition)| Deny { actions, condition })
}

impl Deny {
    fn json(&self) -> Json {
        let actions: Vec<&str> = self.actions.iter().map(|i| DENIED[*i]).collect();
        let mut s = json!({"Effect": "Deny", "Action": actions, "Resource": "*"});
        if let Some((k, c)) = self.condition {
            let (op, v) = CONDITIONS[c];
            s["Condition"] = json!({ op: { KEYS[k]: v } });
        }
        s
    }
}

/// Where a policy sits: inline in a role, attached to a role, unattached, or an SCP.
#[derive(Clone, Copy, Debug)]
enum Place {
    Inline(usize),
    Attached(usize),
    Unattached,
    Scp,
}

#[derive(Clone, Debug)]
struct Scan {
    /// Each role's allowed actions.
    roles: Vec<Vec<usize>>,
    /// Policies: where, and their Deny statements.
    policies: Vec<(Place, Vec<Deny>)>,
}

fn scan() -> impl Strategy<Value = Scan> {
    let roles = prop::collection::vec(prop::collection::vec(0..ALLOWED.len(), 1..3), 1..3);
    let place = prop_oneof![
        (0..3usize).prop_map(Place::Inline),
        (0..3usize).prop_map(Place::Attached),
        Just(Place::Unattached),
        Just(Place::Scp),
    ];
    let policies = prop::collection::vec((place, prop::collection::vec(deny(), 0..3)), 0..4);
    (roles, policies).prop_map(|(roles, policies)| Scan { roles, policies })
}

impl Scan {
    fn template(&self) -> Json {
        let mut resources = serde_json::Map::new();
        let n = self.roles.len();
        let mut inline: Vec<Vec<Json>> = vec![Vec::new(); n];
        for (i, (place, denies)) in self.policies.iter().enumerate() {
            let statements: Vec<Json> = denies.iter().map(Deny::json).collect();
            let doc = json!({"Version": "2012-10-17", "Statement": statements});
            match place {
                Place::Inline(r) => inline[r % n].extend(statements.iter().cloned()),
                Place::Attached(r) => {
                    resources.insert(
                        format!("Policy{i}"),
                        json!({"Type": "AWS::IAM::Policy", "Properties": {
                            "PolicyName": format!("p{i}"),
                            "Roles": [{"Ref": format!("Role{}", r % n)}],
                            "PolicyDocument": doc}}),
                    );
                }
                Place::Unattached => {
                    resources.insert(
                        format!("Policy{i}"),
                        json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                            "PolicyDocument": doc}}),
                    );
                }
                Place::Scp => {
                    resources.insert(
                        format!("Policy{i}"),
                        json!({"Type": "AWS::Organizations::Policy", "Properties": {
                            "Name": format!("scp{i}"),
                            "Type": "SERVICE_CONTROL_POLICY",
                            "TargetIds": ["ou-abcd-11111111"],
                            "Content": doc}}),
                    );
                }
            }
        }
        for (r, allowed) in self.roles.iter().enumerate() {
            let mut statements: Vec<Json> = allowed
                .iter()
                .map(|a| json!({"Effect": "Allow", "Action": ALLOWED[*a], "Resource": "*"}))
                .collect();
            statements.extend(inline[r].iter().cloned());
            resources.insert(
                format!("Role{r}"),
                json!({"Type": "AWS::IAM::Role", "Properties": {
                    "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]},
                    "Policies": [{"PolicyName": "work",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}}),
            );
        }
        json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
    }

    /// The same scan with `d` added to policy `at` (a role's inline policy when there is none).
    fn with(&self, at: usize, d: Deny) -> Scan {
        let mut s = self.clone();
        match s.policies.get_mut(at) {
            Some((_, denies)) => denies.push(d),
            None => s.policies.push((Place::Inline(at), vec![d])),
        }
        s
    }
}

fn analyse(s: &Scan, options: &Options, case: &str) -> Analysis {
    let path = std::env::temp_dir().join(format!(
        "egressproof-guardrail-props-{}-{case}.json",
        std::process::id()
    ));
    std::fs::write(&path, s.template().to_string()).expect("temporary template");
    let loaded = load(
        &[Input {
            path: path.clone(),
            display: "t.json".into(),
        }],
        &LoadOptions::default(),
    );
    let _ = std::fs::remove_file(&path);
    analyze(&loaded.model, options)
}

fn guardrail_rule(r: Rule) -> bool {
    matches!(r.as_str(), "EP501" | "EP502" | "EP503" | "EP504")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn adding_a_deny_never_makes_a_scan_worse(
        s in scan(),
        at in 0..4usize,
        d in deny(),
        complete in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let options = Options {
            principals: if complete { Principals::Complete } else { Principals::Partial },
            fail_on: if strict { Severity::Low } else { Severity::Medium },
            ..Options::default()
        };
        let before = analyse(&s, &options, "before");
        let after = analyse(&s.with(at, d.clone()), &options, "after");
        let template = s.with(at, d).template();
        prop_assert!(after.verdict <= before.verdict,
            "verdict {:?} -> {:?}\n{template:#}\nbefore {:#?}\nafter {:#?}", before.verdict, after.verdict, before.findings, after.findings);
        let guardrails = |a: &Analysis| a.findings.iter().filter(|f| guardrail_rule(f.rule)).count();
        let worst = |a: &Analysis| a.findings.iter().filter(|f| guardrail_rule(f.rule)).map(|f| f.severity).max();
        prop_assert!(guardrails(&after) <= guardrails(&before),
            "more guardrail findings\n{template:#}\nbefore {:#?}\nafter {:#?}", before.findings, after.findings);
        prop_assert!(worst(&after) <= worst(&before),
            "a worse guardrail finding\n{template:#}\nbefore {:#?}\nafter {:#?}", before.findings, after.findings);
        let others = |a: &Analysis| -> BTreeSet<(Rule, String)> {
            a.findings.iter().filter(|f| !guardrail_rule(f.rule)).map(|f| (f.rule, f.resource.id.to_string())).collect()
        };
        prop_assert!(others(&after).is_subset(&others(&before)),
            "new findings\n{template:#}\nbefore {:#?}\nafter {:#?}", before.findings, after.findings);
        let unknowns = |a: &Analysis| a.unknowns.len();
        prop_assert!(unknowns(&after) <= unknowns(&before) || before.verdict == Verdict::Leaks,
            "new unknowns\n{template:#}\nbefore {:#?}\nafter {:#?}", before.unknowns, after.unknowns);
    }
}
