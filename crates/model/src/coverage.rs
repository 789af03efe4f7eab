//! What each input format can say about the model: the name of every [`Kind`] as a value
//! ([`KindTag`]), and the row type of the coverage tables that the CloudFormation and Terraform
//! loaders and the live reader each publish ([`Lowering`]).
//!
//! The tables are data, not code, so that a test can compare them across formats (a type one
//! loader reads and another cannot is either a gap or has a stated reason) and generate
//! `docs/coverage.md` from them; each loader's own tests check that its dispatcher agrees with
//! its table.

use crate::Kind;

/// A [`Kind`] without its fields: what the coverage tables and their documentation name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KindTag {
    Vpc,
    VpcCidrBlock,
    Subnet,
    RouteTable,
    Route,
    SubnetRouteTableAssociation,
    MainRouteTableAssociation,
    InternetGateway,
    EgressOnlyInternetGateway,
    VpnGateway,
    CarrierGateway,
    GatewayAttachment,
    VpnGatewayRoutePropagation,
    NatGateway,
    ElasticIp,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    TransitGatewayRoute,
    TransitGatewayRouteTableAssociation,
    TransitGatewayRouteTablePropagation,
    ResourceShare,
    VpcPeeringConnection,
    SecurityGroup,
    SecurityGroupRule,
    NetworkAcl,
    NetworkAclEntry,
    SubnetNetworkAclAssociation,
    VpcEndpoint,
    NetworkFirewall,
    NetworkFirewallPolicy,
    NetworkFirewallRuleGroup,
    ResolverFirewallRuleGroupAssociation,
    NetworkInterface,
    Instance,
    NotebookInstance,
    Domain,
    UserProfile,
    Space,
    App,
    Model,
    EndpointConfig,
    Job,
    Pipeline,
    FeatureGroup,
    Role,
    IamPolicy,
    Bucket,
    OrganizationalUnit,
    Account,
    /// Kept last: [`KindTag::ALL`] is checked against the discriminants up to this one.
    Other,
}

