//! Adversarial inputs: what a configuration says inside its strings never steers the scan, and
//! every evaluation is bounded (an unknown naming the limit, never a panic, a hang or all the
//! memory).

use egressproof_load_tf::load_str;
use egressproof_model::{Model, Resource, UnknownCode};

#[path = "../../load-cfn/tests/support/work.rs"]
mod work;

#[global_allocator]
static ALLOCATOR: work::Counting = work::Counting;

fn by_name<'a>(m: &'a Model, name: &str) -> &'a Resource {
    m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

fn rules(r: &Resource) -> Vec<&str> {
    let mut v: Vec<&str> = r.suppressions.iter().map(|s| s.rule.as_str()).collect();
    v.sort_unstable();
    v
}

const NB: &str = "aws_sagemaker_notebook_instance";

// ---------------------------------------------------------------------------------------------
// Suppressions are read only where they are comments.

#[test]
fn suppression_text_in_an_hcl_string_suppresses_nothing() {
    let tf = format!(
        r##"resource "{NB}" "a" {{ tags = {{ note = "# egressproof:ignore EP101 ok" }} }}
resource "{NB}" "b" {{ tags = {{ note = "see http://x // egressproof:ignore EP101 ok" }} }}
resource "{NB}" "c" {{ tags = {{ note = "${{format("%s", "a")}} # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "d" {{ tags = {{ note = "\" # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "e" {{ tags = {{ note = "${{lookup({{ a = "}}" }}, "a")}} # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "f" {{ tags = {{ note = "x
# egressproof:ignore EP101 ok" }} }}
resource "{NB}" "g" {{
  tags = {{ note = "x
# egressproof:ignore EP101 ok" }}
}}
"##
    );
    let m = load_str(&tf, "t");
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    for n in ["a", "b", "c", "d", "e", "f", "g"] {
        let r = by_name(&m, &format!("{NB}.{n}"));
        assert!(rules(r).is_empty(), "{n}: {:?}", r.suppressions);
    }
}

#[test]
fn suppression_text_in_a_heredoc_suppresses_nothing() {
    let tf = format!(
        r#"locals {{
  note = <<EOT
# egressproof:ignore EP101 ok
EOT
  other = <<-EOT
    # egressproof:ignore EP101 ok
    EOT
}}
resource "{NB}" "a" {{
  tags = {{ note = <<EOT
// egressproof:ignore EP101 ok
EOT
  }}
}}
resource "{NB}" "b" {{ tags = {{ note = local.note }} }}
"#
    );
    let m = load_str(&tf, "t");
    for n in ["a", "b"] {
        let r = by_name(&m, &format!("{NB}.{n}"));
        assert!(rules(r).is_empty(), "{n}: {:?}", r.suppressions);
    }
}

#[test]
fn a_heredoc_ends_at_its_marker_line() {
    // The comment right after a heredoc is a comment again.
    let tf = format!(
        r#"locals {{
  note = <<EOT
text
EOT
}}
# egressproof:ignore EP101 sandbox
resource "{NB}" "a" {{}}
"#
    );
    let m = load_str(&tf, "t");
    assert_eq!(rules(by_name(&m, &format!("{NB}.a"))), vec!["EP101"]);
}

#[test]
fn real_hcl_comments_still_suppress() {
    let tf = format!(
        r##"# egressproof:ignore EP101 sandbox
// egressproof:ignore EP401 reviewed
resource "{NB}" "a" {{
}}
resource "{NB}" "b" {{ tags = {{ n = "#x" }} }} # egressproof:ignore EP201 on the line
resource "{NB}" "c" {{ # egressproof:ignore EP202 after the brace
}}
/* egressproof:ignore EP203 a block comment is not read */
resource "{NB}" "d" {{}}
"##
    );
    let m = load_str(&tf, "t");
    assert_eq!(
        rules(by_name(&m, &format!("{NB}.a"))),
        vec!["EP101", "EP401"]
    );
    assert_eq!(rules(by_name(&m, &format!("{NB}.b"))), vec!["EP201"]);
    assert_eq!(rules(by_name(&m, &format!("{NB}.c"))), vec!["EP202"]);
    assert!(rules(by_name(&m, &format!("{NB}.d"))).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Bounded evaluation: past a limit the value is an unknown naming the limit (EP902), quickly.

/// Loads `text`, asserting that it allocates at most `mib` MiB in all: the work a load does
/// builds what it computes, so an evaluation that ran past its limit again (an instance per
/// `count`, values doubled without end, a range built in full) would allocate far more, on any
/// machine and under any load, where a bound on the clock fails on a busy machine and passes a
/// slow evaluation on a fast one. Each test's budget is about three times what it allocates.
fn load_quickly(text: &str, mib: u64) -> Model {
    let (m, bytes) = work::measured(|| load_str(text, "t"));
    assert!(
        bytes <= mib << 20,
        "allocated {bytes} bytes, more than {mib} MiB"
    );
    m
}

/// An EP902 diagnostic names `limit`, and so does an unknown of the model.
fn assert_limit(m: &Model, limit: &str) {
    assert!(
        m.diagnostics
            .iter()
            .any(|d| d.code == UnknownCode::EP902 && d.message.contains(limit)),
        "no EP902 naming {limit}: {:#?}",
        m.diagnostics
    );
    let json = serde_json::to_string(&m.resources).expect("model serializes");
    assert!(json.contains(limit), "no unknown naming {limit}: {json}");
}

#[test]
fn count_of_1e30_is_one_instance_standing_for_all() {
    let m = load_quickly(
        "resource \"aws_subnet\" \"s\" {\n  count      = 1e30\n  vpc_id     = \"vpc-1\"\n  cidr_block = cidrsubnet(\"10.0.0.0/8\", 16, count.index)\n}\n",
        1,
    );
    assert_eq!(m.resources.len(), 1, "{:#?}", m.resources);
    assert_limit(&m, "MAX_INSTANCES");
}

#[test]
fn count_of_a_hundred_million_is_one_instance_standing_for_all() {
    let m = load_quickly(
        "resource \"aws_subnet\" \"s\" {\n  count      = 100000000\n  vpc_id     = \"vpc-1\"\n  cidr_block = cidrsubnet(\"10.0.0.0/8\", 16, count.index)\n}\n",
        1,
    );
    assert_eq!(m.resources.len(), 1);
    assert_limit(&m, "MAX_INSTANCES");
}

#[test]
fn for_each_over_too_many_keys_is_one_instance_standing_for_all() {
    let m = load_quickly(
        "resource \"aws_subnet\" \"s\" {\n  for_each   = { for i in range(20000) : tostring(i) => i }\n  vpc_id     = \"vpc-1\"\n  cidr_block = \"10.0.${each.value}.0/24\"\n}\n",
        128,
    );
    assert_eq!(m.resources.len(), 1);
    assert_limit(&m, "MAX_INSTANCES");
}

#[test]
fn doubling_locals_stop_at_the_value_limit() {
    let mut tf = String::from("locals {\n  a1 = [\"10.0.0.0/16\"]\n");
    for k in 2..=40 {
        tf.push_str(&format!("  a{k} = [local.a{}, local.a{}]\n", k - 1, k - 1));
    }
    tf.push_str("}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = length(local.a40) > 0 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\n");
    let m = load_quickly(&tf, 128);
    assert_limit(&m, "MAX_VALUE_CELLS");
}

#[test]
fn doubling_strings_stop_at_the_value_limit() {
    let mut tf = String::from("locals {\n  s1 = \"10.0.0.0/16 \"\n");
    for k in 2..=40 {
        tf.push_str(&format!(
            "  s{k} = \"${{local.s{}}}${{local.s{}}}\"\n",
            k - 1,
            k - 1
        ));
    }
    tf.push_str("}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = substr(local.s40, 0, 11)\n}\n");
    let m = load_quickly(&tf, 256);
    assert_limit(&m, "MAX_VALUE_CELLS");
}

#[test]
fn range_at_a_magnitude_without_exact_steps_is_unknown() {
    let m = load_quickly(
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = length(range(1e20, 1e20 + 81920)) > 0 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\n",
        1,
    );
    let json = serde_json::to_string(&m.resources).expect("model serializes");
    assert!(json.contains("range"), "{json}");
    assert!(json.contains("2^53"), "{json}");
}

#[test]
fn range_past_the_value_limit_is_unknown() {
    let m = load_quickly(
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = length(range(0, 1e12)) > 0 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\n",
        1,
    );
    assert_limit(&m, "MAX_VALUE_CELLS");
}

#[test]
fn nested_for_expressions_stop_at_the_value_limit() {
    let m = load_quickly(
        "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = length(local.x) > 0 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\n",
        384,
    );
    assert_limit(&m, "MAX_VALUE_CELLS");
}

#[test]
fn a_limit_in_one_resource_leaves_the_others_known() {
    let m = load_quickly(
        "resource \"aws_subnet\" \"big\" {\n  count  = 1e30\n  vpc_id = \"vpc-1\"\n}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        1,
    );
    let json = serde_json::to_string(by_name(&m, "aws_vpc.v")).expect("serializes");
    assert!(json.contains("10.0.0.0/16"), "{json}");
}

// ---------------------------------------------------------------------------------------------
// Plan JSON of the wrong shape: every deviation from `terraform show -json` is EP901 with its
// JSON path, and nothing is dropped silently.

use egressproof_load_tf::load_plan;
use serde_json::json;

fn notebook(address: &str) -> serde_json::Value {
    json!({ "address": address, "mode": "managed", "type": "aws_sagemaker_notebook_instance",
            "name": "nb", "values": { "direct_internet_access": "Enabled" } })
}

fn plan_of(root_module: serde_json::Value) -> serde_json::Value {
    json!({ "format_version": "1.2", "planned_values": { "root_module": root_module } })
}

/// The EP901 paths of a loaded plan.
fn deviations(m: &Model) -> Vec<String> {
    m.diagnostics
        .iter()
        .filter(|d| d.code == UnknownCode::EP901)
        .map(|d| d.message.clone())
        .collect()
}

fn assert_deviation(m: &Model, path: &str) {
    let d = deviations(m);
    assert!(
        d.iter().any(|msg| msg.contains(&format!("at {path}:")) || msg.contains(&format!("at {path} "))),
        "no EP901 at {path}: {d:#?}"
    );
}

#[test]
fn a_well_formed_plan_has_no_deviation() {
    let p = plan_of(
        json!({ "resources": [notebook("aws_sagemaker_notebook_instance.nb")],
        "child_modules": [ { "address": "module.m", "resources": [notebook("module.m.aws_sagemaker_notebook_instance.nb")] } ] }),
    );
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert!(m.diagnostics.is_empty(), "{:#?}", m.diagnostics);
    assert_eq!(m.resources.len(), 2);
}

#[test]
fn plan_resources_as_an_object_is_ep901() {
    let p = plan_of(
        json!({ "resources": { "aws_sagemaker_notebook_instance.nb": notebook("aws_sagemaker_notebook_instance.nb") } }),
    );
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/planned_values/root_module/resources");
}

#[test]
fn plan_resource_without_mode_is_ep901() {
    let mut nb = notebook("aws_sagemaker_notebook_instance.nb");
    nb.as_object_mut().expect("object").remove("mode");
    let p = plan_of(json!({ "resources": [nb] }));
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/planned_values/root_module/resources/0/mode");
}

#[test]
fn plan_resource_of_an_unknown_mode_or_without_values_is_ep901() {
    let mut a = notebook("aws_sagemaker_notebook_instance.a");
    a["mode"] = json!("manged");
    let mut b = notebook("aws_sagemaker_notebook_instance.b");
    b["values"] = json!([1]);
    let p = plan_of(json!({ "resources": [a, b] }));
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/planned_values/root_module/resources/0/mode");
    assert_deviation(&m, "/planned_values/root_module/resources/1/values");
}

#[test]
fn plan_with_a_misnamed_root_module_is_ep901() {
    let p = json!({ "format_version": "1.2", "planned_values": { "rootmodule": { "resources": [notebook("aws_sagemaker_notebook_instance.nb")] } } });
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/planned_values/root_module");
}

#[test]
fn plan_of_an_unsupported_major_version_is_ep901() {
    let mut p = plan_of(json!({ "resources": [notebook("aws_sagemaker_notebook_instance.nb")] }));
    p["format_version"] = json!("2.0");
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/format_version");
}

#[test]
fn plan_without_format_version_is_still_a_plan_with_ep901() {
    let p = json!({ "planned_values": { "root_module": { "resources": [notebook("aws_sagemaker_notebook_instance.nb")] } } });
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/format_version");
}

#[test]
fn child_modules_are_followed_to_any_depth() {
    let mut module = json!({ "address": "module.deep", "resources": [notebook("module.deep.aws_sagemaker_notebook_instance.nb")] });
    for i in 0..50 {
        module = json!({ "address": format!("module.m{i}"), "child_modules": [module] });
    }
    let p = plan_of(json!({ "child_modules": [module] }));
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert!(m.diagnostics.is_empty(), "{:#?}", m.diagnostics);
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn plan_child_modules_of_the_wrong_shape_are_ep901() {
    let p = plan_of(
        json!({ "child_modules": [ { "resources": [notebook("module.x.aws_sagemaker_notebook_instance.nb")] }, "module.y" ] }),
    );
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/planned_values/root_module/child_modules/0/address");
    assert_deviation(&m, "/planned_values/root_module/child_modules/1");
    // The resources of the module without an address are still read.
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn plan_resource_changes_of_the_wrong_shape_are_ep901() {
    let mut p = plan_of(json!({ "resources": [notebook("aws_sagemaker_notebook_instance.nb")] }));
    p["resource_changes"] = json!([ { "address": "aws_sagemaker_notebook_instance.nb", "change": { "after_unknown": [true] } }, 7 ]);
    let m = load_plan(&p, "plan.json").expect("a plan");
    assert_deviation(&m, "/resource_changes/0/change/after_unknown");
    assert_deviation(&m, "/resource_changes/1");
}

#[test]
fn a_state_json_is_read_like_a_plan() {
    let state = json!({ "format_version": "1.0", "terraform_version": "1.9.0",
        "values": { "root_module": { "resources": [notebook("aws_sagemaker_notebook_instance.nb")] } } });
    let m = load_plan(&state, "state.json").expect("a state");
    assert!(m.diagnostics.is_empty(), "{:#?}", m.diagnostics);
    assert_eq!(m.resources.len(), 1);
    // Other JSON is neither.
    assert!(load_plan(&json!({ "format_version": "1.0", "values": [] }), "x.json").is_none());
}

/// New bits beyond any address family (found by the fuzzer: the prefix length overflowed) are
/// an error of the function, hence an unknown CIDR, never a panic.
#[test]
fn cidr_functions_with_absurd_new_bits_are_unknown() {
    for call in [
        "cidrsubnets(\"10.0.0.0/8\", 4294967295)",
        "cidrsubnets(\"10.0.0.0/8\", -1)",
        "cidrsubnets(\"10.0.0.0/8\", 1e300)",
        "cidrsubnet(\"10.0.0.0/8\", 4294967295, 0)",
        "cidrsubnet(\"10.0.0.0/8\", -3, 1)",
        "cidrsubnet(\"10.0.0.0/8\", 8, -1)",
        "cidrsubnets(\"::/0\", 0)",
    ] {
        let m = load_quickly(
            &format!("resource \"aws_vpc\" \"v\" {{\n  cidr_block = {call}\n}}\n"),
            1,
        );
        let egressproof_model::Kind::Vpc(v) = &by_name(&m, "aws_vpc.v").kind else {
            panic!("{call}: not a VPC")
        };
        assert!(
            matches!(v.cidr_v4, Some(egressproof_model::Attr::Unknown(_))),
            "{call}: {:?}",
            v.cidr_v4
        );
    }
    let m = load_quickly(
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = cidrsubnets(\"10.0.0.0/8\", 8, 8)[1]\n}\n",
        1,
    );
    let egressproof_model::Kind::Vpc(v) = &by_name(&m, "aws_vpc.v").kind else {
        panic!("not a VPC")
    };
    assert_eq!(
        v.cidr_v4,
        Some(egressproof_model::Attr::Known(
            "10.1.0.0/16".parse().expect("a CIDR")
        ))
    );
}
