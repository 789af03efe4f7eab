//! An organization's snapshot: what to read (accounts, OUs, the shard), and how the accounts'
//! snapshots are written (one file per account, or one merged file). Pure data, so that
//! sharding and merging are tested without the AWS SDK.
//!
//! Every account's snapshot names the organization as a shared name
//! ([`SharedName::Organization`]): scanned together, the files of one organization are one
//! environment, where a workload's path crosses accounts (a transit gateway of the network
//! account, a subnet shared through AWS RAM). A resource that another account of the
//! organization owns (and that its own snapshot holds) is kept by its owner only, so that
//! files of one organization never repeat a resource.

use crate::Snapshot;
use egressproof_model::{InputKind, Model, SharedName};
use std::collections::BTreeSet;

/// What an organization's snapshot reads besides what [`crate::Options`] says.
#[derive(Clone, Debug)]
pub struct OrgOptions {
    /// The role assumed in each member account.
    pub role_name: String,
    /// `sts:ExternalId` when the member accounts' roles ask for one.
    pub external_id: Option<String>,
    /// Only these accounts (empty: every active account).
    pub accounts: Vec<String>,
    /// Only the accounts under these OUs (or roots), at any depth (empty: no restriction).
    pub ous: Vec<String>,
    /// How many accounts are read at the same time.
    pub jobs: usize,
    /// Only this shard of the selected accounts.
    pub shard: Option<Shard>,
}

impl Default for OrgOptions {
    fn default() -> Self {
        OrgOptions {
            role_name: "OrganizationAccountAccessRole".into(),
            external_id: None,
            accounts: Vec::new(),
            ous: Vec::new(),
            jobs: 4,
            shard: None,
        }
    }
}

/// Shard `index` of `count` (`--shard 2/8`): the accounts whose 12-digit ID, as a number, is
/// `index` modulo `count`. It depends on the account alone, never on the listing's order or on
/// which other accounts exist, so every shard of a run reads a disjoint part and together they
/// read every account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("invalid shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the account belongs to this shard. An ID that is not a number (never an AWS
    /// account's) is placed by a fixed hash of its text (FNV-1a), still independent of order.
    pub fn holds(&self, account: &str) -> bool {
        let key = account.parse::<u64>().unwrap_or_else(|_| {
            account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        });
        key % self.count == self.index
    }

    /// The first shard also reads what belongs to the organization as a whole (its OU tree and
    /// service control policies), once for all shards.
    pub fn reads_organization(&self) -> bool {
        self.index == 0
    }
}

/// An organization's snapshot: one snapshot per account read, and the organization's own (its
/// OU tree and service control policies, read with the caller's credentials; `None` for a shard
/// other than the first).
#[derive(Clone, Debug, Default)]
pub struct OrgSnapshot {
    /// `o-...`.
    pub organization_id: String,
    pub organization: Option<Snapshot>,
    /// Sorted by account ID. An account that could not be read holds an EP904 saying why.
    pub accounts: Vec<Snapshot>,
}

impl OrgSnapshot {
    /// The files of `-o DIR/`: `ACCOUNT.json` per account, and `o-....json` for the
    /// organization's own snapshot.
    pub fn files(&self) -> Vec<(String, &Snapshot)> {
        let mut out: Vec<(String, &Snapshot)> = self
            .accounts
            .iter()
            .map(|s| {
                let name = s.account.as_deref().unwrap_or("account");
                (format!("{}.json", file_safe(name)), s)
            })
            .collect();
        if let Some(org) = &self.organization {
            out.push((format!("{}.json", file_safe(&self.organization_id)), org));
        }
        out
    }

    /// One snapshot holding every account (`-o FILE`, standard output).
    pub fn merged(&self) -> Snapshot {
        merge(self.organization.iter().chain(&self.accounts))
    }
}

/// Keeps a file name to the characters of account and organization IDs.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Several snapshots as one: models appended, resources sorted and each kept once (accounts of
/// one organization keep only what they own, so a repeat is the same resource twice), the
/// operations of all, and the organization's shared names kept.
pub fn merge<'a>(snapshots: impl IntoIterator<Item = &'a Snapshot>) -> Snapshot {
    let mut model = Model::default();
    let mut regions = BTreeSet::new();
    let mut operations = BTreeSet::new();
    let mut names = BTreeSet::new();
    for s in snapshots {
        for input in &s.model.inputs {
            names.extend(input.provides.iter().cloned());
            names.extend(input.uses.iter().cloned());
        }
        let mut m = s.model.clone();
        m.inputs.clear();
        model.extend(m);
        regions.extend(s.regions.iter().cloned());
        operations.extend(s.operations.iter().cloned());
    }
    model.resources.sort_by(|a, b| a.id.cmp(&b.id));
    model.resources.dedup_by(|a, b| a.id == b.id);
    model
        .diagnostics
        .sort_by(|a, b| (a.code, &a.message).cmp(&(b.code, &b.message)));
    model.diagnostics.dedup();
    let mut seen = BTreeSet::new();
    model.notes.retain(|n| seen.insert(n.clone()));
    let names: Vec<SharedName> = names.into_iter().collect();
    if !names.is_empty() {
        model.as_input("organization", InputKind::Snapshot, names.clone(), names);
    }
    Snapshot {
        model,
        account: None,
        regions: regions.into_iter().collect(),
        operations: operations.into_iter().collect(),
    }
}

