//! The API operations a live snapshot calls, and the model kinds each reads: the live column of
//! `docs/coverage.md`. Pure data, so that it compiles (and its test runs) without the `live`
//! feature; the test checks it against the operation names the readers pass to the SDK.

use egressproof_model::{KindTag as K, Lowering as L, Origin as O};

/// Every operation a reader calls, with each kind it yields (an operation can yield several:
/// `ec2:DescribeRouteTables` answers with the routes and associations of each table).
pub const COVERAGE: &[L] = &[
    // --- network (ec2.rs) ---
    L::resource("ec2:DescribeVpcs", K::Vpc),
    L::resource("ec2:DescribeVpcs", K::VpcCidrBlock),
    L::resource("ec2:DescribeSubnets", K::Subnet),
    L::resource("ec2:DescribeRouteTables", K::RouteTable),
    L::resource("ec2:DescribeRouteTables", K::Route),
    L::resource("ec2:DescribeRouteTables", K::SubnetRouteTableAssociation),
    L::resource("ec2:DescribeRouteTables", K::MainRouteTableAssociation),
    L::resource("ec2:DescribeInternetGateways", K::InternetGateway),
    L::resource("ec2:DescribeInternetGateways", K::GatewayAttachment),
    L::resource(
        "ec2:DescribeEgressOnlyInternetGateways",
        K::EgressOnlyInternetGateway,
    ),
    L::resource("ec2:DescribeVpnGateways", K::VpnGateway),
    L::resource("ec2:DescribeVpnGateways", K::GatewayAttachment),
    L::resource("ec2:DescribeNatGateways", K::NatGateway),
    L::resource("ec2:DescribeSecurityGroups", K::SecurityGroup),
    L::resource("ec2:DescribeNetworkAcls", K::NetworkAcl),
    L::resource("ec2:DescribeNetworkAcls", K::NetworkAclEntry),
    L::resource("ec2:DescribeNetworkAcls", K::SubnetNetworkAclAssociation),
    L::resource("ec2:DescribeVpcEndpoints", K::VpcEndpoint),
    L::resource("ec2:DescribeVpcPeeringConnections", K::VpcPeeringConnection),
    L::resource(
        "ec2:DescribeTransitGatewayVpcAttachments",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "ec2:DescribeTransitGatewayRouteTables",
        K::TransitGatewayRouteTable,
    ),
    L::resource(
        "ec2:GetTransitGatewayRouteTableAssociations",
        K::TransitGatewayRouteTableAssociation,
    ),
    L::resource("ec2:DescribeTransitGateways", K::TransitGateway),
    L::resource(
        "ec2:DescribeTransitGatewayAttachments",
        K::TransitGatewayAttachment,
    ),
    L::resource("ec2:SearchTransitGatewayRoutes", K::TransitGatewayRoute),
    L::resource(
        "ec2:GetTransitGatewayRouteTablePropagations",
        K::TransitGatewayRouteTablePropagation,
    ),
    // --- SageMaker (sagemaker.rs) ---
    L::resource("sagemaker:ListNotebookInstances", K::NotebookInstance),
    L::resource("sagemaker:DescribeNotebookInstance", K::NotebookInstance),
    L::resource("sagemaker:ListDomains", K::Domain),
    L::resource("sagemaker:DescribeDomain", K::Domain),
    L::resource("sagemaker:ListUserProfiles", K::UserProfile),
    L::resource("sagemaker:DescribeUserProfile", K::UserProfile),
    L::resource("sagemaker:ListSpaces", K::Space),
    L::resource("sagemaker:DescribeSpace", K::Space),
    L::resource("sagemaker:ListModels", K::Model),
    L::resource("sagemaker:DescribeModel", K::Model),
    L::resource("sagemaker:ListEndpointConfigs", K::EndpointConfig),
    L::resource("sagemaker:DescribeEndpointConfig", K::EndpointConfig),
    L::resource("sagemaker:ListTrainingJobs", K::Job),
    L::resource("sagemaker:DescribeTrainingJob", K::Job),
    L::resource("sagemaker:ListProcessingJobs", K::Job),
    L::resource("sagemaker:DescribeProcessingJob", K::Job),
    L::resource("sagemaker:ListMonitoringSchedules", K::Job),
    L::resource("sagemaker:DescribeMonitoringSchedule", K::Job),
    L::resource("sagemaker:DescribeDataQualityJobDefinition", K::Job),
    L::resource("sagemaker:DescribeModelQualityJobDefinition", K::Job),
    L::resource("sagemaker:DescribeModelBiasJobDefinition", K::Job),
    L::resource("sagemaker:DescribeModelExplainabilityJobDefinition", K::Job),
    L::resource("sagemaker:ListFeatureGroups", K::FeatureGroup),
    L::resource("sagemaker:DescribeFeatureGroup", K::FeatureGroup),
    // --- IAM (iam.rs) ---
    L::resource("iam:ListRoles", K::Role),
    L::resource("iam:ListPolicies", K::IamPolicy),
    L::resource("iam:GetPolicyVersion", K::IamPolicy),
    L::resource("iam:ListUsers", K::IamPolicy),
    L::resource("iam:ListGroups", K::IamPolicy),
    L::resource("iam:ListRolePolicies", K::IamPolicy),
    L::resource("iam:ListUserPolicies", K::IamPolicy),
    L::resource("iam:ListGroupPolicies", K::IamPolicy),
    L::resource("iam:GetRolePolicy", K::IamPolicy),
    L::resource("iam:GetUserPolicy", K::IamPolicy),
    L::resource("iam:GetGroupPolicy", K::IamPolicy),
    L::via("iam:ListAttachedRolePolicies", K::IamPolicy, O::Link),
    L::via("iam:ListAttachedRolePolicies", K::Role, O::Link),
    L::via("iam:ListAttachedUserPolicies", K::IamPolicy, O::Link),
    L::via("iam:ListAttachedGroupPolicies", K::IamPolicy, O::Link),
    // --- Organizations (orgs.rs) ---
    L::resource("organizations:ListPolicies", K::IamPolicy),
    L::resource("organizations:DescribePolicy", K::IamPolicy),
    L::via("organizations:ListTargetsForPolicy", K::IamPolicy, O::Link),
    L::resource("organizations:ListRoots", K::OrganizationalUnit),
    L::resource(
        "organizations:ListOrganizationalUnitsForParent",
        K::OrganizationalUnit,
    ),
    L::resource("organizations:ListAccountsForParent", K::Account),
];

