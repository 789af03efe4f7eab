//! The AWS provider resource types this loader lowers, and the model kinds each becomes: the
//! Terraform column of `docs/coverage.md`. A test below checks the table against the lowering
//! itself, so adding an arm without its row (or a row without its arm) fails.

use egressproof_model::{KindTag as K, Lowering as L, Origin as O};

/// Every resource type with an arm in the lowering, and what it yields.
pub const COVERAGE: &[L] = &[
    // --- network ---
    L::resource("aws_vpc", K::Vpc),
    L::via("aws_vpc", K::VpcCidrBlock, O::Part),
    L::resource("aws_vpc_ipv4_cidr_block_association", K::VpcCidrBlock),
    L::resource("aws_vpc_ipv6_cidr_block_association", K::VpcCidrBlock),
    L::resource("aws_subnet", K::Subnet),
    L::resource("aws_route_table", K::RouteTable),
    L::via("aws_route_table", K::Route, O::Part),
    L::via("aws_route_table", K::VpnGatewayRoutePropagation, O::Part),
    L::resource("aws_default_route_table", K::RouteTable),
    L::via("aws_default_route_table", K::Route, O::Part),
    L::via(
        "aws_default_route_table",
        K::VpnGatewayRoutePropagation,
        O::Part,
    ),
    L::resource("aws_route", K::Route),
    L::resource(
        "aws_route_table_association",
        K::SubnetRouteTableAssociation,
    ),
    L::resource(
        "aws_main_route_table_association",
        K::MainRouteTableAssociation,
    ),
    L::resource("aws_internet_gateway", K::InternetGateway),
    L::via("aws_internet_gateway", K::GatewayAttachment, O::Part),
    L::resource("aws_vpn_gateway", K::VpnGateway),
    L::via("aws_vpn_gateway", K::GatewayAttachment, O::Part),
    L::resource("aws_internet_gateway_attachment", K::GatewayAttachment),
    L::resource("aws_vpn_gateway_attachment", K::GatewayAttachment),
    L::resource(
        "aws_egress_only_internet_gateway",
        K::EgressOnlyInternetGateway,
    ),
    L::resource("aws_ec2_carrier_gateway", K::CarrierGateway),
    L::resource(
        "aws_vpn_gateway_route_propagation",
        K::VpnGatewayRoutePropagation,
    ),
    L::resource("aws_nat_gateway", K::NatGateway),
    L::resource("aws_eip", K::ElasticIp),
    L::resource("aws_eip_association", K::ElasticIp),
    L::resource("aws_ec2_transit_gateway", K::TransitGateway),
    L::resource(
        "aws_ec2_transit_gateway_vpc_attachment",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "aws_ec2_transit_gateway_route_table",
        K::TransitGatewayRouteTable,
    ),
    L::resource("aws_ec2_transit_gateway_route", K::TransitGatewayRoute),
    L::resource(
        "aws_ec2_transit_gateway_route_table_association",
        K::TransitGatewayRouteTableAssociation,
    ),
    L::resource(
        "aws_ec2_transit_gateway_route_table_propagation",
        K::TransitGatewayRouteTablePropagation,
    ),
    L::resource(
        "aws_ec2_transit_gateway_vpc_attachment_accepter",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "aws_ec2_transit_gateway_peering_attachment",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "aws_ec2_transit_gateway_peering_attachment_accepter",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "aws_ec2_transit_gateway_connect",
        K::TransitGatewayAttachment,
    ),
    L::resource("aws_vpn_connection", K::TransitGatewayAttachment),
    L::resource("aws_dx_gateway_association", K::TransitGatewayAttachment),
    L::resource("aws_ram_resource_share", K::ResourceShare),
    L::resource("aws_ram_resource_association", K::ResourceShare),
    L::resource("aws_ram_principal_association", K::ResourceShare),
    L::resource("aws_organizations_organization", K::OrganizationalUnit),
    L::resource(
        "aws_organizations_organizational_unit",
        K::OrganizationalUnit,
    ),
    L::resource("aws_organizations_account", K::Account),
    L::resource("aws_vpc_peering_connection", K::VpcPeeringConnection),
    L::resource(
        "aws_vpc_peering_connection_accepter",
        K::VpcPeeringConnection,
    ),
    L::resource("aws_security_group", K::SecurityGroup),
    L::resource("aws_default_security_group", K::SecurityGroup),
    L::resource("aws_security_group_rule", K::SecurityGroupRule),
    L::resource("aws_vpc_security_group_egress_rule", K::SecurityGroupRule),
    L::resource("aws_vpc_security_group_ingress_rule", K::SecurityGroupRule),
    L::resource("aws_network_acl", K::NetworkAcl),
    L::via("aws_network_acl", K::NetworkAclEntry, O::Part),
    L::via("aws_network_acl", K::SubnetNetworkAclAssociation, O::Part),
    L::resource("aws_default_network_acl", K::NetworkAcl),
    L::via("aws_default_network_acl", K::NetworkAclEntry, O::Part),
    L::via(
        "aws_default_network_acl",
        K::SubnetNetworkAclAssociation,
        O::Part,
    ),
    L::resource("aws_network_acl_rule", K::NetworkAclEntry),
    L::resource(
        "aws_network_acl_association",
        K::SubnetNetworkAclAssociation,
    ),
    // --- endpoints and filtering services ---
    L::resource("aws_vpc_endpoint", K::VpcEndpoint),
    L::via(
        "aws_vpc_endpoint_route_table_association",
        K::VpcEndpoint,
        O::Link,
    ),
    L::via(
        "aws_vpc_endpoint_subnet_association",
        K::VpcEndpoint,
        O::Link,
    ),
    L::via(
        "aws_vpc_endpoint_security_group_association",
        K::VpcEndpoint,
        O::Link,
    ),
    L::via("aws_vpc_endpoint_policy", K::VpcEndpoint, O::Link),
    L::resource("aws_networkfirewall_firewall", K::NetworkFirewall),
    L::resource(
        "aws_networkfirewall_firewall_policy",
        K::NetworkFirewallPolicy,
    ),
    L::resource(
        "aws_networkfirewall_rule_group",
        K::NetworkFirewallRuleGroup,
    ),
    L::resource(
        "aws_route53_resolver_firewall_rule_group_association",
        K::ResolverFirewallRuleGroupAssociation,
    ),
    // --- instances ---
    L::resource("aws_network_interface", K::NetworkInterface),
    L::resource("aws_instance", K::Instance),
    // --- SageMaker ---
    L::resource("aws_sagemaker_notebook_instance", K::NotebookInstance),
    L::resource("aws_sagemaker_domain", K::Domain),
    L::resource("aws_sagemaker_user_profile", K::UserProfile),
    L::resource("aws_sagemaker_space", K::Space),
    L::resource("aws_sagemaker_app", K::App),
    L::resource("aws_sagemaker_model", K::Model),
    L::resource("aws_sagemaker_endpoint_configuration", K::EndpointConfig),
    L::resource("aws_sagemaker_data_quality_job_definition", K::Job),
    L::resource("aws_sagemaker_model_quality_job_definition", K::Job),
    L::resource("aws_sagemaker_model_bias_job_definition", K::Job),
    L::resource("aws_sagemaker_model_explainability_job_definition", K::Job),
    L::resource("aws_sagemaker_pipeline", K::Pipeline),
    L::via("aws_sagemaker_pipeline", K::Job, O::PipelineStep),
    L::via("aws_sagemaker_pipeline", K::Model, O::PipelineStep),
    L::resource("aws_sagemaker_feature_group", K::FeatureGroup),
    // --- Step Functions ---
    L::via("aws_sfn_state_machine", K::Job, O::StateMachineTask),
    L::via("aws_sfn_state_machine", K::Model, O::StateMachineTask),
    L::via(
        "aws_sfn_state_machine",
        K::EndpointConfig,
        O::StateMachineTask,
    ),
    // --- IAM and data ---
    L::resource("aws_iam_role", K::Role),
    L::via("aws_iam_role", K::IamPolicy, O::Part),
    L::resource("aws_iam_role_policy", K::IamPolicy),
    L::resource("aws_iam_user_policy", K::IamPolicy),
    L::resource("aws_iam_group_policy", K::IamPolicy),
    L::resource("aws_iam_policy", K::IamPolicy),
    L::via("aws_iam_role_policy_attachment", K::IamPolicy, O::Link),
    L::via("aws_iam_role_policy_attachment", K::Role, O::Link),
    L::via("aws_iam_user_policy_attachment", K::IamPolicy, O::Link),
    L::via("aws_iam_group_policy_attachment", K::IamPolicy, O::Link),
    L::via("aws_iam_policy_attachment", K::IamPolicy, O::Link),
    L::via("aws_iam_policy_attachment", K::Role, O::Link),
    L::resource("aws_organizations_policy", K::IamPolicy),
    L::via("aws_organizations_policy_attachment", K::IamPolicy, O::Link),
    L::resource("aws_s3_bucket", K::Bucket),
    L::resource("aws_s3_bucket_policy", K::IamPolicy),
    // --- code run at apply time: kept as custom `Other`, each an EP903 of the analysis ---
    L::resource("aws_lambda_invocation", K::Other),
    L::resource("aws_cloudformation_stack", K::Other),
    // Read for its execution role: the function an invocation calls is judged by what its
    // role may do.
    L::resource("aws_lambda_function", K::Other),
];

