//! Typed resources. Field names follow AWS's API concepts, not any one input format: a loader maps
//! `SubnetId`, `subnet_id` or a DescribeSubnets answer onto the same field.
//!
//! Conventions:
//! - A reference to another resource is an [`Ident`]: the model ID of a resource in the scan
//!   (`Resource::id`), or a physical ID written literally (`tgw-0123...`) that may name something
//!   outside the scan. The analysis looks it up; not found means "outside the scan".
//! - `Option<Attr<T>>`: `None` means the property was absent (AWS's documented default applies,
//!   and the rule that reads it knows that default); `Some(Unknown)` means written but unresolved.
//! - Loaders apply *provider* semantics that differ between formats (CloudFormation's implicit
//!   allow-all security group egress, Terraform's none) so that the analysis never needs to know
//!   which format a resource came from.

use crate::{Attr, DataDestination, Span, Value};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

/// The identity of a resource: a model ID (unique in the scan) or a literal physical ID.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ident(pub String);

impl Ident {
    pub fn new(s: impl Into<String>) -> Self {
        Ident(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The default security group that AWS creates with every VPC (allows all egress).
    pub fn default_security_group_of(vpc: &Ident) -> Ident {
        Ident(format!("{}::default-security-group", vpc.0))
    }

    /// The main route table that AWS creates with every VPC (local routes only, unless changed).
    pub fn main_route_table_of(vpc: &Ident) -> Ident {
        Ident(format!("{}::main-route-table", vpc.0))
    }

    /// A computed attribute of a resource used where an identifier is expected
    /// (`!GetAtt Firewall.EndpointIds` feeding a route's `VpcEndpointId`).
    pub fn attribute_of(resource: &Ident, attribute: &str) -> Ident {
        Ident(format!("{}::{}", resource.0, attribute))
    }

    /// For an identifier made by [`Ident::attribute_of`] or the `*_of` constructors: the
    /// resource it belongs to and the attribute.
    pub fn split_attribute(&self) -> Option<(Ident, &str)> {
        let (owner, attr) = self.0.rsplit_once("::")?;
        Some((Ident(owner.to_string()), attr))
    }

    /// The default network ACL that AWS creates with every VPC (allows all).
    pub fn default_network_acl_of(vpc: &Ident) -> Ident {
        Ident(format!("{}::default-network-acl", vpc.0))
    }

    /// The default route table that AWS creates with a transit gateway whose default
    /// association or propagation is enabled, when no other table is named as the default.
    pub fn default_tgw_route_table_of(tgw: &Ident) -> Ident {
        Ident(format!("{}::default-route-table", tgw.0))
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An inline suppression written next to a resource (`# egressproof:ignore EP201 reason`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Suppression {
    pub rule: String,
    pub reason: Option<String>,
    pub span: Span,
}

impl Suppression {
    /// The marker that opens an inline suppression, whatever the comment syntax around it.
    pub const MARKER: &'static str = "egressproof:ignore";

    /// The suppressions of one comment's text (`# egressproof:ignore EP201,EP202 reason`).
    ///
    /// The grammar is the product's, not a format's: both loaders find comments their own way
    /// (YAML and HCL lexers) and hand the text here, so `EP201,EP202` and the reason are read
    /// alike everywhere. A comment without the marker gives nothing.
    pub fn from_comment(comment: &str, span: Span) -> Vec<Suppression> {
        let Some(at) = comment.find(Self::MARKER) else {
            return Vec::new();
        };
        let rest = comment[at + Self::MARKER.len()..].trim();
        let (rules, reason) = match rest.split_once(char::is_whitespace) {
            Some((rules, reason)) => (rules, Some(reason.trim())),
            None => (rest, None),
        };
        rules
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|rule| Suppression {
                rule: rule.to_string(),
                reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
                span: span.clone(),
            })
            .collect()
    }
}

/// One resource of the estate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Unique in the model (`file#Logical`, `module.x.aws_subnet.a[0]`, or the physical ID/ARN).
    pub id: Ident,
    /// The name a person knows it by (logical ID, Terraform address, resource name).
    pub name: String,
    /// The type as written in the source (`AWS::EC2::Subnet`, `aws_subnet`), for reports.
    pub type_name: String,
    pub span: Span,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// The account that owns the resource, when the input says so (a snapshot of several
    /// accounts). `None`: the account the input is deployed into, whose ID is not known (a
    /// template's). A resource of one account may be used by another (a subnet shared through
    /// AWS RAM, a transit gateway): paths cross accounts, and SCPs apply by account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl Resource {
    pub fn new(
        id: Ident,
        name: impl Into<String>,
        type_name: impl Into<String>,
        span: Span,
        kind: Kind,
    ) -> Self {
        Resource {
            id,
            name: name.into(),
            type_name: type_name.into(),
            span,
            kind,
            suppressions: Vec::new(),
            account: None,
        }
    }
}

/// What a resource is. One variant per concept the analysis reasons about; everything else is
/// `Other`, kept so that a reference to it is recognised as "in the scan, but not understood".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    // --- networking ---
    Vpc(Vpc),
    VpcCidrBlock(VpcCidrBlock),
    Subnet(Subnet),
    RouteTable(RouteTable),
    Route(Route),
    SubnetRouteTableAssociation(SubnetRouteTableAssociation),
    /// Makes a route table the VPC's main table (Terraform, live accounts).
    MainRouteTableAssociation(MainRouteTableAssociation),
    InternetGateway(Gateway),
    EgressOnlyInternetGateway(Gateway),
    VpnGateway(Gateway),
    CarrierGateway(Gateway),
    GatewayAttachment(GatewayAttachment),
    /// Propagates a virtual private gateway's routes (on-premises prefixes) into route tables.
    VpnGatewayRoutePropagation(VpnGatewayRoutePropagation),
    NatGateway(NatGateway),
    ElasticIp(ElasticIp),
    TransitGateway(TransitGateway),
    TransitGatewayAttachment(TransitGatewayAttachment),
    TransitGatewayRouteTable(TransitGatewayRouteTable),
    TransitGatewayRoute(TransitGatewayRoute),
    TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation),
    TransitGatewayRouteTablePropagation(TransitGatewayRouteTablePropagation),
    /// An AWS RAM share: resources of one account (subnets, a transit gateway) used by others.
    ResourceShare(ResourceShare),
    VpcPeeringConnection(VpcPeeringConnection),
    SecurityGroup(SecurityGroup),
    SecurityGroupRule(SecurityGroupRule),
    NetworkAcl(NetworkAcl),
    NetworkAclEntry(NetworkAclEntry),
    SubnetNetworkAclAssociation(SubnetNetworkAclAssociation),
    VpcEndpoint(VpcEndpoint),
    NetworkFirewall(NetworkFirewall),
    NetworkFirewallPolicy(NetworkFirewallPolicy),
    NetworkFirewallRuleGroup(NetworkFirewallRuleGroup),
    ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation),
    NetworkInterface(NetworkInterface),
    Instance(Instance),

