//! The kinds of resource the environment is made of, as values. A field is a setting (a CIDR, a
//! flag, a policy document) or a reference to another resource ([`R`]); nothing here is spelled
//! in a format. How a kind is written (its type name, property names, whether a setting is a
//! property or a resource of its own, how a reference reads) is the renderers' business.

use crate::expr::{E, P, R};
use ipnet::{IpNet, Ipv4Net};

/// Words for the humans who read the output. Mostly the same in both formats; where a format has
/// its own word for a thing ("template", "configuration") or states a rule differently, each
/// gets its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub cfn: String,
    pub tf: String,
}

impl Text {
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            cfn: text.clone(),
            tf: text,
        }
    }

    pub fn each(cfn: impl Into<String>, tf: impl Into<String>) -> Text {
        Text {
            cfn: cfn.into(),
            tf: tf.into(),
        }
    }
}

/// One resource: its name in each format, why it is there, and what it is.
pub struct Resource {
    pub r: R,
    /// The comment written above it.
    pub why: Text,
    pub kind: Kind,
}

pub enum Kind {
    Vpc(Vpc),
    Subnet(Subnet),
    RouteTable(RouteTable),
    Association(Association),
    VpnGateway(VpnGateway),
    VpnAttachment(VpnAttachment),
    Route(Route),
    SecurityGroup(SecurityGroup),
    Endpoint(VpcEndpoint),
    DomainList(DomainList),
    DnsFirewall(DnsFirewall),
    DnsAssociation(DnsAssociation),
    Key(Key),
    KeyAlias(KeyAlias),
    Bucket(Bucket),
    BucketPolicy(BucketPolicy),
    Role(Role),
    ManagedPolicy(ManagedPolicy),
    PackageDomain(PackageDomain),
    PackageRepository(PackageRepository),
    Notebook(Notebook),
    Studio(Studio),
    Model(Model),
    EndpointConfig(EndpointConfig),
    Pipeline(Pipeline),
}

// ----- network

pub struct Vpc {
    pub cidr: Ipv4Net,
    /// DNS support and hostnames, so that private DNS names of interface endpoints answer.
    pub dns: bool,
    /// The `Name` tag.
    pub name: String,
}

pub struct Subnet {
    pub vpc: R,
    pub cidr: Ipv4Net,
    /// Index into the Region's Availability Zones.
    pub az: usize,
    pub public_ips: bool,
    pub name: String,
}

pub struct RouteTable {
    pub vpc: R,
    pub name: String,
}

pub struct Association {
    pub subnet: R,
    pub table: R,
}

pub struct VpnGateway {
    pub name: String,
}

pub struct VpnAttachment {
    pub vpc: R,
    pub gateway: R,
}

/// A static route through a gateway, created once `after` exists (a route to a virtual private
/// gateway fails until the gateway is attached).
pub struct Route {
    pub table: R,
    pub destination: Ipv4Net,
    pub gateway: R,
    pub after: R,
}

pub struct SecurityGroup {
    pub vpc: R,
    /// Its name, and its `Name` tag.
    pub name: String,
    pub description: String,
    /// Every rule, ingress and egress. There is no other: a group without an egress rule here
    /// has none (the renderers know each provider's default and write what cancels it).
    pub rules: Vec<Rule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Traffic {
    /// One TCP port.
    Tcp(u16),
    /// Every protocol and port.
    All,
}

impl Traffic {
    /// The EC2 API's `IpProtocol`, which both formats write as it is.
    pub fn protocol(self) -> &'static str {
        match self {
            Traffic::Tcp(_) => "tcp",
            Traffic::All => "-1",
        }
    }

    /// The port range; none for all traffic (where the range means nothing).
    pub fn port(self) -> Option<u16> {
        match self {
            Traffic::Tcp(port) => Some(port),
            Traffic::All => None,
        }
    }
}

pub enum Peer {
    Cidrs(Vec<IpNet>),
    Group(R),
    /// Members of the same group.
    Itself,
    /// The AWS-managed prefix list of the service a gateway endpoint (this resource) serves:
    /// the service's public addresses in the Region, which the endpoint's routes send to it.
    /// Instances reach a gateway endpoint only when their security group lets that list out.
    PrefixListOf(R),
}

pub struct Rule {
    pub direction: Direction,
    pub traffic: Traffic,
    pub peer: Peer,
    pub description: Text,
    /// The comment of a rule written as a resource of its own (CloudFormation, for a rule that
    /// names its own group).
    pub why: &'static str,
}

pub struct VpcEndpoint {
    pub vpc: R,
    /// `com.amazonaws.<region>.<service>` or the `aws.sagemaker.<region>.` form.
    pub service: E,
    pub placement: Placement,
    pub policy: E,
}

pub enum Placement {
    /// A gateway endpoint: a route in each table.
    Gateway { route_tables: Vec<R> },
    /// An interface endpoint: a network interface in each subnet.
    Interface {
        subnets: Vec<R>,
        security_groups: Vec<R>,
        private_dns: bool,
    },
}

impl Placement {
    /// `VpcEndpointType`.
    pub fn endpoint_type(&self) -> &'static str {
        match self {
            Placement::Gateway { .. } => "Gateway",
            Placement::Interface { .. } => "Interface",
        }
    }
}

pub struct DomainList {
    pub name: String,
    pub domains: Vec<String>,
}

