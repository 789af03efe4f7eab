use crate::iam::{trusted_networks, Iam, TrustSource, TrustedNet};
use crate::net::space::{internet, Space};
use crate::rules::util::finding;
use crate::{Context, Finding, Hop, Sink};
use egressproof_model::{Ident, Kind, Resource, Span};
use ipnet::IpNet;

declare_rule! {
    /// ## What it does
    /// Flags a trusted network that is too wide to be a corporate network: it holds more public
    /// addresses than a /16 of IPv4 (65,536) or a /32 of IPv6, or it is half of an address
    /// family or more (`0.0.0.0/1`, `128.0.0.0/1`, `::/1`, `0.0.0.0/0`) whatever the limit.
    /// Trusted networks come from `--trusted-cidr` or `trusted_cidrs` in `.egressproof.toml`,
    /// or, when none is configured, from the `aws:SourceIp` conditions of the policies that
    /// restrict presigned URLs (a CloudFormation parameter or Terraform variable such as
    /// `CorporateCidr` arrives there, `--param` values included). Only public addresses count:
    /// `10.0.0.0/8` is private address space and holds none.
    ///
    /// The limits are `max_trusted_prefix` (IPv4, default 16) and `max_trusted_prefix_v6`
    /// (IPv6, default 32) in `.egressproof.toml`. A /16 is about the largest block a regional
    /// registry assigns to one organization; a /32 of IPv6 is what a registry allocates to a
    /// whole provider, while an organization's site gets a /48.
    ///
    /// ## Why is this bad?
    /// A trusted network is where presigned notebook and Studio URLs may be created from
    /// (EP401) and where routes may lead without counting as egress (EP203). Every other rule
    /// takes it at its word, so a trusted `0.0.0.0/1` seals an environment that half of the
    /// internet can open in a browser. A corporate network is the few public ranges the
    /// offices and the VPN leave from, not a provider's or a continent's address space.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   CorporateCidr:
    ///     Type: String
    ///     Default: 0.0.0.0/1      # "the corporate network"
    /// Resources:
    ///   PresignedUrlGuardrail:
    ///     Type: AWS::Organizations::Policy
    ///     Properties:
    ///       Type: SERVICE_CONTROL_POLICY
    ///       Content:
    ///         Statement:
    ///           - Effect: Deny
    ///             Action: sagemaker:CreatePresignedNotebookInstanceUrl
    ///             Resource: '*'
    ///             Condition:
    ///               NotIpAddress:
    ///                 aws:SourceIp: !Ref CorporateCidr
    /// ```
    /// ```hcl
    /// variable "corporate_cidr" {
    ///   default = "128.0.0.0/1"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the corporate network itself: the public ranges the offices and the VPN leave from
    /// (each typically a /24 to a /20), in the policies' `aws:SourceIp` and in `--trusted-cidr`
    /// or `trusted_cidrs`. If a wider public range really is yours alone, raise
    /// `max_trusted_prefix` (or `max_trusted_prefix_v6`) in `.egressproof.toml`: the decision
    /// is then written down and reviewed, not implied by a parameter value.
    code: TrustedNetworkTooWide,
    name: "trusted-network-too-wide",
    severity: Medium,
    summary: "A trusted network is too wide to be a corporate network",
    check: check,
}

/// The actions whose trusted networks the policies name (EP401's).
const PRESIGNED: [&str; 2] = [
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreatePresignedDomainUrl",
];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Unreadable policies are reported by the rules that read them for their own question.
    let iam = Iam::read(ctx, &mut Sink::default(), RULE.code);
    let (source, nets) = trusted_networks(ctx, &iam, &PRESIGNED);
    let public = internet();
    for t in &nets {
        let Some(width) = too_wide(ctx, &t.net, &public) else {
            continue;
        };
        sink.findings.push(report(ctx, source, t, &width));
    }
}

/// How a too-wide network compares with the limit, for the message.
struct Width {
    /// Public addresses in the network (saturating at `u128::MAX`).
    public: u128,
    limit: u8,
}

