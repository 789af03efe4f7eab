//! The CloudFormation resource types this loader lowers, and the model kinds each becomes: the
//! CloudFormation column of `docs/coverage.md`. A test below checks the table against the
//! lowering itself, so adding an arm without its row (or a row without its arm) fails.

use egressproof_model::{KindTag as K, Lowering as L, Origin as O};

/// Every resource type with an arm in the lowering, and what it yields.
pub const COVERAGE: &[L] = &[
    // --- network ---
    L::resource("AWS::EC2::VPC", K::Vpc),
    L::resource("AWS::EC2::VPCCidrBlock", K::VpcCidrBlock),
    L::resource("AWS::EC2::Subnet", K::Subnet),
    L::resource("AWS::EC2::RouteTable", K::RouteTable),
    L::resource("AWS::EC2::Route", K::Route),
    L::resource(
        "AWS::EC2::SubnetRouteTableAssociation",
        K::SubnetRouteTableAssociation,
    ),
    L::resource("AWS::EC2::InternetGateway", K::InternetGateway),
    L::resource(
        "AWS::EC2::EgressOnlyInternetGateway",
        K::EgressOnlyInternetGateway,
    ),
    L::resource("AWS::EC2::VPNGateway", K::VpnGateway),
    L::resource("AWS::EC2::CarrierGateway", K::CarrierGateway),
    L::resource("AWS::EC2::VPCGatewayAttachment", K::GatewayAttachment),
    L::resource(
        "AWS::EC2::VPNGatewayRoutePropagation",
        K::VpnGatewayRoutePropagation,
    ),
    L::resource("AWS::EC2::NatGateway", K::NatGateway),
    L::resource("AWS::EC2::EIP", K::ElasticIp),
    L::resource("AWS::EC2::EIPAssociation", K::ElasticIp),
    L::resource("AWS::EC2::TransitGateway", K::TransitGateway),
    L::resource(
        "AWS::EC2::TransitGatewayAttachment",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "AWS::EC2::TransitGatewayVpcAttachment",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "AWS::EC2::TransitGatewayRouteTable",
        K::TransitGatewayRouteTable,
    ),
    L::resource("AWS::EC2::TransitGatewayRoute", K::TransitGatewayRoute),
    L::resource(
        "AWS::EC2::TransitGatewayRouteTableAssociation",
        K::TransitGatewayRouteTableAssociation,
    ),
    L::resource(
        "AWS::EC2::TransitGatewayRouteTablePropagation",
        K::TransitGatewayRouteTablePropagation,
    ),
    L::resource(
        "AWS::EC2::TransitGatewayPeeringAttachment",
        K::TransitGatewayAttachment,
    ),
    L::resource(
        "AWS::EC2::TransitGatewayConnect",
        K::TransitGatewayAttachment,
    ),
    L::resource("AWS::EC2::VPNConnection", K::TransitGatewayAttachment),
    L::resource("AWS::RAM::ResourceShare", K::ResourceShare),
    L::resource("AWS::Organizations::Organization", K::OrganizationalUnit),
    L::resource(
        "AWS::Organizations::OrganizationalUnit",
        K::OrganizationalUnit,
    ),
    L::resource("AWS::Organizations::Account", K::Account),
    L::resource("AWS::EC2::VPCPeeringConnection", K::VpcPeeringConnection),
    L::resource("AWS::EC2::SecurityGroup", K::SecurityGroup),
    L::resource("AWS::EC2::SecurityGroupEgress", K::SecurityGroupRule),
    L::resource("AWS::EC2::SecurityGroupIngress", K::SecurityGroupRule),
    L::resource("AWS::EC2::NetworkAcl", K::NetworkAcl),
    L::resource("AWS::EC2::NetworkAclEntry", K::NetworkAclEntry),
    L::resource(
        "AWS::EC2::SubnetNetworkAclAssociation",
        K::SubnetNetworkAclAssociation,
    ),
    // --- endpoints and filtering services ---
    L::resource("AWS::EC2::VPCEndpoint", K::VpcEndpoint),
    L::resource("AWS::NetworkFirewall::Firewall", K::NetworkFirewall),
    L::resource(
        "AWS::NetworkFirewall::FirewallPolicy",
        K::NetworkFirewallPolicy,
    ),
    L::resource(
        "AWS::NetworkFirewall::RuleGroup",
        K::NetworkFirewallRuleGroup,
    ),
    L::resource(
        "AWS::Route53Resolver::FirewallRuleGroupAssociation",
        K::ResolverFirewallRuleGroupAssociation,
    ),
    // --- instances ---
    L::resource("AWS::EC2::NetworkInterface", K::NetworkInterface),
    L::resource("AWS::EC2::Instance", K::Instance),
    // --- SageMaker ---
    L::resource("AWS::SageMaker::NotebookInstance", K::NotebookInstance),
    L::resource("AWS::SageMaker::Domain", K::Domain),
    L::resource("AWS::SageMaker::UserProfile", K::UserProfile),
    L::resource("AWS::SageMaker::Space", K::Space),
    L::resource("AWS::SageMaker::App", K::App),
    L::resource("AWS::SageMaker::Model", K::Model),
    L::resource("AWS::SageMaker::EndpointConfig", K::EndpointConfig),
    L::resource("AWS::SageMaker::ProcessingJob", K::Job),
    L::resource("AWS::SageMaker::DataQualityJobDefinition", K::Job),
    L::resource("AWS::SageMaker::ModelQualityJobDefinition", K::Job),
    L::resource("AWS::SageMaker::ModelBiasJobDefinition", K::Job),
    L::resource("AWS::SageMaker::ModelExplainabilityJobDefinition", K::Job),
    L::resource("AWS::SageMaker::MonitoringSchedule", K::Job),
    L::resource("AWS::SageMaker::Pipeline", K::Pipeline),
    L::via("AWS::SageMaker::Pipeline", K::Job, O::PipelineStep),
    L::via("AWS::SageMaker::Pipeline", K::Model, O::PipelineStep),
    L::resource("AWS::SageMaker::FeatureGroup", K::FeatureGroup),
    // --- Step Functions ---
    L::via(
        "AWS::StepFunctions::StateMachine",
        K::Job,
        O::StateMachineTask,
    ),
    L::via(
        "AWS::StepFunctions::StateMachine",
        K::Model,
        O::StateMachineTask,
    ),
    L::via(
        "AWS::StepFunctions::StateMachine",
        K::EndpointConfig,
        O::StateMachineTask,
    ),
    // --- IAM and data ---
    L::resource("AWS::IAM::Role", K::Role),
    L::via("AWS::IAM::Role", K::IamPolicy, O::Part),
    L::via("AWS::IAM::User", K::IamPolicy, O::Part),
    L::via("AWS::IAM::Group", K::IamPolicy, O::Part),
    L::resource("AWS::IAM::Policy", K::IamPolicy),
    L::resource("AWS::IAM::ManagedPolicy", K::IamPolicy),
    L::resource("AWS::Organizations::Policy", K::IamPolicy),
    L::resource("AWS::S3::BucketPolicy", K::IamPolicy),
    L::resource("AWS::S3::Bucket", K::Bucket),
    // Read for its execution role: a custom resource whose ServiceToken is this function is
    // judged by what that role may do.
    L::resource("AWS::Lambda::Function", K::Other),
];

