//! Terraform plan JSON (`terraform show -json`): planned values of the resource types the loader
//! lowers, in the root module and nested child modules, with `resource_changes` marking
//! computed values unknown and a `configuration` whose references connect them; plus the
//! deviations from the documented shape that a hand-edited or truncated plan has.

use crate::cfn;
use crate::harness::{Case, CaseFile};
use crate::hcl::{Fl, TYPES};
use crate::style::{self, Rng};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value as J};

/// A resource instance of the plan.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Index of its type in the Terraform generator's table.
    pub ty: usize,
    pub name: &'static str,
    /// `null`, a number or a string key.
    pub index: J,
    /// Module path: `module.a[0].module.b`.
    pub module: Vec<(&'static str, J)>,
    pub values: J,
    /// Attributes left `after_unknown` (computed at apply time).
    pub unknown: Vec<&'static str>,
    pub data: bool,
}

/// Ways a plan departs from `terraform show -json`'s documented shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deviation {
    ResourcesAsObject,
    NoMode,
    MisnamedRootModule,
    DeepChildModules,
    NoFormatVersion,
    UnknownFormatVersion,
    ValuesNotObject,
    NoPlannedValues,
    PriorStateOnly,
    AfterUnknownEverywhere,
    ConfigurationWrongShape,
}

const DEVIATIONS: &[Deviation] = &[
    Deviation::ResourcesAsObject,
    Deviation::NoMode,
    Deviation::MisnamedRootModule,
    Deviation::DeepChildModules,
    Deviation::NoFormatVersion,
    Deviation::UnknownFormatVersion,
    Deviation::ValuesNotObject,
    Deviation::NoPlannedValues,
    Deviation::PriorStateOnly,
    Deviation::AfterUnknownEverywhere,
    Deviation::ConfigurationWrongShape,
];