    // --- SageMaker ---
    NotebookInstance(NotebookInstance),
    Domain(Domain),
    UserProfile(UserProfile),
    Space(Space),
    /// A Studio app (JupyterLab, Code Editor, a kernel gateway, Canvas) of a user profile or
    /// space: read for its domain only (see [`App`]).
    App(App),
    Model(SageMakerModel),
    EndpointConfig(EndpointConfig),
    Job(Job),
    Pipeline(Pipeline),
    /// A Feature Store feature group: SageMaker writes its offline store to S3.
    FeatureGroup(FeatureGroup),

    // --- IAM and data ---
    Role(Role),
    IamPolicy(IamPolicy),
    Bucket(Bucket),
    /// An organizational unit or the root of an AWS Organization (SCPs apply by this tree).
    OrganizationalUnit(OrganizationalUnit),
    /// A member account of an AWS Organization, placed in the tree.
    Account(Account),

    /// A type the model does not represent. `custom` marks custom resources and other constructs
    /// whose behaviour cannot be known from the template.
    Other(Other),
}

// ----------------------------------------------------------------------------------------------
// networking

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    /// The primary IPv4 block (`None` when allocated from IPAM and not known).
    pub cidr_v4: Option<Attr<Ipv4Net>>,
}

/// An additional CIDR block of a VPC (IPv4 or IPv6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcCidrBlock {
    pub vpc: Attr<Ident>,
    /// `None` for an Amazon-provided IPv6 block whose value is only known after deployment.
    pub cidr: Option<Attr<IpNet>>,
    pub ipv6: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub vpc: Attr<Ident>,
    pub cidr_v4: Option<Attr<Ipv4Net>>,
    pub cidr_v6: Option<Attr<Ipv6Net>>,
    /// `MapPublicIpOnLaunch`: instances launched here get a public IPv4 address unless they
    /// say otherwise. `None` when absent (AWS's default: false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_public_ip_on_launch: Option<Attr<bool>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub vpc: Attr<Ident>,
    /// True for a VPC's main route table read as such (Terraform `aws_default_route_table`,
    /// a live account's main table).
    #[serde(default)]
    pub main: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    V4(Ipv4Net),
    V6(Ipv6Net),
    /// A managed prefix list (e.g. the S3 gateway endpoint's list, or a customer list).
    PrefixList(Ident),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// CloudFormation's `GatewayId`: an internet gateway or a virtual private gateway; the
    /// analysis decides by what the ID names.
    Gateway,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    Instance,
    NetworkInterface,
    TransitGateway,
    VpcPeeringConnection,
    VpnGateway,
    CarrierGateway,
    LocalGateway,
    CoreNetwork,
    /// A Gateway Load Balancer endpoint or a Network Firewall endpoint.
    VpcEndpoint,
    Local,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteTarget {
    pub kind: TargetKind,
    /// `Unknown` when the ID could not be resolved; `Known` for `Local` is the VPC.
    pub id: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub route_table: Attr<Ident>,
    pub destination: Attr<Destination>,
    pub target: Attr<RouteTarget>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubnetRouteTableAssociation {
    pub subnet: Attr<Ident>,
    pub route_table: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MainRouteTableAssociation {
    pub vpc: Attr<Ident>,
    pub route_table: Attr<Ident>,
}

/// Internet, egress-only, VPN and carrier gateways. `vpc` is set when the resource itself names
/// its VPC (egress-only IGW); otherwise a [`GatewayAttachment`] does.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gateway {
    pub vpc: Option<Attr<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GatewayAttachment {
    pub vpc: Attr<Ident>,
    pub gateway: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpnGatewayRoutePropagation {
    pub vpn_gateway: Attr<Ident>,
    pub route_tables: Attr<Vec<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub subnet: Attr<Ident>,
    /// `public` (the default) or `private`.
    pub connectivity: Option<Attr<String>>,
}

/// An Elastic IP address, or its association (`AWS::EC2::EIPAssociation`,
/// `aws_eip_association`): either way, what it gives a public address to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ElasticIp {
    /// The instance or network interface the address is associated with; `None` when not
    /// associated (or associated outside the scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_to: Option<Attr<Ident>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TransitGateway {
    /// Whether attachments are associated with / propagate to the default route table
    /// (`enable`, the default, or `disable`).
    pub default_route_table_association: Option<Attr<String>>,
    pub default_route_table_propagation: Option<Attr<String>>,
    /// The default association route table when one is named (`AssociationDefaultRouteTableId`,
    /// a live gateway's). `None`: the table AWS creates,
    /// [`Ident::default_tgw_route_table_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_default_route_table: Option<Attr<Ident>>,
    /// The default propagation route table when one is named (`PropagationDefaultRouteTableId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_default_route_table: Option<Attr<Ident>>,
}

/// What a transit gateway attachment connects the gateway to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TgwAttachmentKind {
    /// A VPC: traffic enters the VPC in the attachment's subnets.
    #[default]
    Vpc,
    /// A site-to-site VPN connection (on-premises).
    Vpn,
    /// A Direct Connect gateway (on-premises).
    DirectConnectGateway,
    /// Another transit gateway (peering): `peer` names it.
    Peering,
    /// A Connect attachment (SD-WAN appliances, GRE over another attachment).
    Connect,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayAttachment {
    pub transit_gateway: Attr<Ident>,
    /// The VPC of a VPC attachment (with its subnets). Other kinds have an empty subnet list
    /// and this unresolved, never read for them.
    pub vpc: Attr<Ident>,
    pub subnets: Attr<Vec<Ident>>,
    #[serde(default, skip_serializing_if = "is_vpc_attachment")]
    pub attachment_kind: TgwAttachmentKind,
    /// The far side of a non-VPC attachment: the peer transit gateway, the Direct Connect
    /// gateway, the VPN connection, the transport attachment of a Connect attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Attr<Ident>>,
    /// Whether the attachment is associated with the gateway's default association route
    /// table (Terraform's `transit_gateway_default_route_table_association`). `None`: as the
    /// gateway's `DefaultRouteTableAssociation` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_association: Option<Attr<bool>>,
    /// Whether it propagates its routes to the default propagation route table. `None`: as the
    /// gateway says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_propagation: Option<Attr<bool>>,
}

fn is_vpc_attachment(k: &TgwAttachmentKind) -> bool {
    *k == TgwAttachmentKind::Vpc
}

impl TransitGatewayAttachment {
    /// An attachment of a kind other than a VPC, with the gateway's default settings.
    pub fn other(
        kind: TgwAttachmentKind,
        transit_gateway: Attr<Ident>,
        peer: Option<Attr<Ident>>,
    ) -> Self {
        TransitGatewayAttachment {
            transit_gateway,
            vpc: Attr::unknown("not a VPC attachment", None),
            subnets: Attr::Known(Vec::new()),
            attachment_kind: kind,
            peer,
            default_association: None,
            default_propagation: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayRouteTable {
    pub transit_gateway: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayRoute {
    pub route_table: Attr<Ident>,
    pub destination: Attr<Destination>,
    /// `None` for a blackhole route.
    pub attachment: Option<Attr<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayRouteTableAssociation {
    pub route_table: Attr<Ident>,
    pub attachment: Attr<Ident>,
}

/// An attachment's routes propagated into a transit gateway route table: a VPC's CIDR blocks,
/// the prefixes a VPN, Direct Connect gateway or Connect peer learns by BGP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayRouteTablePropagation {
    pub route_table: Attr<Ident>,
    pub attachment: Attr<Ident>,
}

/// An AWS RAM resource share, or one association of it (Terraform declares the share, its
/// resources and its principals apart; `share` then names the share they belong to).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceShare {
    /// The shared resources (subnets, transit gateways), as identifiers.
    pub resources: Attr<Vec<Ident>>,
    /// Who may use them: account IDs, organization or OU ARNs, as written.
    pub principals: Attr<Vec<String>>,
    /// For an association: the share it adds to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Attr<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    pub vpc: Attr<Ident>,
    pub peer_vpc: Attr<Ident>,
    /// The account that owns the peer VPC (`PeerOwnerId`, `peer_owner_id`, the accepter's
    /// owner): a literal account ID, or [`VpcPeeringConnection::DEPLOYING_ACCOUNT`] when written
    /// as the deploying account (`AWS::AccountId`, the caller identity's account). `None` when
    /// absent: AWS takes the requester's own account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_owner: Option<Attr<String>>,
}

impl VpcPeeringConnection {
    /// The deploying account written symbolically, as [`VpcPeeringConnection::peer_owner`]
    /// holds it: the text of the `AWS::AccountId` pseudo parameter.
    pub const DEPLOYING_ACCOUNT: &'static str = "${AWS::AccountId}";
}

/// The far end of a security group rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    Cidr(IpNet),
    SecurityGroup(Ident),
    PrefixList(Ident),
}

/// An IP protocol as security groups and network ACLs name it.
///
/// AWS accepts `-1` (and the providers `all`) for every protocol, the names `tcp`, `udp`, `icmp`
/// and `icmpv6` in any case, and protocol numbers 0-255; a number with a name is that name
/// (`6` is `tcp`). The snapshot form is the canonical string: `-1`, the lower-case name, or the
/// number. Snapshots written before this type (any of the forms above as a string) still read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `-1`: every protocol, and ports do not apply.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other IANA protocol number (never 1, 6, 17 or 58: those have names).
    Number(u8),
}

impl Protocol {
    /// Whether the rule's port range (or ICMP type and code) narrows it. AWS ignores the ports of
    /// a rule for every other protocol: "-1 or a protocol number other than tcp, udp, icmp or
    /// icmpv6 allows traffic on all ports, regardless of any port range you specify".
    pub fn has_ports(self) -> bool {
        matches!(
            self,
            Protocol::Tcp | Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6
        )
    }

    /// The canonical text (the snapshot form).
    pub fn as_text(self) -> std::borrow::Cow<'static, str> {
        match self {
            Protocol::All => "-1".into(),
            Protocol::Tcp => "tcp".into(),
            Protocol::Udp => "udp".into(),
            Protocol::Icmp => "icmp".into(),
            Protocol::Icmpv6 => "icmpv6".into(),
            Protocol::Number(n) => n.to_string().into(),
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_text())
    }
}

/// The text is not a protocol AWS accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAProtocol(pub String);

impl std::fmt::Display for NotAProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not an IP protocol (-1, all, tcp, udp, icmp, icmpv6 or 0-255)",
            self.0
        )
    }
}