#[cfg(test)]
mod tests {
    use super::COVERAGE;
    use std::collections::BTreeSet;

    /// The readers' sources: the operation each passes to the SDK is written out as
    /// `"service:Operation"` (the name its EP904 diagnostic carries when the call fails).
    const READERS: &[(&str, &str)] = &[
        ("ec2.rs", include_str!("read/ec2.rs")),
        ("sagemaker.rs", include_str!("read/sagemaker.rs")),
        ("iam.rs", include_str!("read/iam.rs")),
        ("orgs.rs", include_str!("read/orgs.rs")),
        ("mod.rs", include_str!("read/mod.rs")),
    ];

    fn operations_in(text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let Some((service, op)) = lit.split_once(':') else {
                continue;
            };
            let service_ok = !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            let op_ok = op.starts_with(|c: char| c.is_ascii_uppercase())
                && op.chars().all(|c| c.is_ascii_alphanumeric());
            if service_ok && op_ok {
                out.insert(lit.to_string());
            }
        }
        out
    }

    #[test]
    fn the_table_names_exactly_the_operations_the_readers_call() {
        let called: BTreeSet<String> = READERS
            .iter()
            .flat_map(|(_, text)| operations_in(text))
            .collect();
        let listed: BTreeSet<String> = COVERAGE.iter().map(|r| r.input.to_string()).collect();
        assert!(called.len() > 40, "the source scan found only {called:?}");
        let unlisted: Vec<_> = called.difference(&listed).collect();
        let stale: Vec<_> = listed.difference(&called).collect();
        assert!(
            unlisted.is_empty(),
            "called but not in COVERAGE: {unlisted:?}"
        );
        assert!(stale.is_empty(), "in COVERAGE but never called: {stale:?}");
    }
}