#[cfg(test)]
mod tests {
    use super::COVERAGE;
    use crate::lower::{lower, Args, Ctx};
    use crate::val::Val;
    use egressproof_model::coverage_check::{
        names_without_row, rows_disagreeing, type_names_in, unlisted_disagreeing, Lowered,
    };
    use egressproof_model::{Ident, Span};

    /// The arguments a type needs before its arm yields its kind (most need none: a missing
    /// argument is an unknown, not a different kind).
    fn minimal(type_name: &str) -> Args {
        let mut a = Args::new();
        if type_name == "aws_security_group_rule" {
            // A rule without any peer yields no rule at all.
            a.insert(
                "cidr_blocks".into(),
                Val::List(vec![Val::Str("0.0.0.0/0".into())]),
            );
        }
        // A VPN connection or a Direct Connect association is a transit gateway's attachment
        // only when it names one.
        if type_name == "aws_vpn_connection" {
            a.insert("transit_gateway_id".into(), Val::Str("tgw-1".into()));
        }
        if type_name == "aws_dx_gateway_association" {
            a.insert("associated_gateway_id".into(), Val::Str("tgw-1".into()));
        }
        if type_name == "aws_iam_policy_attachment" {
            // Links are made per principal named.
            a.insert("roles".into(), Val::List(vec![Val::Str("r".into())]));
        }
        a
    }

