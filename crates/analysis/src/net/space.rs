//! Sets of IP addresses as sorted, disjoint integer intervals.
//!
//! Route resolution splits "the public address space" by the routes of a table (longest prefix
//! first) and filters it by security groups and NACLs. Doing that on strings or on lists of
//! prefixes would be both slow and wrong at the edges; intervals of `u32` (IPv4) and `u128`
//! (IPv6) make union, intersection and difference exact and linear in the number of intervals.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;

/// An address type: `u32` for IPv4, `u128` for IPv6.
pub trait Addr: Copy + Ord + fmt::Debug {
    const MIN: Self;
    const MAX: Self;
    const BITS: u32;
    fn succ(self) -> Option<Self>;
    fn pred(self) -> Option<Self>;
}

impl Addr for u32 {
    const MIN: Self = 0;
    const MAX: Self = u32::MAX;
    const BITS: u32 = 32;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

impl Addr for u128 {
    const MIN: Self = 0;
    const MAX: Self = u128::MAX;
    const BITS: u32 = 128;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

/// A set of addresses: sorted, disjoint, non-adjacent inclusive intervals.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Ranges<A: Addr> {
    spans: Vec<(A, A)>,
}

impl<A: Addr> fmt::Debug for Ranges<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.spans.iter()).finish()
    }
}

impl<A: Addr> Ranges<A> {
    pub fn empty() -> Self {
        Ranges { spans: Vec::new() }
    }

    pub fn all() -> Self {
        Ranges {
            spans: vec![(A::MIN, A::MAX)],
        }
    }

    /// One interval; `lo > hi` gives the empty set.
    pub fn span(lo: A, hi: A) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            Ranges {
                spans: vec![(lo, hi)],
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn spans(&self) -> &[(A, A)] {
        &self.spans
    }

    /// Builds a set from arbitrary intervals (normalising order, overlap and adjacency).
    pub fn from_spans(mut spans: Vec<(A, A)>) -> Self {
        spans.retain(|(lo, hi)| lo <= hi);
        spans.sort();
        let mut out: Vec<(A, A)> = Vec::with_capacity(spans.len());
        for (lo, hi) in spans {
            if let Some(last) = out.last_mut() {
                let touches = match last.1.succ() {
                    Some(next) => lo <= next,
                    None => true,
                };
                if touches {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                    continue;
                }
            }
            out.push((lo, hi));
        }
        Ranges { spans: out }
    }

    pub fn union(&self, other: &Self) -> Self {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        let mut all = self.spans.clone();
        all.extend_from_slice(&other.spans);
        Self::from_spans(all)
    }

    pub fn intersect(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.spans.len() && j < other.spans.len() {
            let (a_lo, a_hi) = self.spans[i];
            let (b_lo, b_hi) = other.spans[j];
            let lo = a_lo.max(b_lo);
            let hi = a_hi.min(b_hi);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a_hi < b_hi {
                i += 1;
            } else {
                j += 1;
            }
        }
        Ranges { spans: out }
    }

    pub fn difference(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        let mut j = 0;
        for &(lo, hi) in &self.spans {
            let mut cur = Some(lo);
            while j < other.spans.len() && other.spans[j].1 < lo {
                j += 1;
            }
            let mut k = j;
            while let Some(start) = cur {
                if k >= other.spans.len() || other.spans[k].0 > hi {
                    out.push((start, hi));
                    break;
                }
                let (b_lo, b_hi) = other.spans[k];
                if b_lo > start {
                    if let Some(end) = b_lo.pred() {
                        out.push((start, end));
                    }
                }
                cur = if b_hi >= hi { None } else { b_hi.succ() };
                k += 1;
            }
        }
        Ranges { spans: out }
    }

    pub fn intersects(&self, other: &Self) -> bool {
        !self.intersect(other).is_empty()
    }

    pub fn contains_set(&self, other: &Self) -> bool {
        other.difference(self).is_empty()
    }

    /// The set as the fewest CIDR prefixes `(network, prefix length)`, for messages.
    pub fn prefixes(&self) -> Vec<(A, u8)>
    where
        A: PrefixMath,
    {
        let mut out = Vec::new();
        for &(lo, hi) in &self.spans {
            let mut start = lo;
            loop {
                // The largest block aligned at `start` that does not pass `hi`.
                let mut len = A::BITS - start.trailing_zeros_capped();
                loop {
                    let end = start.block_end(len);
                    if end <= hi {
                        break;
                    }
                    len += 1;
                }
                out.push((start, len as u8));
                let end = start.block_end(len);
                match end.succ() {
                    Some(next) if end < hi => start = next,
                    _ => break,
                }
            }
        }
        out
    }
}

/// Bit arithmetic needed to turn intervals back into prefixes.
pub trait PrefixMath: Addr {
    /// Trailing zero bits (all bits for zero).
    fn trailing_zeros_capped(self) -> u32;
    /// The last address of the block of prefix length `len` starting at `self`.
    fn block_end(self, len: u32) -> Self;
}

impl PrefixMath for u32 {
    fn trailing_zeros_capped(self) -> u32 {
        self.trailing_zeros()
    }
    fn block_end(self, len: u32) -> Self {
        let host = 32 - len;
        if host >= 32 {
            u32::MAX
        } else {
            self | ((1u32 << host) - 1)
        }
    }
}

impl PrefixMath for u128 {
    fn trailing_zeros_capped(self) -> u32 {
        self.trailing_zeros()
    }
    fn block_end(self, len: u32) -> Self {
        let host = 128 - len;
        if host >= 128 {
            u128::MAX
        } else {
            self | ((1u128 << host) - 1)
        }
    }
}

pub type V4 = Ranges<u32>;
pub type V6 = Ranges<u128>;

fn v4_range(net: &Ipv4Net) -> (u32, u32) {
    (u32::from(net.network()), u32::from(net.broadcast()))
}

fn v6_range(net: &Ipv6Net) -> (u128, u128) {
    (u128::from(net.network()), u128::from(net.broadcast()))
}

/// A set of IPv4 and IPv6 addresses. The two families never mix: routes, security group rules
/// and NACL entries are per family, and so is longest-prefix match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Space {
    pub v4: V4,
    pub v6: V6,
}

