//! What the user can choose, and the checks that keep a choice from producing a template that
//! would not deploy or would not be sealed.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Which infrastructure-as-code format to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// `template.yaml`, deployable with `aws cloudformation deploy`.
    #[default]
    CloudFormation,
    /// `main.tf`, `variables.tf`, `outputs.tf`, `versions.tf`.
    Terraform,
}

impl FromStr for OutputFormat {
    type Err = BlueprintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cloudformation" | "cfn" => Ok(OutputFormat::CloudFormation),
            "terraform" | "tf" => Ok(OutputFormat::Terraform),
            _ => Err(BlueprintError::UnknownFormat(s.to_string())),
        }
    }
}

/// A kind of SageMaker workload the environment hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    /// A notebook instance without direct internet access or root.
    Notebook,
    /// A VPC-only Studio domain.
    Studio,
    /// A network-isolated model and its endpoint configuration.
    Model,
    /// A pipeline whose training step is network-isolated and in the VPC.
    Training,
}

impl Workload {
    pub const ALL: [Workload; 4] = [
        Workload::Notebook,
        Workload::Studio,
        Workload::Model,
        Workload::Training,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Notebook => "notebook",
            Workload::Studio => "studio",
            Workload::Model => "model",
            Workload::Training => "training",
        }
    }
}

impl FromStr for Workload {
    type Err = BlueprintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "notebook" | "notebooks" => Ok(Workload::Notebook),
            "studio" => Ok(Workload::Studio),
            "model" | "models" => Ok(Workload::Model),
            "training" | "train" => Ok(Workload::Training),
            _ => Err(BlueprintError::UnknownWorkload(s.to_string())),
        }
    }
}

/// Everything `egressproof blueprint` can be told. [`Default`] gives the documented defaults.
#[derive(Clone, Debug)]
pub struct BlueprintOptions {
    pub format: OutputFormat,
    /// Prefix of every named resource; lowercase letters, digits and hyphens (it becomes part of
    /// an S3 bucket name).
    pub name: String,
    /// The Region to deploy to. CloudFormation takes it from the stack; Terraform uses it as the
    /// default of `var.region` (`us-east-1` when not given).
    pub region: Option<String>,
    pub vpc_cidr: Ipv4Net,
    /// Number of Availability Zones (one private subnet each), 1 to 6.
    pub azs: u8,
    /// The on-premises networks: presigned URLs may be created from them, and with
    /// `direct_connect` they get static routes.
    pub corporate_cidrs: Vec<IpNet>,
    /// AWS Organizations ID (`o-...`): policies then key on the organization, not the account.
    pub org_id: Option<String>,
    /// Attach a virtual private gateway with static routes toward the corporate CIDRs.
    pub direct_connect: bool,
    /// The workloads to create; empty means all.
    pub workloads: Vec<Workload>,
    /// A CodeArtifact PyPI mirror reached through interface endpoints.
    pub package_mirror: bool,
}

impl Default for BlueprintOptions {
    fn default() -> Self {
        BlueprintOptions {
            format: OutputFormat::CloudFormation,
            name: "sagemaker-private".to_string(),
            region: None,
            vpc_cidr: Ipv4Net::new(Ipv4Addr::new(10, 0, 0, 0), 16).unwrap_or_default(),
            azs: 2,
            corporate_cidrs: Vec::new(),
            org_id: None,
            direct_connect: false,
            workloads: Vec::new(),
            package_mirror: false,
        }
    }
}

