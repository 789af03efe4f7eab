//! Monotonicity of the network analysis over generated route tables: adding a route that sends
//! public space to an internet-bound target never turns `leaks` into `sealed`, and removing
//! such a route never turns `sealed` into `leaks`.

mod net_support;

use egressproof_analysis::Verdict;
use egressproof_model::{Attr, Ident, Kind, TargetKind, VpcPeeringConnection};
use net_support::*;
use proptest::prelude::*;

const DESTS: &[&str] = &[
    "0.0.0.0/0",
    "8.0.0.0/8",
    "128.0.0.0/1",
    "8.8.8.0/24",
    "10.0.0.0/8",
    "::/0",
    "2000::/3",
];
const SGS: &[&[&str]] = &[
    &["0.0.0.0/0", "::/0"],
    &["8.8.0.0/16"],
    &["10.0.0.0/8"],
    &["128.0.0.0/2", "2600::/16"],
];

/// Targets: 0 internet gateway, 1 NAT gateway (public subnet routes to the IGW), 2 peering to a
/// VPC in the scan (not egress), 3 NAT gateway in a subnet that routes nowhere.
/// A NAT gateway translates IPv4 only: an IPv6 route to it is a dead end, not a way out (a more
/// specific one can even shadow a leaking `::/0` route), so it is internet-bound for IPv4 only.
fn internet_bound(d: usize, t: usize) -> bool {
    t == 0 || (t == 1 && !DESTS[d].contains(':'))
}

fn build(routes: &[(usize, usize)], sg: usize, nacl_blocks: bool) -> B {
    let mut e = env();
    let other = e.b.vpc("OtherVpc", "10.30.0.0/16");
    let pcx = e.b.add(
        "Peering",
        "AWS::EC2::VPCPeeringConnection",
        Kind::VpcPeeringConnection(VpcPeeringConnection {
            vpc: Attr::Known(e.vpc.clone()),
            peer_vpc: Attr::Known(other),
            peer_owner: None,
        }),
    );
    let nat = e.b.nat("Nat", &e.public);
    let dead = e.b.subnet("DeadEnd", &e.vpc, "10.20.60.0/24");
    let dead_nat = e.b.nat("DeadNat", &dead);
    let sg_id = e.b.sg("GenSg", &e.vpc, SGS[sg]);
    e.b.model.resources.retain(|r| r.name != "Notebook");
    e.b.notebook("Notebook", &e.private, &[&sg_id]);
    if nacl_blocks {
        let private = e.private.clone();
        e.b.nacl("Nacl", &e.vpc, &[&private], &[(100, true, "10.0.0.0/8")]);
    }
    for &(d, t) in routes {
        let (kind, target): (TargetKind, Ident) = match t {
            0 => (TargetKind::Gateway, e.igw.clone()),
            1 => (TargetKind::NatGateway, nat.clone()),
            2 => (TargetKind::VpcPeeringConnection, pcx.clone()),
            _ => (TargetKind::NatGateway, dead_nat.clone()),
        };
        e.b.route(&e.private_rt, DESTS[d], kind, &target);
    }
    e.b
}

fn routes() -> impl Strategy<Value = Vec<(usize, usize)>> {
    // At most one route per destination, as AWS allows.
    proptest::collection::btree_map(0..DESTS.len(), 0usize..4, 0..6)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn adding_an_internet_route_never_seals(rs in routes(), sg in 0..SGS.len(), nacl in any::<bool>(), d in 0..DESTS.len(), t in 0usize..2) {
        let before = build(&rs, sg, nacl).run().verdict;
        let mut more: Vec<(usize, usize)> = rs.iter().copied().filter(|(x, _)| *x != d).collect();
        // Replacing the route for `d` by an internet-bound one may only add egress when the
        // old one was not internet-bound; keep the property to true additions.
        prop_assume!(rs.iter().all(|(x, old)| *x != d || internet_bound(*x, *old)));
        prop_assume!(internet_bound(d, t));
        more.push((d, t));
        let after = build(&more, sg, nacl).run().verdict;
        prop_assert!(!(before == Verdict::Leaks && after == Verdict::Sealed), "{rs:?} + {:?}", (d, t));
    }

    #[test]
    fn removing_an_internet_route_never_leaks(rs in routes(), sg in 0..SGS.len(), nacl in any::<bool>(), pick in any::<prop::sample::Index>()) {
        let bound: Vec<usize> = rs.iter().enumerate().filter(|(_, (d, t))| internet_bound(*d, *t)).map(|(i, _)| i).collect();
        prop_assume!(!bound.is_empty());
        let before = build(&rs, sg, nacl).run().verdict;
        let mut fewer = rs.clone();
        fewer.remove(bound[pick.index(bound.len())]);
        let after = build(&fewer, sg, nacl).run().verdict;
        prop_assert!(!(before == Verdict::Sealed && after == Verdict::Leaks), "{rs:?} -> {fewer:?}");
    }
}

#[test]
fn the_generator_reaches_both_verdicts() {
    assert_eq!(build(&[], 0, false).run().verdict, Verdict::Sealed);
    assert_eq!(build(&[(0, 1)], 0, false).run().verdict, Verdict::Leaks);
    assert_eq!(build(&[(0, 1)], 2, false).run().verdict, Verdict::Sealed);
    assert_eq!(build(&[(0, 0)], 0, true).run().verdict, Verdict::Sealed);
    assert_eq!(
        build(&[(0, 0), (2, 2), (1, 2)], 1, false).run().verdict,
        Verdict::Sealed
    );
    assert_eq!(
        build(&[(0, 0), (2, 2)], 1, false).run().verdict,
        Verdict::Leaks
    );
}