impl Space {
    pub fn empty() -> Self {
        Space::default()
    }

    pub fn all() -> Self {
        Space {
            v4: V4::all(),
            v6: V6::all(),
        }
    }

    pub fn net(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => Self::v4_net(n),
            IpNet::V6(n) => Self::v6_net(n),
        }
    }

    pub fn v4_net(net: &Ipv4Net) -> Self {
        let (lo, hi) = v4_range(net);
        Space {
            v4: V4::span(lo, hi),
            v6: V6::empty(),
        }
    }

    pub fn v6_net(net: &Ipv6Net) -> Self {
        let (lo, hi) = v6_range(net);
        Space {
            v4: V4::empty(),
            v6: V6::span(lo, hi),
        }
    }

    /// The union of many prefixes at once (one sort instead of one merge per prefix).
    pub fn nets<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for n in nets {
            match n {
                IpNet::V4(n) => v4.push(v4_range(n)),
                IpNet::V6(n) => v6.push(v6_range(n)),
            }
        }
        Space {
            v4: V4::from_spans(v4),
            v6: V6::from_spans(v6),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    pub fn union(&self, other: &Space) -> Space {
        Space {
            v4: self.v4.union(&other.v4),
            v6: self.v6.union(&other.v6),
        }
    }

    pub fn intersect(&self, other: &Space) -> Space {
        Space {
            v4: self.v4.intersect(&other.v4),
            v6: self.v6.intersect(&other.v6),
        }
    }

    pub fn difference(&self, other: &Space) -> Space {
        Space {
            v4: self.v4.difference(&other.v4),
            v6: self.v6.difference(&other.v6),
        }
    }

    pub fn intersects(&self, other: &Space) -> bool {
        self.v4.intersects(&other.v4) || self.v6.intersects(&other.v6)
    }

    pub fn contains_set(&self, other: &Space) -> bool {
        self.v4.contains_set(&other.v4) && self.v6.contains_set(&other.v6)
    }

    /// The set as prefixes, IPv4 first.
    pub fn prefixes(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        for (a, len) in self.v4.prefixes() {
            if let Ok(n) = Ipv4Net::new(std::net::Ipv4Addr::from(a), len) {
                out.push(IpNet::V4(n));
            }
        }
        for (a, len) in self.v6.prefixes() {
            if let Ok(n) = Ipv6Net::new(std::net::Ipv6Addr::from(a), len) {
                out.push(IpNet::V6(n));
            }
        }
        out
    }

    /// A short human rendering: up to `max` prefixes, then "and N more".
    pub fn summary(&self, max: usize) -> String {
        let p = self.prefixes();
        if p.is_empty() {
            return "no addresses".into();
        }
        let shown: Vec<String> = p.iter().take(max).map(|n| n.to_string()).collect();
        if p.len() > max {
            format!("{} and {} more prefixes", shown.join(", "), p.len() - max)
        } else {
            shown.join(", ")
        }
    }
}

impl Space {
    /// A reader's description: "every public IPv4 address" when the set is the whole internet
    /// of that family, "every IPv4 address except ..." when it lacks only a few prefixes (a
    /// peered VPC receives private addresses too), else its prefixes (the first few and a count).
    pub fn describe(&self) -> String {
        let net = internet();
        let mut parts = Vec::new();
        for v6 in [false, true] {
            let (family, public_family, everything) = if v6 {
                let only = |v6: &V6| Space {
                    v4: V4::empty(),
                    v6: v6.clone(),
                };
                (only(&self.v6), only(&net.v6), only(&V6::all()))
            } else {
                let only = |v4: &V4| Space {
                    v4: v4.clone(),
                    v6: V6::empty(),
                };
                (only(&self.v4), only(&net.v4), only(&V4::all()))
            };
            let fam = if v6 { "IPv6" } else { "IPv4" };
            let prefixes = family.prefixes();
            let missing = everything.difference(&family).prefixes();
            if prefixes.is_empty() {
                continue;
            }
            if family == public_family {
                parts.push(format!("every public {fam} address"));
            } else if prefixes.len() <= 4 {
                let p: Vec<String> = prefixes.iter().map(|n| n.to_string()).collect();
                parts.push(p.join(", "));
            } else if missing.len() <= 4 {
                let p: Vec<String> = missing.iter().map(|n| n.to_string()).collect();
                parts.push(format!("every {fam} address except {}", p.join(", ")));
            } else {
                let public = if public_family.contains_set(&family) {
                    "public "
                } else {
                    ""
                };
                parts.push(format!(
                    "{public}{fam} addresses in {} prefixes ({} ... {})",
                    prefixes.len(),
                    prefixes[0],
                    prefixes[prefixes.len() - 1]
                ));
            }
        }
        if parts.is_empty() {
            "no addresses".into()
        } else {
            parts.join(" and ")
        }
    }
}