/// A DNS firewall rule group and its rules, in priority order.
pub struct DnsFirewall {
    pub name: String,
    pub rules: Vec<DnsRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsAction {
    Allow,
    /// Answer NXDOMAIN.
    Block,
}

impl DnsAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsAction::Allow => "ALLOW",
            DnsAction::Block => "BLOCK",
        }
    }

    /// What a blocked query gets back.
    pub fn block_response(self) -> Option<&'static str> {
        match self {
            DnsAction::Allow => None,
            DnsAction::Block => Some("NXDOMAIN"),
        }
    }
}

pub struct DnsRule {
    /// Its name (Terraform writes each rule as a resource of its own).
    pub name: &'static str,
    pub why: &'static str,
    pub action: DnsAction,
    pub list: R,
    pub priority: u32,
}

pub struct DnsAssociation {
    pub name: String,
    pub firewall: R,
    pub vpc: R,
    pub priority: u32,
}

// ----- data

pub struct Key {
    pub description: String,
    pub rotation: bool,
    pub policy: E,
}

pub struct KeyAlias {
    pub name: String,
    pub key: R,
}

pub struct Bucket {
    pub name: E,
    /// Default encryption: `aws:kms` with this key.
    pub sse_algorithm: &'static str,
    pub key: R,
    /// S3 Bucket Keys: fewer KMS calls, same key.
    pub bucket_key: bool,
    /// All four public access blocks.
    pub public_access_blocked: bool,
    /// `BucketOwnerEnforced`: ACLs off.
    pub object_ownership: &'static str,
    /// `Enabled`.
    pub versioning: &'static str,
}

pub struct BucketPolicy {
    pub bucket: R,
    pub policy: E,
}

// ----- identity

pub struct Role {
    pub name: String,
    pub trust: E,
    pub policies: Vec<InlinePolicy>,
}

pub struct InlinePolicy {
    pub name: &'static str,
    /// Its comment where it is a resource of its own (Terraform).
    pub why: &'static str,
    pub document: E,
}

/// A managed policy attached to roles.
pub struct ManagedPolicy {
    pub name: String,
    pub roles: Vec<R>,
    pub document: E,
    /// The comment of each attachment where it is a resource of its own (Terraform).
    pub attachment_why: &'static str,
}

// ----- package mirror

pub struct PackageDomain {
    pub name: String,
    pub key: R,
}

pub struct PackageRepository {
    pub domain: R,
    pub name: &'static str,
    pub description: &'static str,
    pub upstream: &'static str,
}

// ----- workloads

/// SageMaker's on/off settings are strings.
pub fn switch(on: bool) -> &'static str {
    if on {
        "Enabled"
    } else {
        "Disabled"
    }
}

pub struct Notebook {
    pub name: String,
    pub instance_type: &'static str,
    pub role: R,
    pub subnet: R,
    pub security_groups: Vec<R>,
    pub direct_internet_access: bool,
    pub root_access: bool,
    pub key: R,
    pub volume_gb: u32,
}

pub struct Studio {
    pub name: String,
    pub auth: &'static str,
    /// `AppNetworkAccessType`: through this VPC only, or SageMaker's own internet access.
    pub vpc_only: bool,
    pub vpc: R,
    pub subnets: Vec<R>,
    pub key: R,
    /// The default execution role of users and spaces.
    pub role: R,
    /// The default security groups of users and spaces.
    pub security_groups: Vec<R>,
}

impl Studio {
    pub fn app_network_access_type(&self) -> &'static str {
        if self.vpc_only {
            "VpcOnly"
        } else {
            "PublicInternetOnly"
        }
    }
}

/// `s3://<bucket>/<key>`.
pub struct S3Url {
    pub bucket: R,
    /// The bucket's name, as the pieces of an interpolated string (for a format that writes
    /// the name rather than a reference).
    pub bucket_name: Vec<P>,
    pub key: &'static str,
}

impl S3Url {
    fn url(&self, bucket: Vec<P>) -> E {
        let mut parts = vec![P::Lit("s3://".into())];
        parts.extend(bucket);
        parts.push(P::Lit(format!("/{}", self.key)));
        E::Sub(parts)
    }

    /// The URL with the bucket's name written out.
    pub fn by_name(&self) -> E {
        self.url(self.bucket_name.clone())
    }

    /// The URL with a reference to the bucket (which makes the referring resource depend on it).
    pub fn by_reference(&self) -> E {
        self.url(vec![P::Ref(self.bucket.clone())])
    }
}

pub struct Model {
    pub name: String,
    pub role: R,
    pub network_isolation: bool,
    pub image: E,
    pub data: S3Url,
    pub security_groups: Vec<R>,
    pub subnets: Vec<R>,
}

pub struct EndpointConfig {
    pub name: String,
    pub key: R,
    pub variants: Vec<Variant>,
}

pub struct Variant {
    pub name: &'static str,
    pub model: R,
    pub instance_type: &'static str,
    pub instances: u32,
    pub weight: f64,
    pub ssm_access: bool,
}

pub struct Pipeline {
    pub name: String,
    pub role: R,
    pub definition: E,
}

// ----- outputs

/// A value the deployment reports (stack output, `terraform output`).
pub struct Output {
    /// The output's name in each format.
    pub name: R,
    pub description: Text,
    pub value: OutputValue,
}

pub enum OutputValue {
    Id(R),
    Arn(R),
    /// Several resources of one kind. CloudFormation outputs are scalars, so it writes one per
    /// resource (`<logical ID>Id`); Terraform writes the list.
    Ids(Vec<R>),
}