/// A JSON value of the given flavor, as a plan holds it (IDs instead of references).
fn value(fl: Fl) -> BoxedStrategy<J> {
    let typed: BoxedStrategy<J> = match fl {
        Fl::Cidr => select(&["0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "bad"][..])
            .prop_map(J::from)
            .boxed(),
        Fl::Cidr6 => select(&["::/0", "2001:db8::/32", ""][..])
            .prop_map(J::from)
            .boxed(),
        Fl::Ref(t) => select(
            &[
                "vpc-1", "subnet-1", "sg-1", "igw-1", "nat-1", "rtb-1", "pcx-1", "",
            ][..],
        )
        .prop_map(move |id| {
            if id.is_empty() {
                J::Null
            } else {
                J::from(format!("{t}:{id}"))
            }
        })
        .boxed(),
        Fl::Refs(_) => vec(
            select(&["subnet-1", "sg-1", "0.0.0.0/0", "rtb-1"][..]).prop_map(J::from),
            0..3,
        )
        .prop_map(J::Array)
        .boxed(),
        Fl::Bool => prop_oneof![any::<bool>().prop_map(J::from), Just(J::from("true"))].boxed(),
        Fl::Str => select(
            &[
                "",
                "Enabled",
                "Disabled",
                "VpcOnly",
                "-1",
                "tcp",
                "allow",
                "arn:aws:iam::111122223333:role/r",
                "111122223333",
                "444455556666",
                "com.amazonaws.us-east-1.s3",
            ][..],
        )
        .prop_map(J::from)
        .boxed(),
        Fl::Int => prop_oneof![
            (-2i64..70_000).prop_map(J::from),
            Just(json!(1.5)),
            Just(json!("443"))
        ]
        .boxed(),
        Fl::Policy => cfn::policy()
            .prop_map(|p| J::from(cfn::to_json(&p).to_string()))
            .boxed(),
        Fl::Pipeline => cfn::pipeline()
            .prop_map(|p| J::from(cfn::to_json(&p).to_string()))
            .boxed(),
        Fl::StateMachine => cfn::state_machine()
            .prop_map(|p| J::from(cfn::to_json(&p).to_string()))
            .boxed(),
        Fl::Any => cfn::expr().prop_map(|e| cfn::to_json(&e)).boxed(),
    };
    prop_oneof![10 => typed, 1 => Just(J::Null), 1 => cfn::expr().prop_map(|e| cfn::to_json(&e))]
        .boxed()
}

fn values(ty: usize) -> BoxedStrategy<(J, Vec<&'static str>)> {
    let (_, args, blocks) = TYPES[ty];
    let attrs: Vec<BoxedStrategy<(&'static str, J)>> = args
        .iter()
        .map(|(a, fl)| value(*fl).prop_map(move |v| (*a, v)).boxed())
        .collect();
    let nested: Vec<BoxedStrategy<(&'static str, J)>> = blocks
        .iter()
        .map(|(b, args)| {
            let inner: Vec<BoxedStrategy<(&'static str, J)>> = args
                .iter()
                .map(|(a, fl)| value(*fl).prop_map(move |v| (*a, v)).boxed())
                .collect();
            vec(inner, 0..3)
                .prop_map(move |items| {
                    let list = items
                        .into_iter()
                        .map(|kv| {
                            J::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                        })
                        .collect();
                    (*b, J::Array(list))
                })
                .boxed()
        })
        .collect();
    let names: Vec<&'static str> = args.iter().map(|(a, _)| *a).collect();
    let na = attrs.len();
    (
        prop::sample::subsequence(attrs, 0..=na).prop_flat_map(|xs| xs),
        nested,
        prop::sample::subsequence(names.clone(), 0..=names.len().min(2)),
    )
        .prop_map(|(attrs, blocks, unknown)| {
            let mut m = Map::new();
            for (k, v) in attrs.into_iter().chain(blocks) {
                m.insert(k.to_string(), v);
            }
            (J::Object(m), unknown)
        })
        .boxed()
}

/// A resource instance of any type, or (`workload`) of a SageMaker type: most plans get one, so
/// that the scan judges them instead of finding nothing in scope.
fn instance(workload: bool) -> impl Strategy<Value = Instance> {
    let types: Vec<usize> = (0..TYPES.len())
        .filter(|&i| !workload || TYPES[i].0.starts_with("aws_sagemaker_"))
        .collect();
    (
        select(types),
        select(&["a", "b", "main"][..]),
        prop_oneof![4 => Just(J::Null), 1 => (0..3u8).prop_map(J::from), 1 => select(&["k", "x"][..]).prop_map(J::from)],
        vec((select(&["m", "n"][..]), prop_oneof![3 => Just(J::Null), 1 => Just(J::from(0)), 1 => Just(J::from("k"))]), 0..3),
        prop::bool::weighted(0.05),
    )
        .prop_flat_map(|(ty, name, index, module, data)| {
            values(ty).prop_map(move |(values, unknown)| Instance {
                ty,
                name,
                index: index.clone(),
                module: module.clone(),
                values,
                unknown,
                data,
            })
        })
}

fn index_suffix(index: &J) -> String {
    match index {
        J::Null => String::new(),
        J::String(s) => format!("[{s:?}]"),
        other => format!("[{other}]"),
    }
}

impl Instance {
    fn type_name(&self) -> &'static str {
        TYPES[self.ty].0
    }

    fn module_address(&self) -> String {
        self.module
            .iter()
            .map(|(m, i)| format!("module.{m}{}", index_suffix(i)))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn address(&self) -> String {
        let own = format!(
            "{}{}.{}{}",
            if self.data { "data." } else { "" },
            self.type_name(),
            self.name,
            index_suffix(&self.index)
        );
        match self.module_address() {
            m if m.is_empty() => own,
            m => format!("{m}.{own}"),
        }
    }

    fn planned(&self, deviations: &[Deviation]) -> J {
        let mut r = json!({
            "address": self.address(),
            "mode": if self.data { "data" } else { "managed" },
            "type": self.type_name(),
            "name": self.name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0,
            "values": self.values,
        });
        if !self.index.is_null() {
            r["index"] = self.index.clone();
        }
        if deviations.contains(&Deviation::NoMode) {
            if let Some(o) = r.as_object_mut() {
                o.remove("mode");
            }
        }
        if deviations.contains(&Deviation::ValuesNotObject) {
            r["values"] = json!(["not", "an", "object"]);
        }
        r
    }
}

/// The module tree of `planned_values`/`prior_state`: resources placed by module path.
fn module_tree(instances: &[Instance], deviations: &[Deviation]) -> J {
    fn node(address: &str) -> J {
        let mut m = json!({ "resources": [], "child_modules": [] });
        if !address.is_empty() {
            m["address"] = J::from(address);
        }
        m
    }
    let mut root = node("");
    for inst in instances {
        let mut here = &mut root;
        let mut address = String::new();
        for (m, i) in &inst.module {
            let part = format!("module.{m}{}", index_suffix(i));
            address = if address.is_empty() {
                part
            } else {
                format!("{address}.{part}")
            };
            let children = match here["child_modules"].as_array_mut() {
                Some(c) => c,
                None => break,
            };
            let pos = match children
                .iter()
                .position(|c| c["address"] == address.as_str())
            {
                Some(p) => p,
                None => {
                    children.push(node(&address));
                    children.len() - 1
                }
            };
            here = &mut here["child_modules"][pos];
        }
        if let Some(rs) = here["resources"].as_array_mut() {
            rs.push(inst.planned(deviations));
        }
    }
    if deviations.contains(&Deviation::DeepChildModules) {
        let mut deep = node("module.deep");
        for _ in 0..40 {
            deep = json!({ "address": "module.deep", "resources": [], "child_modules": [deep] });
        }
        if let (Some(first), Some(children)) =
            (instances.first(), root["child_modules"].as_array_mut())
        {
            deep["resources"] = json!([first.planned(deviations)]);
            children.push(deep);
        }
    }
    if deviations.contains(&Deviation::ResourcesAsObject) {
        let rs = root["resources"].take();
        let mut m = Map::new();
        for (i, r) in rs.as_array().into_iter().flatten().enumerate() {
            m.insert(format!("r{i}"), r.clone());
        }
        root["resources"] = J::Object(m);
    }
    root
}

fn configuration(instances: &[Instance], deviations: &[Deviation]) -> J {
    if deviations.contains(&Deviation::ConfigurationWrongShape) {
        return json!({ "root_module": { "resources": { "a": 1 }, "module_calls": [] } });
    }
    let resources: Vec<J> = instances
        .iter()
        .filter(|i| i.module.is_empty())
        .map(|i| {
            let mut expressions = Map::new();
            for (k, _) in i.values.as_object().into_iter().flatten() {
                if k.ends_with("_id") || k.ends_with("_ids") {
                    expressions.insert(
                        k.clone(),
                        json!({ "references": ["aws_vpc.a.id", "aws_vpc.a", "aws_subnet.a[0].id"] }),
                    );
                }
            }
            json!({
                "address": format!("{}.{}", i.type_name(), i.name),
                "mode": "managed",
                "type": i.type_name(),
                "name": i.name,
                "expressions": expressions,
            })
        })
        .collect();
    json!({
        "root_module": {
            "resources": resources,
            "module_calls": { "m": { "source": "./m", "module": { "resources": [] } } }
        }
    })
}

fn plan(instances: &[Instance], deviations: &[Deviation]) -> J {
    let tree = module_tree(instances, deviations);
    let changes: Vec<J> = instances
        .iter()
        .map(|i| {
            let unknown: Map<String, J> = if deviations.contains(&Deviation::AfterUnknownEverywhere) {
                i.values
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| (k.clone(), J::Bool(true)))
                    .collect()
            } else {
                i.unknown.iter().map(|k| (k.to_string(), J::Bool(true))).collect()
            };
            json!({
                "address": i.address(),
                "mode": "managed",
                "type": i.type_name(),
                "name": i.name,
                "change": { "actions": ["create"], "before": null, "after": i.values, "after_unknown": unknown },
            })
        })
        .collect();
    let root_key = if deviations.contains(&Deviation::MisnamedRootModule) {
        "rootModule"
    } else {
        "root_module"
    };
    let mut doc = json!({
        "format_version": if deviations.contains(&Deviation::UnknownFormatVersion) { "9.0" } else { "1.2" },
        "terraform_version": "1.9.5",
        "planned_values": { root_key: tree },
        "resource_changes": changes,
        "configuration": configuration(instances, deviations),
    });
    if deviations.contains(&Deviation::PriorStateOnly) {
        doc["prior_state"] =
            json!({ "format_version": "1.0", "values": doc["planned_values"].take() });
    }
    if let Some(o) = doc.as_object_mut() {
        if deviations.contains(&Deviation::NoFormatVersion) {
            o.remove("format_version");
        }
        if deviations.contains(&Deviation::NoPlannedValues)
            || deviations.contains(&Deviation::PriorStateOnly)
        {
            o.remove("planned_values");
        }
    }
    doc
}

pub fn case() -> impl Strategy<Value = Case> {
    (
        (
            vec(instance(false), 0..8),
            prop::option::weighted(0.8, instance(true)),
        )
            .prop_map(|(mut all, workload)| {
                all.extend(workload);
                all
            }),
        prop::option::weighted(0.25, vec(select(DEVIATIONS), 1..3)),
        any::<u64>(),
        cfn::flags(),
    )
        .prop_map(|(instances, deviations, seed, flags)| {
            let deviations = deviations.unwrap_or_default();
            let doc = plan(&instances, &deviations);
            let text = style::json(&doc, &mut Rng::new(seed));
            // How the plan loader tells a plan (or a state) from other JSON: `planned_values`, or
            // both versions with the changes or the prior state.
            let has = |k: &str| doc.get(k).is_some();
            let readable = has("planned_values")
                || (has("format_version")
                    && has("terraform_version")
                    && (has("resource_changes") || has("prior_state")));
            let mut case = Case::new(vec![CaseFile::new("plan.json", text)], readable);
            case.flags = flags;
            case
        })
}
