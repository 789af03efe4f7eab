//! What the environment is, independent of the format it is written in: every resource as a
//! typed value ([`Resource`]: what it is, its settings, what it refers to), the names each
//! resource goes by, the outputs, and every policy document.
//!
//! The renderers (`cfn`, `tf`) decide only how a value is spelled in their format: type and
//! property names, syntax, and where the providers differ (a rule that names its own security
//! group, resources Terraform splits out of a bucket or a role). So a control is written here
//! once, and the CloudFormation, the Terraform and the JSON files cannot disagree about it.

mod documents;
mod guardrails;
mod network;
mod platform;
mod resources;

pub use documents::{data_scientist_policy, execution_role_name, training_request};
pub use guardrails::organization_policy;
pub use network::{allowed_domains, cost, interface_endpoints, presign_endpoints};
pub use resources::*;

use crate::expr::R;
use crate::options::Checked;

/// The names of the resources other resources and documents refer to.
pub struct Names {
    pub vpc: R,
    pub subnets: Vec<R>,
    pub route_tables: Vec<R>,
    pub vpn_gateway: R,
    pub vpn_attachment: R,
    pub workload_sg: R,
    pub endpoint_sg: R,
    pub corporate_sg: R,
    pub s3_endpoint: R,
    pub aws_domains: R,
    pub all_domains: R,
    pub dns_firewall: R,
    pub data_key: R,
    pub data_bucket: R,
    pub execution_role: R,
    pub data_scientist_role: R,
    pub package_domain: R,
    pub model: R,
}

impl Names {
    pub fn new(o: &Checked) -> Names {
        let numbered = |cfn: &str, tf: &str, placeholder: &str| -> Vec<R> {
            (1..=o.subnets.len())
                .map(|i| {
                    R::new(
                        &format!("{cfn}{i}"),
                        &format!("{tf}{i}"),
                        &format!("{placeholder}{i}"),
                    )
                })
                .collect()
        };
        Names {
            vpc: R::named("Vpc", "aws_vpc.main"),
            subnets: numbered("PrivateSubnet", "aws_subnet.private_", "PRIVATE_SUBNET_"),
            route_tables: numbered(
                "PrivateRouteTable",
                "aws_route_table.private_",
                "PRIVATE_ROUTE_TABLE_",
            ),
            vpn_gateway: R::named("VpnGateway", "aws_vpn_gateway.main"),
            vpn_attachment: R::named("VpnGatewayAttachment", "aws_vpn_gateway_attachment.main"),
            workload_sg: R::named("WorkloadSecurityGroup", "aws_security_group.workload"),
            endpoint_sg: R::named("EndpointSecurityGroup", "aws_security_group.endpoint"),
            corporate_sg: R::named(
                "EndpointCorporateIngress",
                "aws_security_group.endpoint_corporate",
            ),
            s3_endpoint: R::named("S3Endpoint", "aws_vpc_endpoint.s3"),
            aws_domains: R::named(
                "AwsDomains",
                "aws_route53_resolver_firewall_domain_list.aws",
            ),
            all_domains: R::named(
                "AllDomains",
                "aws_route53_resolver_firewall_domain_list.all",
            ),
            dns_firewall: R::named(
                "DnsFirewallRuleGroup",
                "aws_route53_resolver_firewall_rule_group.main",
            ),
            data_key: R::named("DataKey", "aws_kms_key.data"),
            data_bucket: R::named("DataBucket", "aws_s3_bucket.data"),
            execution_role: R::named("ExecutionRole", "aws_iam_role.execution"),
            data_scientist_role: R::named("DataScientistRole", "aws_iam_role.data_scientist"),
            package_domain: R::named("CodeArtifactDomain", "aws_codeartifact_domain.main"),
            model: R::named("Model", "aws_sagemaker_model.main"),
        }
    }
}

/// Every resource of the environment, in the order both formats write them.
pub fn environment(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = network::resources(o, n);
    v.extend(platform::resources(o, n));
    v
}

/// What the deployment reports: the IDs and ARNs a team needs next, and those the JSON files'
/// placeholders stand for.
pub fn outputs(n: &Names) -> Vec<Output> {
    let out = |cfn: &str, tf: &str, description: &str, value| Output {
        name: R::named(cfn, tf),
        description: Text::same(description),
        value,
    };
    let mut v = vec![
        out("VpcId", "vpc_id", "The VPC", OutputValue::Id(n.vpc.clone())),
        out(
            "DataBucketName",
            "data_bucket_name",
            "The data bucket",
            OutputValue::Id(n.data_bucket.clone()),
        ),
        out(
            "DataKeyArn",
            "data_key_arn",
            "The KMS key",
            OutputValue::Arn(n.data_key.clone()),
        ),
        out(
            "ExecutionRoleArn",
            "execution_role_arn",
            "SageMaker execution role",
            OutputValue::Arn(n.execution_role.clone()),
        ),
        out(
            "DataScientistRoleArn",
            "data_scientist_role_arn",
            "Role for people (presigned URLs from trusted networks only)",
            OutputValue::Arn(n.data_scientist_role.clone()),
        ),
        out(
            "WorkloadSecurityGroupId",
            "workload_security_group_id",
            "Security group for new workloads",
            OutputValue::Id(n.workload_sg.clone()),
        ),
        Output {
            name: R::named("PrivateSubnetIds", "private_subnet_ids"),
            description: Text::each("Private subnet", "Private subnets"),
            value: OutputValue::Ids(n.subnets.clone()),
        },
    ];
    for ep in presign_endpoints() {
        v.push(out(
            &format!("{}Id", ep.cfn),
            &format!("{}_endpoint_id", ep.tf_name()),
            "Endpoint ID for guardrails/data-scientist-policy.json",
            OutputValue::Id(ep),
        ));
    }
    v
}