/// Why options were refused. Every variant names the option and the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlueprintError {
    #[error("unknown format `{0}`: use cloudformation or terraform")]
    UnknownFormat(String),
    #[error("unknown workload `{0}`: use notebook, studio, model or training")]
    UnknownWorkload(String),
    #[error("invalid name `{0}`: use 1 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (it becomes part of a bucket name)")]
    InvalidName(String),
    #[error("--azs must be between 1 and 6, not {0}")]
    InvalidAzCount(u8),
    #[error("invalid CIDR `{0}`: {1}")]
    InvalidCidr(String, String),
    #[error("--vpc-cidr {0} is not private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)")]
    PublicVpcCidr(Ipv4Net),
    #[error(
        "--vpc-cidr {cidr} is too small for {azs} subnets of at least /28 (VPCs are /16 to /28)"
    )]
    VpcTooSmall { cidr: Ipv4Net, azs: u8 },
    #[error("--corporate-cidr {corporate} overlaps the VPC {vpc}: routes and presigned-URL conditions could not tell them apart")]
    CorporateOverlapsVpc { corporate: IpNet, vpc: Ipv4Net },
    #[error("--corporate-cidr {0} covers more public address space than a /16 (IPv4) or a /32 (IPv6): that is not a corporate network, and the scan would report it (EP403)")]
    CorporateTooWide(IpNet),
    #[error("--direct-connect needs at least one IPv4 --corporate-cidr: the static routes go toward those networks only, never 0.0.0.0/0")]
    DirectConnectWithoutCorporateCidr,
    #[error("invalid --org-id `{0}`: an AWS Organizations ID looks like o-a1b2c3d4e5")]
    InvalidOrgId(String),
    #[error("invalid --region `{0}`: a Region looks like eu-west-1")]
    InvalidRegion(String),
}

/// Parses a CIDR given on the command line, keeping the user's text in the error.
pub fn parse_cidr(s: &str) -> Result<IpNet, BlueprintError> {
    s.trim()
        .parse::<IpNet>()
        .map_err(|e| BlueprintError::InvalidCidr(s.to_string(), e.to_string()))
}

/// Options after validation, with defaults filled in. Everything downstream reads this.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub format: OutputFormat,
    pub name: String,
    pub region: Option<String>,
    pub vpc_cidr: Ipv4Net,
    pub subnets: Vec<Ipv4Net>,
    /// Sorted, deduplicated.
    pub corporate: Vec<IpNet>,
    pub org_id: Option<String>,
    pub direct_connect: bool,
    /// Sorted, deduplicated, never empty.
    pub workloads: Vec<Workload>,
    pub package_mirror: bool,
}

impl Checked {
    pub fn has(&self, w: Workload) -> bool {
        self.workloads.contains(&w)
    }

    /// The IPv4 corporate networks (the only ones routes can point at).
    pub fn corporate_v4(&self) -> Vec<Ipv4Net> {
        self.corporate
            .iter()
            .filter_map(|c| match c {
                IpNet::V4(v4) => Some(*v4),
                IpNet::V6(_) => None,
            })
            .collect()
    }
}

fn is_private(net: &Ipv4Net) -> bool {
    const BLOCKS: [([u8; 4], u8); 4] = [
        ([10, 0, 0, 0], 8),
        ([172, 16, 0, 0], 12),
        ([192, 168, 0, 0], 16),
        ([100, 64, 0, 0], 10),
    ];
    BLOCKS.iter().any(|(addr, len)| {
        Ipv4Net::new(Ipv4Addr::from(*addr), *len)
            .map(|block| block.contains(net))
            .unwrap_or(false)
    })
}

/// Wider than a corporate network can be: more than a /16 of IPv4 or a /32 of IPv6 outside the
/// private blocks, the scan's default EP403 limits (a private block of any size is fine: it
/// holds no public address).
fn too_wide(c: &IpNet) -> bool {
    match c {
        IpNet::V4(v4) => v4.prefix_len() < 16 && !is_private(v4),
        IpNet::V6(v6) => {
            let unique_local = Ipv6Net::new(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
                .map(|ula| ula.contains(v6))
                .unwrap_or(false);
            v6.prefix_len() < 32 && !unique_local
        }
    }
}

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(b) || b.contains(a)
}