impl KindTag {
    /// Every tag, in the order of [`Kind`]'s variants.
    pub const ALL: &'static [KindTag] = &[
        KindTag::Vpc,
        KindTag::VpcCidrBlock,
        KindTag::Subnet,
        KindTag::RouteTable,
        KindTag::Route,
        KindTag::SubnetRouteTableAssociation,
        KindTag::MainRouteTableAssociation,
        KindTag::InternetGateway,
        KindTag::EgressOnlyInternetGateway,
        KindTag::VpnGateway,
        KindTag::CarrierGateway,
        KindTag::GatewayAttachment,
        KindTag::VpnGatewayRoutePropagation,
        KindTag::NatGateway,
        KindTag::ElasticIp,
        KindTag::TransitGateway,
        KindTag::TransitGatewayAttachment,
        KindTag::TransitGatewayRouteTable,
        KindTag::TransitGatewayRoute,
        KindTag::TransitGatewayRouteTableAssociation,
        KindTag::TransitGatewayRouteTablePropagation,
        KindTag::ResourceShare,
        KindTag::VpcPeeringConnection,
        KindTag::SecurityGroup,
        KindTag::SecurityGroupRule,
        KindTag::NetworkAcl,
        KindTag::NetworkAclEntry,
        KindTag::SubnetNetworkAclAssociation,
        KindTag::VpcEndpoint,
        KindTag::NetworkFirewall,
        KindTag::NetworkFirewallPolicy,
        KindTag::NetworkFirewallRuleGroup,
        KindTag::ResolverFirewallRuleGroupAssociation,
        KindTag::NetworkInterface,
        KindTag::Instance,
        KindTag::NotebookInstance,
        KindTag::Domain,
        KindTag::UserProfile,
        KindTag::Space,
        KindTag::App,
        KindTag::Model,
        KindTag::EndpointConfig,
        KindTag::Job,
        KindTag::Pipeline,
        KindTag::FeatureGroup,
        KindTag::Role,
        KindTag::IamPolicy,
        KindTag::Bucket,
        KindTag::OrganizationalUnit,
        KindTag::Account,
        KindTag::Other,
    ];

    /// The variant's name, as written in the code (`SecurityGroup`).
    pub fn name(self) -> &'static str {
        match self {
            KindTag::Vpc => "Vpc",
            KindTag::VpcCidrBlock => "VpcCidrBlock",
            KindTag::Subnet => "Subnet",
            KindTag::RouteTable => "RouteTable",
            KindTag::Route => "Route",
            KindTag::SubnetRouteTableAssociation => "SubnetRouteTableAssociation",
            KindTag::MainRouteTableAssociation => "MainRouteTableAssociation",
            KindTag::InternetGateway => "InternetGateway",
            KindTag::EgressOnlyInternetGateway => "EgressOnlyInternetGateway",
            KindTag::VpnGateway => "VpnGateway",
            KindTag::CarrierGateway => "CarrierGateway",
            KindTag::GatewayAttachment => "GatewayAttachment",
            KindTag::VpnGatewayRoutePropagation => "VpnGatewayRoutePropagation",
            KindTag::NatGateway => "NatGateway",
            KindTag::ElasticIp => "ElasticIp",
            KindTag::TransitGateway => "TransitGateway",
            KindTag::TransitGatewayAttachment => "TransitGatewayAttachment",
            KindTag::TransitGatewayRouteTable => "TransitGatewayRouteTable",
            KindTag::TransitGatewayRoute => "TransitGatewayRoute",
            KindTag::TransitGatewayRouteTableAssociation => "TransitGatewayRouteTableAssociation",
            KindTag::TransitGatewayRouteTablePropagation => "TransitGatewayRouteTablePropagation",
            KindTag::ResourceShare => "ResourceShare",
            KindTag::VpcPeeringConnection => "VpcPeeringConnection",
            KindTag::SecurityGroup => "SecurityGroup",
            KindTag::SecurityGroupRule => "SecurityGroupRule",
            KindTag::NetworkAcl => "NetworkAcl",
            KindTag::NetworkAclEntry => "NetworkAclEntry",
            KindTag::SubnetNetworkAclAssociation => "SubnetNetworkAclAssociation",
            KindTag::VpcEndpoint => "VpcEndpoint",
            KindTag::NetworkFirewall => "NetworkFirewall",
            KindTag::NetworkFirewallPolicy => "NetworkFirewallPolicy",
            KindTag::NetworkFirewallRuleGroup => "NetworkFirewallRuleGroup",
            KindTag::ResolverFirewallRuleGroupAssociation => "ResolverFirewallRuleGroupAssociation",
            KindTag::NetworkInterface => "NetworkInterface",
            KindTag::Instance => "Instance",
            KindTag::NotebookInstance => "NotebookInstance",
            KindTag::Domain => "Domain",
            KindTag::UserProfile => "UserProfile",
            KindTag::Space => "Space",
            KindTag::App => "App",
            KindTag::Model => "Model",
            KindTag::EndpointConfig => "EndpointConfig",
            KindTag::Job => "Job",
            KindTag::Pipeline => "Pipeline",
            KindTag::FeatureGroup => "FeatureGroup",
            KindTag::Role => "Role",
            KindTag::IamPolicy => "IamPolicy",
            KindTag::Bucket => "Bucket",
            KindTag::OrganizationalUnit => "OrganizationalUnit",
            KindTag::Account => "Account",
            KindTag::Other => "Other",
        }
    }
}