/// `Some` when the network is too wide to be a corporate network: half an address family or
/// more, or more public addresses than the configured prefix holds.
fn too_wide(ctx: &Context<'_>, net: &IpNet, internet: &Space) -> Option<Width> {
    let inside = Space::net(net).intersect(internet);
    let (public, limit, bits) = match net {
        IpNet::V4(_) => (count(inside.v4.spans()), ctx.options.trust_limit.v4, 32u8),
        IpNet::V6(_) => (count(inside.v6.spans()), ctx.options.trust_limit.v6, 128),
    };
    let max = 1u128
        .checked_shl(u32::from(bits.saturating_sub(limit)))
        .unwrap_or(u128::MAX);
    (net.prefix_len() <= 1 || public > max).then_some(Width { public, limit })
}

/// The number of addresses in sorted, disjoint inclusive spans.
fn count<A: Copy + Into<u128>>(spans: &[(A, A)]) -> u128 {
    spans.iter().fold(0u128, |n, &(lo, hi)| {
        n.saturating_add((hi.into() - lo.into()).saturating_add(1))
    })
}

fn report(ctx: &Context<'_>, source: TrustSource, t: &TrustedNet<'_>, w: &Width) -> Finding {
    let (family, unit) = match t.net {
        IpNet::V4(_) => ("IPv4", "max_trusted_prefix"),
        IpNet::V6(_) => ("IPv6", "max_trusted_prefix_v6"),
    };
    let amount = match t.net {
        IpNet::V4(_) => format!("{} public {family} addresses", thousands(w.public)),
        IpNet::V6(_) => format!(
            "about 2^{} public {family} addresses",
            u128::BITS - 1 - w.public.max(1).leading_zeros()
        ),
    };
    let whence = match (source, t.policy) {
        (TrustSource::Policies, Some(p)) => {
            format!("taken from the aws:SourceIp condition of {}", p.name)
        }
        _ => "configured with --trusted-cidr or trusted_cidrs".to_string(),
    };
    let message = format!(
        "Trusted network {} ({whence}) holds {amount}, more than a /{} ({unit}): it is not a corporate network, yet presigned URLs from it (EP401) and routes toward it (EP203) count as trusted.",
        t.net, w.limit
    );
    let trusted = Hop::external(
        "Internet",
        "public address space",
        format!("{amount} trusted as the corporate network"),
    );
    let mut f = match t.policy {
        Some(p) => finding(
            &RULE,
            p,
            message,
            vec![
                Hop::new(p, format!("aws:SourceIp names {}", t.net)),
                trusted,
            ],
        ),
        None => configured(&t.net, message, trusted),
    };
    // The workloads the trust decides for: presigned URLs open notebooks and Studio; a
    // configured network also decides which routes count as egress, for every workload.
    f.workloads = ctx
        .workloads()
        .filter(|r| {
            source == TrustSource::Configured
                || matches!(r.kind, Kind::NotebookInstance(_) | Kind::Domain(_))
        })
        .map(|r| r.id.clone())
        .collect();
    f
}

/// A finding on a configured trusted CIDR: it is in no file of the scan, so it names the setting.
fn configured(net: &IpNet, message: String, trusted: Hop) -> Finding {
    let setting = Resource::new(
        Ident::new(format!("trusted-cidr:{net}")),
        format!("trusted CIDR {net}"),
        "Configuration",
        Span::default(),
        Kind::Other(Default::default()),
    );
    let mut f = finding(
        &RULE,
        &setting,
        message,
        vec![
            Hop::new(
                &setting,
                "--trusted-cidr or trusted_cidrs in .egressproof.toml",
            ),
            trusted,
        ],
    );
    // Not a resource of the scan: no inline suppression can name it (`--skip EP403` can).
    f.workloads.clear();
    f
}

/// `2147483648` as `2,147,483,648`.
fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_separators() {
        assert_eq!(thousands(2_147_483_648), "2,147,483,648");
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(7), "7");
        assert_eq!(count(&[(0u32, 255u32), (1024, 1024)]), 257);
        assert_eq!(count(&[(0u128, u128::MAX)]), u128::MAX);
    }
}