/// Splits the VPC into `azs` equal subnets: as large as possible but at most a sixteenth of the
/// VPC each (/20 of a /16), leaving room for subnets the team adds later.
fn carve(vpc: Ipv4Net, azs: u8) -> Result<Vec<Ipv4Net>, BlueprintError> {
    let too_small = || BlueprintError::VpcTooSmall { cidr: vpc, azs };
    // bits needed to number `azs` subnets
    let bits = (u32::from(azs).next_power_of_two()).trailing_zeros() as u8;
    let prefix = (vpc.prefix_len() + bits.max(4)).min(28);
    if prefix < vpc.prefix_len() + bits || vpc.prefix_len() < 16 {
        return Err(too_small());
    }
    let subnets: Vec<Ipv4Net> = vpc
        .subnets(prefix)
        .map_err(|_| too_small())?
        .take(usize::from(azs))
        .collect();
    if subnets.len() != usize::from(azs) {
        return Err(too_small());
    }
    Ok(subnets)
}

impl BlueprintOptions {
    /// Validates the options; the error names the option to fix.
    pub(crate) fn check(&self) -> Result<Checked, BlueprintError> {
        let name = self.name.trim();
        let name_ok = !name.is_empty()
            && name.len() <= 32
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && !name.ends_with('-')
            && !name.contains("--")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !name_ok {
            return Err(BlueprintError::InvalidName(self.name.clone()));
        }
        if !(1..=6).contains(&self.azs) {
            return Err(BlueprintError::InvalidAzCount(self.azs));
        }
        let vpc = self.vpc_cidr.trunc();
        if !is_private(&vpc) {
            return Err(BlueprintError::PublicVpcCidr(self.vpc_cidr));
        }
        let subnets = carve(vpc, self.azs)?;
        let mut corporate: Vec<IpNet> = self.corporate_cidrs.iter().map(|c| c.trunc()).collect();
        corporate.sort();
        corporate.dedup();
        for c in &corporate {
            if too_wide(c) {
                return Err(BlueprintError::CorporateTooWide(*c));
            }
            if overlaps(c, &IpNet::V4(vpc)) {
                return Err(BlueprintError::CorporateOverlapsVpc { corporate: *c, vpc });
            }
        }
        if self.direct_connect && !corporate.iter().any(|c| matches!(c, IpNet::V4(_))) {
            return Err(BlueprintError::DirectConnectWithoutCorporateCidr);
        }
        if let Some(org) = &self.org_id {
            let ok = org.len() >= 12
                && org.len() <= 34
                && org.starts_with("o-")
                && org[2..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !ok {
                return Err(BlueprintError::InvalidOrgId(org.clone()));
            }
        }
        if let Some(region) = &self.region {
            let parts: Vec<&str> = region.split('-').collect();
            let ok = parts.len() >= 3
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
                && parts
                    .last()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(BlueprintError::InvalidRegion(region.clone()));
            }
        }
        let mut workloads = if self.workloads.is_empty() {
            Workload::ALL.to_vec()
        } else {
            self.workloads.clone()
        };
        workloads.sort();
        workloads.dedup();
        Ok(Checked {
            format: self.format,
            name: name.to_string(),
            region: self.region.clone(),
            vpc_cidr: vpc,
            subnets,
            corporate,
            org_id: self.org_id.clone(),
            direct_connect: self.direct_connect,
            workloads,
            package_mirror: self.package_mirror,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carves_one_subnet_per_az() {
        let vpc: Ipv4Net = "10.0.0.0/16".parse().unwrap();
        let s = carve(vpc, 3).unwrap();
        assert_eq!(
            s.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
        );
        let small: Ipv4Net = "10.0.0.0/26".parse().unwrap();
        assert_eq!(carve(small, 4).unwrap().len(), 4);
        assert!(carve(small, 6).is_err());
    }

    #[test]
    fn parses_formats_and_workloads() {
        assert_eq!(
            "terraform".parse::<OutputFormat>(),
            Ok(OutputFormat::Terraform)
        );
        assert!("pulumi".parse::<OutputFormat>().is_err());
        assert_eq!("Studio".parse::<Workload>(), Ok(Workload::Studio));
        assert!("batch".parse::<Workload>().is_err());
    }
}