impl Kind {
    /// Which variant this is, without its fields.
    pub fn tag(&self) -> KindTag {
        match self {
            Kind::Vpc(_) => KindTag::Vpc,
            Kind::VpcCidrBlock(_) => KindTag::VpcCidrBlock,
            Kind::Subnet(_) => KindTag::Subnet,
            Kind::RouteTable(_) => KindTag::RouteTable,
            Kind::Route(_) => KindTag::Route,
            Kind::SubnetRouteTableAssociation(_) => KindTag::SubnetRouteTableAssociation,
            Kind::MainRouteTableAssociation(_) => KindTag::MainRouteTableAssociation,
            Kind::InternetGateway(_) => KindTag::InternetGateway,
            Kind::EgressOnlyInternetGateway(_) => KindTag::EgressOnlyInternetGateway,
            Kind::VpnGateway(_) => KindTag::VpnGateway,
            Kind::CarrierGateway(_) => KindTag::CarrierGateway,
            Kind::GatewayAttachment(_) => KindTag::GatewayAttachment,
            Kind::VpnGatewayRoutePropagation(_) => KindTag::VpnGatewayRoutePropagation,
            Kind::NatGateway(_) => KindTag::NatGateway,
            Kind::ElasticIp(_) => KindTag::ElasticIp,
            Kind::TransitGateway(_) => KindTag::TransitGateway,
            Kind::TransitGatewayAttachment(_) => KindTag::TransitGatewayAttachment,
            Kind::TransitGatewayRouteTable(_) => KindTag::TransitGatewayRouteTable,
            Kind::TransitGatewayRoute(_) => KindTag::TransitGatewayRoute,
            Kind::TransitGatewayRouteTableAssociation(_) => {
                KindTag::TransitGatewayRouteTableAssociation
            }
            Kind::TransitGatewayRouteTablePropagation(_) => {
                KindTag::TransitGatewayRouteTablePropagation
            }
            Kind::ResourceShare(_) => KindTag::ResourceShare,
            Kind::VpcPeeringConnection(_) => KindTag::VpcPeeringConnection,
            Kind::SecurityGroup(_) => KindTag::SecurityGroup,
            Kind::SecurityGroupRule(_) => KindTag::SecurityGroupRule,
            Kind::NetworkAcl(_) => KindTag::NetworkAcl,
            Kind::NetworkAclEntry(_) => KindTag::NetworkAclEntry,
            Kind::SubnetNetworkAclAssociation(_) => KindTag::SubnetNetworkAclAssociation,
            Kind::VpcEndpoint(_) => KindTag::VpcEndpoint,
            Kind::NetworkFirewall(_) => KindTag::NetworkFirewall,
            Kind::NetworkFirewallPolicy(_) => KindTag::NetworkFirewallPolicy,
            Kind::NetworkFirewallRuleGroup(_) => KindTag::NetworkFirewallRuleGroup,
            Kind::ResolverFirewallRuleGroupAssociation(_) => {
                KindTag::ResolverFirewallRuleGroupAssociation
            }
            Kind::NetworkInterface(_) => KindTag::NetworkInterface,
            Kind::Instance(_) => KindTag::Instance,
            Kind::NotebookInstance(_) => KindTag::NotebookInstance,
            Kind::Domain(_) => KindTag::Domain,
            Kind::UserProfile(_) => KindTag::UserProfile,
            Kind::Space(_) => KindTag::Space,
            Kind::App(_) => KindTag::App,
            Kind::Model(_) => KindTag::Model,
            Kind::EndpointConfig(_) => KindTag::EndpointConfig,
            Kind::Job(_) => KindTag::Job,
            Kind::Pipeline(_) => KindTag::Pipeline,
            Kind::FeatureGroup(_) => KindTag::FeatureGroup,
            Kind::Role(_) => KindTag::Role,
            Kind::IamPolicy(_) => KindTag::IamPolicy,
            Kind::Bucket(_) => KindTag::Bucket,
            Kind::OrganizationalUnit(_) => KindTag::OrganizationalUnit,
            Kind::Account(_) => KindTag::Account,
            Kind::Other(_) => KindTag::Other,
        }
    }
}

/// How an input type (or a live API operation) gives rise to resources of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The type itself becomes a resource of the kind (at most one such row per type; a type
    /// without one lowers to [`Kind::Other`]).
    Resource,
    /// A block or property of the type becomes resources of the kind (inline routes, ACL
    /// entries, inline policies, a gateway's attachment).
    Part,
    /// The type adds to a resource of the kind declared elsewhere (an endpoint's route table
    /// association, a policy attachment).
    Link,
    /// A step of a SageMaker pipeline definition.
    PipelineStep,
    /// A SageMaker task of a Step Functions state machine.
    StateMachineTask,
}

impl Origin {
    /// Declared resources, their parts and links are one way of saying a kind; a pipeline step
    /// or a state machine task is another, compared across formats on its own.
    pub fn channel(self) -> Origin {
        match self {
            Origin::Resource | Origin::Part | Origin::Link => Origin::Resource,
            other => other,
        }
    }
}

/// One row of a coverage table: an input type (`AWS::EC2::Subnet`, `aws_subnet`) or a live API
/// operation (`ec2:DescribeSubnets`), a kind it yields, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lowering {
    pub input: &'static str,
    pub kind: KindTag,
    pub origin: Origin,
}

impl Lowering {
    /// The type itself becomes a resource of `kind`.
    pub const fn resource(input: &'static str, kind: KindTag) -> Lowering {
        Lowering {
            input,
            kind,
            origin: Origin::Resource,
        }
    }

    /// A row with another [`Origin`].
    pub const fn via(input: &'static str, kind: KindTag, origin: Origin) -> Lowering {
        Lowering {
            input,
            kind,
            origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_tag_once_in_order() {
        for (i, t) in KindTag::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i, "{t:?} is out of place in KindTag::ALL");
        }
        assert_eq!(KindTag::ALL.len(), KindTag::Other as usize + 1);
    }

    #[test]
    fn names_are_the_variant_names() {
        for t in KindTag::ALL {
            assert_eq!(t.name(), format!("{t:?}"));
        }
    }

    #[test]
    fn tag_names_the_variant() {
        assert_eq!(Kind::Other(crate::Other::default()).tag(), KindTag::Other);
        assert_eq!(
            Kind::Bucket(crate::Bucket { name: None }).tag(),
            KindTag::Bucket
        );
    }
}