#[cfg(test)]
mod tests {
    use super::COVERAGE;
    use crate::lower::{lower_kind, Cx};
    use egressproof_model::coverage_check::{
        names_without_row, rows_disagreeing, type_names_in, unlisted_disagreeing, Lowered,
    };
    use egressproof_model::{Ident, Span, Value};

    /// Types the lowering names without giving them a kind: nested stacks (their resources are
    /// loaded instead) and SSM parameters (only their names are read, to join environments).
    const NOT_A_KIND: &[&str] = &["AWS::CloudFormation::Stack", "AWS::SSM::Parameter"];

    /// The properties a type needs before its arm yields its kind (most need none: a missing
    /// property is an unknown, not a different kind).
    fn minimal(type_name: &str) -> Value {
        let json = match type_name {
            // Only service control policies are guardrails; other policy types are `Other`.
            "AWS::Organizations::Policy" => r#"{"Type": "SERVICE_CONTROL_POLICY"}"#,
            // A VPN connection is a transit gateway's attachment only when it names one.
            "AWS::EC2::VPNConnection" => r#"{"TransitGatewayId": "tgw-1"}"#,
            // A schedule without a job definition refers to one declared elsewhere.
            "AWS::SageMaker::MonitoringSchedule" => {
                r#"{"MonitoringScheduleConfig": {"MonitoringJobDefinition": {}}}"#
            }
            _ => "{}",
        };
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        Value::from(v)
    }

    /// One resource of its kind plus the extra ones its arm adds; the CloudFormation lowering
    /// makes no links (every reference stays a property of the resource that holds it).
    fn lowered(type_name: &str) -> Lowered {
        let id = Ident::new("X");
        let span = Span::default();
        let cx = Cx {
            id: &id,
            name: "X",
            span: &span,
            type_name,
        };
        let mut extra = Vec::new();
        let kind = lower_kind(&cx, &minimal(type_name), &mut extra);
        Lowered {
            first: Some(kind.tag()),
            resources: 1 + extra.len(),
            links: 0,
        }
    }

    #[test]
    fn every_listed_type_lowers_to_its_kind() {
        let problems = rows_disagreeing(COVERAGE, lowered);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn an_unlisted_type_lowers_to_other() {
        let unlisted = [
            "AWS::SQS::Queue",
            "AWS::StepFunctions::Activity",
            "AWS::SageMaker::Workteam",
            "AWS::S3::AccessPoint",
        ];
        let problems = unlisted_disagreeing(COVERAGE, &unlisted, lowered);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// A whole type name after `AWS::` is two alphanumeric parts (`EC2::VPC`).
    fn is_full(rest: &str) -> bool {
        let parts: Vec<_> = rest.split("::").collect();
        parts.len() == 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
    }

    /// Every full type name the lowering's source spells out (`"AWS::EC2::VPC"`), with its
    /// file, so that an arm added without its row fails here.
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
                type_names_in(&text, "AWS::", is_full)
                    .into_iter()
                    .map(|t| (t, file.clone())),
            );
        }
        out
    }

    #[test]
    fn every_type_the_lowering_names_is_listed() {
        let problems = names_without_row(COVERAGE, &types_in_lowering_source(), NOT_A_KIND);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