    fn lowered(type_name: &str) -> Lowered {
        let args = minimal(type_name);
        let ctx = Ctx {
            id: Ident::new(format!("{type_name}.x")),
            name: "x".into(),
            type_name: type_name.into(),
            span: Span::default(),
            args: &args,
        };
        let (out, links) = lower(&ctx);
        Lowered {
            first: out.first().map(|r| r.kind.tag()),
            resources: out.len(),
            links: links.iter().filter(|l| l.adds_to_another()).count(),
        }
    }

    #[test]
    fn every_listed_type_lowers_to_its_kind() {
        let problems = rows_disagreeing(COVERAGE, lowered);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// A whole type name after `aws_`: lowercase words joined by `_`, not a prefix such as
    /// `"aws_iam_"` that the lowering matches a family on.
    fn is_full(rest: &str) -> bool {
        rest.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !rest.ends_with('_')
    }

    /// Every full type name the lowering's source spells out (`"aws_vpc"`), with its file, so
    /// that an arm added without its row fails here.
    fn types_in_lowering_source() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lower");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("src/lower is readable")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("source is readable");
            let file = f.display().to_string();
            out.extend(
                type_names_in(&text, "aws_", is_full)
                    .into_iter()
                    .map(|t| (t, file.clone())),
            );
        }
        out
    }

    #[test]
    fn every_type_the_lowering_names_is_listed() {
        let problems = names_without_row(COVERAGE, &types_in_lowering_source(), &[]);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn an_unlisted_type_lowers_to_other() {
        let unlisted = [
            "aws_sqs_queue",
            "aws_sfn_activity",
            "aws_sagemaker_workteam",
            "aws_s3_object",
            "aws_iam_user",
        ];
        let problems = unlisted_disagreeing(COVERAGE, &unlisted, lowered);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