/// Makes a snapshot one account of an organization: it names the organization (the accounts
/// scanned together join into one environment), and drops what another selected account owns
/// (that account's snapshot holds it; were that account unreadable, its EP904 is in the same
/// environment). Only the live reader calls it (and the tests here), so without the `live`
/// feature it is not compiled.
#[cfg(any(feature = "live", test))]
pub fn as_member(snapshot: &mut Snapshot, organization: &str, selected: &BTreeSet<String>) {
    let me = snapshot.account.clone().unwrap_or_default();
    snapshot.model.resources.retain(|r| match &r.account {
        Some(owner) if *owner != me => !selected.contains(owner),
        _ => true,
    });
    let name = vec![SharedName::Organization(organization.to_string())];
    let display = if me.is_empty() {
        organization.to_string()
    } else {
        me
    };
    snapshot
        .model
        .as_input(display, InputKind::Snapshot, name.clone(), name);
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{Ident, Kind, Resource, Span};

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["8/8", "1/0", "x/2", "1", "-1/2", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    /// Every account is in exactly one shard, whatever the order it is listed in.
    #[test]
    fn shards_partition_the_accounts() {
        let accounts: Vec<String> = (0..1000u64)
            .map(|i| format!("{:012}", 111_122_223_333 + i * 7919))
            .collect();
        for count in [1, 2, 3, 7, 16] {
            let mut seen = 0;
            for index in 0..count {
                let shard = Shard { index, count };
                let mine: Vec<&String> = accounts.iter().filter(|a| shard.holds(a)).collect();
                let mut reversed: Vec<&String> =
                    accounts.iter().rev().filter(|a| shard.holds(a)).collect();
                reversed.reverse();
                assert_eq!(mine, reversed);
                // Roughly even: no shard is empty with 1000 accounts.
                assert!(!mine.is_empty() || count > 1000);
                seen += mine.len();
            }
            assert_eq!(seen, accounts.len(), "{count} shards");
        }
        let placed = (0..3)
            .filter(|&index| Shard { index, count: 3 }.holds("not-a-number"))
            .count();
        assert_eq!(placed, 1);
    }

    fn res(id: &str, account: &str) -> Resource {
        let mut r = Resource::new(
            Ident::new(id),
            id,
            "AWS::EC2::Subnet",
            Span::arn(format!("arn:aws:ec2:eu-west-1:{account}:subnet/{id}")),
            Kind::Other(Default::default()),
        );
        r.account = Some(account.to_string());
        r
    }

    fn snap(account: &str, resources: Vec<Resource>) -> Snapshot {
        let mut s = Snapshot {
            account: Some(account.into()),
            regions: vec!["eu-west-1".into()],
            ..Snapshot::default()
        };
        s.model.resources = resources;
        s
    }

    #[test]
    fn a_member_keeps_what_it_owns_and_what_no_selected_account_owns() {
        let selected: BTreeSet<String> = ["111111111111", "222222222222"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut s = snap(
            "222222222222",
            vec![
                res("subnet-own", "222222222222"),
                res("subnet-shared", "111111111111"),
                res("subnet-outside", "999999999999"),
            ],
        );
        as_member(&mut s, "o-abc", &selected);
        let ids: Vec<&str> = s.model.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["subnet-own", "subnet-outside"]);
        let input = &s.model.inputs[0];
        assert_eq!(input.name, "222222222222");
        assert_eq!(input.provides, [SharedName::Organization("o-abc".into())]);
        assert_eq!(input.uses, input.provides);
    }

    #[test]
    fn files_and_the_merged_snapshot() {
        let selected = BTreeSet::new();
        let mut a = snap("111111111111", vec![res("subnet-a", "111111111111")]);
        let mut b = snap("222222222222", vec![res("subnet-b", "222222222222")]);
        as_member(&mut a, "o-abc", &selected);
        as_member(&mut b, "o-abc", &selected);
        let org = OrgSnapshot {
            organization_id: "o-abc".into(),
            organization: None,
            accounts: vec![a, b],
        };
        let names: Vec<String> = org.files().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["111111111111.json", "222222222222.json"]);
        let merged = org.merged();
        assert_eq!(merged.model.resources.len(), 2);
        assert_eq!(merged.model.inputs.len(), 1);
        assert_eq!(
            merged.model.inputs[0].provides,
            [SharedName::Organization("o-abc".into())]
        );
        assert_eq!(file_safe("../x"), "___x");
    }
}
