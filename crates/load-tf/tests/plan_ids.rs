//! A plan (`terraform show -json`) writes what a reference resolved to: a resource that already
//! exists is named by its physical ID in the planned values of every resource that references it
//! (`subnet_id = "subnet-0abc..."`), while that resource is listed under its address with the
//! same ID in its own values. The two must meet, as they do when the configuration is read.

use egressproof_load_tf::load_plan;
use egressproof_model::*;

const VPC: &str = "vpc-0a1b2c3d4e5f60718";
const SUBNET: &str = "subnet-0a1b2c3d4e5f60718";

fn resource(address: &str, rtype: &str, values: serde_json::Value) -> serde_json::Value {
    let name = address.rsplit('.').next().unwrap_or(address);
    serde_json::json!({
        "address": address, "mode": "managed", "type": rtype, "name": name,
        "values": values
    })
}

fn plan(resources: Vec<serde_json::Value>, prior: Vec<serde_json::Value>) -> Model {
    let doc = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": resources } },
        "prior_state": { "values": { "root_module": { "resources": prior } } }
    });
    load_plan(&doc, "plan.json").expect("a plan")
}

fn kind<'m>(m: &'m Model, address: &str) -> &'m Kind {
    &m.resources
        .iter()
        .find(|r| r.name == address)
        .unwrap_or_else(|| panic!("no {address}"))
        .kind
}

fn notebook_subnet(m: &Model) -> &Attr<Ident> {
    match kind(m, "aws_sagemaker_notebook_instance.nb") {
        Kind::NotebookInstance(n) => n.subnet.as_ref().expect("a subnet"),
        other => panic!("not a notebook: {other:?}"),
    }
}

fn notebook() -> serde_json::Value {
    resource(
        "aws_sagemaker_notebook_instance.nb",
        "aws_sagemaker_notebook_instance",
        serde_json::json!({ "name": "nb", "instance_type": "ml.t3.medium", "subnet_id": SUBNET,
                            "direct_internet_access": "Disabled" }),
    )
}

#[test]
fn a_literal_id_names_the_plan_resource_that_has_it() {
    let m = plan(
        vec![
            resource(
                "aws_vpc.main",
                "aws_vpc",
                serde_json::json!({ "id": VPC, "cidr_block": "10.0.0.0/16" }),
            ),
            resource(
                "aws_subnet.private",
                "aws_subnet",
                serde_json::json!({ "id": SUBNET, "vpc_id": VPC, "cidr_block": "10.0.1.0/24" }),
            ),
            notebook(),
        ],
        Vec::new(),
    );
    assert_eq!(
        notebook_subnet(&m),
        &Attr::Known(Ident::new("plan.json/aws_subnet.private"))
    );
    let Kind::Subnet(s) = kind(&m, "aws_subnet.private") else {
        panic!("not a subnet")
    };
    assert_eq!(s.vpc, Attr::Known(Ident::new("plan.json/aws_vpc.main")));
}

#[test]
fn a_prior_state_id_names_the_resource_when_the_plan_keeps_it() {
    // The planned values leave the ID out; the prior state has it, and the plan does not
    // replace the subnet (its ID is not "known after apply").
    let m = plan(
        vec![
            resource(
                "aws_subnet.private",
                "aws_subnet",
                serde_json::json!({ "vpc_id": VPC, "cidr_block": "10.0.1.0/24" }),
            ),
            notebook(),
        ],
        vec![resource(
            "aws_subnet.private",
            "aws_subnet",
            serde_json::json!({ "id": SUBNET, "vpc_id": VPC, "cidr_block": "10.0.1.0/24" }),
        )],
    );
    assert_eq!(
        notebook_subnet(&m),
        &Attr::Known(Ident::new("plan.json/aws_subnet.private"))
    );
}

#[test]
fn an_id_that_two_resources_have_or_that_is_not_a_physical_id_stays_literal() {
    let m = plan(
        vec![
            resource(
                "aws_subnet.a",
                "aws_subnet",
                serde_json::json!({ "id": SUBNET, "vpc_id": VPC, "cidr_block": "10.0.1.0/24" }),
            ),
            resource(
                "aws_subnet.b",
                "aws_subnet",
                serde_json::json!({ "id": SUBNET, "vpc_id": VPC, "cidr_block": "10.0.2.0/24" }),
            ),
            notebook(),
        ],
        Vec::new(),
    );
    assert_eq!(notebook_subnet(&m), &Attr::Known(Ident::new(SUBNET)));
    // A bucket's ID is its name, which its policy also has: names are not physical IDs.
    let m = plan(
        vec![
            resource(
                "aws_s3_bucket.data",
                "aws_s3_bucket",
                serde_json::json!({ "id": "data", "bucket": "data" }),
            ),
            resource(
                "aws_s3_bucket_policy.data",
                "aws_s3_bucket_policy",
                serde_json::json!({ "id": "data", "bucket": "data", "policy": "{}" }),
            ),
        ],
        Vec::new(),
    );
    assert_eq!(m.resources.len(), 2, "{:#?}", m.resources);
}