impl std::error::Error for NotAProtocol {}

impl std::str::FromStr for Protocol {
    type Err = NotAProtocol;

    /// The one reading of a protocol, shared by snapshots and loaders (through
    /// `egressproof_aws::protocol`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            "icmpv6" | "58" => Protocol::Icmpv6,
            n => match n.parse::<u8>() {
                Ok(n) => Protocol::Number(n),
                Err(_) => return Err(NotAProtocol(text.to_string())),
            },
        })
    }
}

impl Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_text())
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// A string in any accepted form, or a bare number.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(t) => t,
            Raw::Number(n) => n.to_string(),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One security group rule. Ports are inclusive and `None` for all (always `None` when the
/// protocol has no ports, see [`Protocol::has_ports`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    pub protocol: Attr<Protocol>,
    pub from_port: Option<Attr<i64>>,
    pub to_port: Option<Attr<i64>>,
    pub peer: Attr<Peer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub vpc: Option<Attr<Ident>>,
    /// The egress rules written on the group itself, with the provider's default applied by the
    /// loader (CloudFormation: allow-all when none is written; Terraform: none).
    pub egress: Vec<SgRule>,
    pub ingress: Vec<SgRule>,
}

/// A rule declared as a resource of its own (`AWS::EC2::SecurityGroupEgress`,
/// `aws_vpc_security_group_egress_rule`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    pub group: Attr<Ident>,
    pub egress: bool,
    pub rule: SgRule,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub vpc: Attr<Ident>,
    /// True for a VPC's default ACL (allows all unless changed); a custom ACL starts denying all.
    #[serde(default)]
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub network_acl: Attr<Ident>,
    pub rule_number: Attr<i64>,
    pub egress: bool,
    pub allow: Attr<bool>,
    pub protocol: Attr<Protocol>,
    pub cidr: Attr<IpNet>,
    pub from_port: Option<Attr<i64>>,
    pub to_port: Option<Attr<i64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubnetNetworkAclAssociation {
    pub subnet: Attr<Ident>,
    pub network_acl: Attr<Ident>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointType {
    Gateway,
    Interface,
    GatewayLoadBalancer,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub vpc: Attr<Ident>,
    /// As written; may hold symbols (`com.amazonaws.${AWS::Region}.s3`).
    pub service_name: Value,
    /// `None` when absent: CloudFormation and the API default to Gateway.
    pub endpoint_type: Option<Attr<EndpointType>>,
    /// `None` when absent: AWS attaches the full-access default policy.
    pub policy: Option<Value>,
    pub route_tables: Attr<Vec<Ident>>,
    pub subnets: Attr<Vec<Ident>>,
    pub security_groups: Attr<Vec<Ident>>,
    pub private_dns: Option<Attr<bool>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkFirewall {
    pub vpc: Attr<Ident>,
    pub subnets: Attr<Vec<Ident>>,
    pub policy: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkFirewallPolicy {
    pub stateful_rule_groups: Attr<Vec<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkFirewallRuleGroup {
    /// Domain names of an allow-list rule group (`.amazonaws.com`), empty when not a domain list.
    pub allowed_domains: Attr<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolverFirewallRuleGroupAssociation {
    pub vpc: Attr<Ident>,
    pub rule_group: Attr<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub subnet: Attr<Ident>,
    pub security_groups: Attr<Vec<Ident>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub subnet: Option<Attr<Ident>>,
    pub security_groups: Attr<Vec<Ident>>,
    /// `AssociatePublicIpAddress` of its primary interface: whether it gets a public IPv4
    /// address. `None` when absent: the subnet's `MapPublicIpOnLaunch` decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Attr<bool>>,
}

// ----------------------------------------------------------------------------------------------
// SageMaker

/// Where a workload's ENIs go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcConfig {
    pub subnets: Attr<Vec<Ident>>,
    pub security_groups: Attr<Vec<Ident>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NotebookInstance {
    pub subnet: Option<Attr<Ident>>,
    pub security_groups: Option<Attr<Vec<Ident>>>,
    /// `Enabled` / `Disabled`; absent means Enabled.
    pub direct_internet_access: Option<Attr<String>>,
    /// `Enabled` / `Disabled`; absent means Enabled.
    pub root_access: Option<Attr<String>>,
    pub kms_key: Option<Attr<String>>,
    pub role: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// `PublicInternetOnly` / `VpcOnly`; absent means PublicInternetOnly.
    pub app_network_access_type: Option<Attr<String>>,
    pub vpc: Option<Attr<Ident>>,
    pub subnets: Option<Attr<Vec<Ident>>>,
    /// Security groups of the default user settings.
    pub default_user_security_groups: Option<Attr<Vec<Ident>>>,
    /// Security groups of the default space settings.
    pub default_space_security_groups: Option<Attr<Vec<Ident>>>,
    pub kms_key: Option<Attr<String>>,
    pub auth_mode: Option<Attr<String>>,
    /// The default execution roles of the domain's users and spaces
    /// (`DefaultUserSettings.ExecutionRole`, `DefaultSpaceSettings.ExecutionRole`): the roles
    /// its apps run as unless a profile names its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub execution_roles: Vec<Value>,
    /// Where SageMaker delivers its data (see [`DataDestination`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DataDestination>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    pub domain: Attr<Ident>,
    pub security_groups: Option<Attr<Vec<Ident>>>,
    /// The execution role (`RoleArn`, `ExecutionRoleArn`): whose permissions SageMaker uses for
    /// what it does on the workload's behalf (uploading output, reading data). `None` when
    /// absent; may be unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
    /// Where SageMaker delivers its data (see [`DataDestination`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DataDestination>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Space {
    pub domain: Attr<Ident>,
    /// `ENABLED` / `DISABLED` (local IDE access); absent means DISABLED.
    pub remote_access: Option<Attr<String>>,
}

/// A Studio app opens no channel of its own: it runs in its domain's network (the domain's
/// `AppNetworkAccessType` and VPC, its user profile's or space's security groups) with its
/// profile's or space's execution role, and has no setting of either. So only its domain is
/// read: the domain is judged, and an app whose domain is not in the scan runs in a network
/// the scan does not show (an unknown, like a user profile's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct App {
    pub domain: Attr<Ident>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SageMakerModel {
    /// Absent means false.
    pub network_isolation: Option<Attr<bool>>,
    pub vpc_config: Option<VpcConfig>,
    /// The execution role (`RoleArn`, `ExecutionRoleArn`): whose permissions SageMaker uses for
    /// what it does on the workload's behalf (uploading output, reading data). `None` when
    /// absent; may be unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointConfig {
    /// The models of the production (and shadow) variants.
    pub models: Vec<Attr<Ident>>,
    /// Variants with `EnableSSMAccess` true.
    pub ssm_access: Vec<Attr<bool>>,
    pub kms_key: Option<Attr<String>>,
    /// Where SageMaker delivers its data (see [`DataDestination`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DataDestination>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Training,
    Processing,
    HyperParameterTuning,
    Transform,
    DataQualityMonitoring,
    ModelQualityMonitoring,
    ModelBiasMonitoring,
    ModelExplainabilityMonitoring,
    MonitoringSchedule,
    AutoMl,
    Other,
}

/// A job or job definition: training, processing, tuning, monitoring, also those found inside
/// pipeline definitions and Step Functions tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub job_kind: JobKind,
    /// Absent means false.
    pub network_isolation: Option<Attr<bool>>,
    pub vpc_config: Option<VpcConfig>,
    /// `Some` for inter-container traffic encryption where the job type has it.
    pub inter_container_encryption: Option<Attr<bool>>,
    /// For jobs found inside a pipeline or state machine: the step's name.
    pub step: Option<String>,
    /// Where SageMaker delivers its data (see [`DataDestination`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DataDestination>,
    /// The execution role (`RoleArn`, `ExecutionRoleArn`): whose permissions SageMaker uses for
    /// what it does on the workload's behalf (uploading output, reading data). `None` when
    /// absent; may be unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The definition body could not be read (a definition in S3, an unresolved string).
    pub definition: Attr<()>,
    /// The pipeline's role (`RoleArn`): SageMaker runs the pipeline, and steps that name no
    /// role of their own, with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
}

/// A Feature Store feature group. It runs no code of its own, but SageMaker itself writes every
/// record ingested into it to the offline store's S3 location, as the feature group's role: a
/// destination like a job's output.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureGroup {
    /// The offline store (`OfflineStoreConfig.S3StorageConfig.S3Uri`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DataDestination>,
    /// The role SageMaker writes the offline store as (`RoleArn`); `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Value>,
}

// ----------------------------------------------------------------------------------------------
// IAM and data

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub trust_policy: Option<Value>,
    /// Managed policy ARNs attached (AWS managed ones have no document in the scan).
    pub managed_policy_arns: Attr<Vec<Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Attached to roles, users or groups (inline or managed).
    Identity,
    /// A service control policy of AWS Organizations.
    ServiceControl,
    /// A resource policy (bucket policy).
    Resource,
    /// A permissions boundary.
    Boundary,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IamPolicy {
    pub policy_kind: PolicyKind,
    /// The principals (roles, users, groups) or targets (OUs, accounts, buckets) it applies to.
    pub attached_to: Attr<Vec<Ident>>,
    /// The document as a value (YAML map, or JSON string already parsed by the loader).
    pub document: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: Option<Attr<String>>,
}

/// A node of an organization's tree above accounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    /// The parent OU or root; `None` for the root itself (an organization's root, `r-...`).
    pub parent: Option<Attr<Ident>>,
}

/// A member account of an organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The 12-digit account ID; `None` when known only once created (a template's account).
    pub account_id: Option<Attr<String>>,
    /// The OUs or root it sits in (`ParentIds`, `parent_id`).
    pub parents: Attr<Vec<Ident>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Other {
    /// A custom resource or other construct whose outputs cannot be known from the source.
    #[serde(default)]
    pub custom: bool,
    /// What a `custom` resource calls, as written: a custom resource's `ServiceToken`, a Lambda
    /// invocation's function. The analysis follows it to a function of the scan and that
    /// function's role, which bounds what the code can do. `None`: not written, or not code run
    /// at deploy time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invokes: Option<Value>,
    /// The role a resource's code runs as, as written (a Lambda function's execution role).
    /// Set only on resources that run code (a function); `None` otherwise or when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_as: Option<Value>,
}

impl Other {
    /// A resource the model does not represent: no code the scan needs to follow.
    pub fn plain() -> Other {
        Other::default()
    }

    /// Code run at deploy time that the scan does not read (`custom`), calling `invokes`.
    pub fn deploy_code(invokes: Option<Value>) -> Other {
        Other {
            custom: true,
            invokes,
            runs_as: None,
        }
    }

    /// A function whose code runs as `role` (a Lambda function).
    pub fn function(role: Option<Value>) -> Other {
        Other {
            custom: false,
            invokes: None,
            runs_as: role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_reads_every_form_and_writes_one() {
        for (text, p) in [
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("ALL", Protocol::All),
            ("tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("UDP", Protocol::Udp),
            ("17", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("1", Protocol::Icmp),
            ("IcmpV6", Protocol::Icmpv6),
            ("58", Protocol::Icmpv6),
            ("47", Protocol::Number(47)),
        ] {
            assert_eq!(text.parse::<Protocol>(), Ok(p), "{text}");
        }
        assert!("gre".parse::<Protocol>().is_err());
        assert!("256".parse::<Protocol>().is_err());
        assert!("-2".parse::<Protocol>().is_err());
        assert_eq!(Protocol::Tcp.to_string(), "tcp");
        assert_eq!(Protocol::All.to_string(), "-1");
        assert_eq!(Protocol::Number(47).to_string(), "47");
    }

    #[test]
    fn protocol_snapshot_form_round_trips_and_old_forms_read() {
        let rule: Attr<Protocol> = serde_json::from_str(r#"{"known":"6"}"#).unwrap();
        assert_eq!(rule, Attr::Known(Protocol::Tcp));
        assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"known":"tcp"}"#);
        let all: Protocol = serde_json::from_str(r#""all""#).unwrap();
        assert_eq!(serde_json::to_string(&all).unwrap(), r#""-1""#);
        let bare: Protocol = serde_json::from_str("-1").unwrap();
        assert_eq!(bare, Protocol::All);
        assert!(serde_json::from_str::<Protocol>(r#""tcpx""#).is_err());
    }

    #[test]
    fn the_deploying_account_reads_as_the_pseudo_parameter() {
        let pseudo = crate::Symbol::Pseudo(crate::Pseudo::AccountId).to_string();
        assert_eq!(VpcPeeringConnection::DEPLOYING_ACCOUNT, pseudo);
    }

    #[test]
    fn only_tcp_udp_and_icmp_have_ports() {
        assert!(Protocol::Tcp.has_ports());
        assert!(Protocol::Icmpv6.has_ports());
        assert!(!Protocol::All.has_ports());
        assert!(!Protocol::Number(47).has_ports());
    }
}

#[cfg(test)]
mod suppression_tests {
    use super::*;

    #[test]
    fn a_comment_names_rules_and_a_reason() {
        let got = Suppression::from_comment(
            "// egressproof:ignore EP201,EP202 on-prem only",
            Span::new("a.tf", 3, 1),
        );
        let rules: Vec<_> = got.iter().map(|s| s.rule.as_str()).collect();
        assert_eq!(rules, ["EP201", "EP202"]);
        assert!(got
            .iter()
            .all(|s| s.reason.as_deref() == Some("on-prem only")));
    }

    #[test]
    fn no_marker_no_reason() {
        let span = Span::new("a.yaml", 1, 1);
        assert!(Suppression::from_comment("# just a comment", span.clone()).is_empty());
        let got = Suppression::from_comment("# egressproof:ignore EP101", span);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].reason, None);
    }
}