/// Ranges that are never reachable on the internet (RFC 6890 special-purpose registries).
///
/// 192.88.99.0/24 (the deprecated 6to4 relay anycast prefix, RFC 7526) is *not* listed: it may
/// be reassigned and routed again, so counting it as public errs toward "can leak".
/// 64:ff9b::/96 (NAT64) is *not* listed either: behind a NAT gateway it reaches the IPv4
/// internet. 2001::/23 is not listed as a whole because it holds routable Teredo space.
pub const NON_PUBLIC: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "100::/64",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// Every address that is not private, shared, reserved or documentation space.
pub fn internet() -> Space {
    let nets: Vec<IpNet> = NON_PUBLIC.iter().filter_map(|s| s.parse().ok()).collect();
    Space::all().difference(&Space::nets(&nets))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(nets: &[&str]) -> Space {
        let v: Vec<IpNet> = nets.iter().map(|n| n.parse().unwrap()).collect();
        Space::nets(&v)
    }

    #[test]
    fn union_merges_adjacent_and_overlapping() {
        let a = s(&["10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26"]);
        assert_eq!(a.prefixes(), vec!["10.0.0.0/24".parse::<IpNet>().unwrap()]);
    }

    #[test]
    fn difference_splits_intervals() {
        let a = s(&["10.0.0.0/24"]).difference(&s(&["10.0.0.64/26"]));
        let p: Vec<String> = a.prefixes().iter().map(|n| n.to_string()).collect();
        assert_eq!(p, vec!["10.0.0.0/26", "10.0.0.128/25"]);
    }

    #[test]
    fn difference_at_the_ends_of_the_space() {
        let a = Space::all().difference(&s(&["0.0.0.0/1", "::/0"]));
        assert_eq!(a.summary(4), "128.0.0.0/1");
        let b = s(&["0.0.0.0/0"]).difference(&s(&["255.255.255.255/32"]));
        assert!(!b.v4.spans().is_empty());
        assert_eq!(b.v4.spans(), &[(0, u32::MAX - 1)]);
    }

    #[test]
    fn intersection_is_exact() {
        let a = s(&["10.0.0.0/8", "192.168.0.0/16"]);
        let b = s(&["10.1.0.0/16", "192.0.0.0/8"]);
        assert_eq!(a.intersect(&b), s(&["10.1.0.0/16", "192.168.0.0/16"]));
        assert!(!a.intersects(&s(&["11.0.0.0/8"])));
    }

    #[test]
    fn internet_excludes_private_and_documentation_space() {
        let net = internet();
        assert!(!net.intersects(&s(&["10.20.0.0/16", "203.0.113.0/24", "fd00::/8"])));
        assert!(net.contains_set(&s(&["8.8.8.0/24", "2600::/16", "64:ff9b::/96"])));
        assert!(net.contains_set(&s(&["192.88.99.0/24"])));
    }

    #[test]
    fn describe_names_the_whole_internet() {
        assert_eq!(
            internet().describe(),
            "every public IPv4 address and every public IPv6 address"
        );
        assert_eq!(s(&["8.8.8.0/24"]).describe(), "8.8.8.0/24");
        let many = internet().difference(&s(&["8.0.0.0/8"]));
        assert!(
            many.describe().starts_with("public IPv4 addresses in "),
            "{}",
            many.describe()
        );
    }

    #[test]
    fn describe_a_space_with_private_addresses() {
        let all_but_vpc = Space::all().difference(&s(&["10.20.0.0/16", "::/0"]));
        assert_eq!(
            all_but_vpc.describe(),
            "every IPv4 address except 10.20.0.0/16"
        );
        let scattered = s(&[
            "10.0.0.0/24",
            "10.0.2.0/24",
            "10.0.4.0/24",
            "10.0.6.0/24",
            "10.0.8.0/24",
        ]);
        assert!(
            scattered
                .describe()
                .starts_with("IPv4 addresses in 5 prefixes"),
            "{}",
            scattered.describe()
        );
    }

    #[test]
    fn prefixes_of_the_full_space() {
        assert_eq!(Space::all().summary(4), "0.0.0.0/0, ::/0");
    }
}
