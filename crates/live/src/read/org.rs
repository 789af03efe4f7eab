//! An organization's snapshot: the caller (the management account or a delegated
//! administrator) lists the accounts, assumes a role in each, and reads each like a single
//! account, a few accounts at a time.
//!
//! The caller's own clients admit `sts:AssumeRole` besides the read-only operations; every
//! member session is built by [`Clients::new`] with the read-only guard, like a single
//! account's, and its credentials are assumed again by the caller's client before they expire
//! ([`MemberRole`]). An account that cannot be read (no such role, access denied) is an EP904 in its
//! own snapshot, and the others are still read.

use super::orgs;
use super::{
    base_config, partition_of, read_account, regions_of, runtime, why, Clients, Ctx, Guard,
    Recorder,
};
use crate::org::as_member;
use crate::{Error, Options, OrgOptions, OrgSnapshot, Snapshot};
use aws_config::identity::IdentityCache;
use aws_config::SdkConfig;
use aws_credential_types::provider::{error::CredentialsError, future};
use aws_sdk_sts::config::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use egressproof_model::{Diagnostic, Model, Span, UnknownCode};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Takes a snapshot of every selected account of the caller's organization.
///
/// Blocking, like [`crate::snapshot`]. Fails when the organization cannot be listed (the
/// caller is not its management account or a delegated administrator) or a selection names
/// an account or OU the organization does not hold; an account that cannot be read after that
/// is an EP904 in its own snapshot.
pub fn snapshot_org(options: &Options, org: &OrgOptions) -> Result<OrgSnapshot, Error> {
    runtime(options)?.block_on(org_async(options, org))
}

/// The caller: its session, account and partition.
struct Caller {
    clients: Clients,
    base: SdkConfig,
    account: String,
    partition: &'static str,
    recorder: Arc<Recorder>,
}

async fn caller(options: &Options) -> Result<(Caller, Vec<String>), Error> {
    let base = base_config(options).await;
    let regions = regions_of(options, &base)?;
    let recorder = Arc::new(Recorder::new(false));
    let clients = Clients::new(&base, Guard::assuming_roles(recorder.clone()));
    let me = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::Credentials(why(&e)))?;
    let account = me.account().unwrap_or_default().to_string();
    let partition = partition_of(regions.first().map(String::as_str).unwrap_or("us-east-1"));
    Ok((
        Caller {
            clients,
            base,
            account,
            partition,
            recorder,
        },
        regions,
    ))
}

async fn org_async(options: &Options, org: &OrgOptions) -> Result<OrgSnapshot, Error> {
    let (caller, regions) = caller(options).await?;
    let orgs = &caller.clients.orgs;
    let described = orgs.describe_organization().send().await.map_err(|e| {
        Error::Organization(format!("organizations:DescribeOrganization: {}", why(&e)))
    })?;
    let organization_id = described
        .organization()
        .and_then(|o| o.id())
        .unwrap_or_default()
        .to_string();
    let listed: Vec<aws_sdk_organizations::types::Account> = orgs
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| Error::Organization(format!("organizations:ListAccounts: {}", why(&e))))?
        .into_iter()
        .flat_map(|page| page.accounts.unwrap_or_default())
        .collect();
    let ctx = Ctx {
        region: "global".into(),
        account: caller.account.clone(),
        partition: caller.partition,
        since: SystemTime::UNIX_EPOCH,
        limit: options.call_concurrency.max(1),
    };
    let tree = orgs::tree(&ctx, orgs).await;
    let mut notes = Vec::new();
    let selected = select(&listed, org, &tree, &mut notes)?;
    let mine: Vec<String> = selected
        .iter()
        .filter(|a| org.shard.is_none_or(|s| s.holds(a)))
        .cloned()
        .collect();

    let organization = if org.shard.is_none_or(|s| s.reads_organization()) {
        let mut model = tree.model.clone();
        model.extend(orgs::read(&ctx, orgs).await);
        model.notes.extend(notes);
        model.notes.push(format!("organization {organization_id}"));
        super::normalise(&mut model);
        let mut snap = Snapshot {
            model,
            account: Some(caller.account.clone()),
            regions: regions.clone(),
            operations: Vec::new(),
        };
        own_org_resources(&mut snap.model, &caller.account);
        // The organization's part (its tree, policies and shares) lists no account's
        // principals, so it leaves completeness to the accounts' own IAM listings beside it:
        // read as incomplete, it would make every environment of the organization so.
        snap.model.principals_complete = true;
        as_member(&mut snap, &organization_id, &BTreeSet::new());
        snap.model.inputs[0].name = organization_id.clone();
        Some(snap)
    } else {
        None
    };

    let accounts = read_members(&caller, &regions, options, org, &mine, &selected).await;
    let mut out = OrgSnapshot {
        organization_id: organization_id.clone(),
        organization,
        accounts,
    };
    for s in &mut out.accounts {
        as_member(s, &organization_id, &selected);
    }
    if let Some(o) = &mut out.organization {
        o.operations = caller.recorder.operations();
    }
    Ok(out)
}

/// The organization's own resources (its tree and policies) belong to the caller's account.
fn own_org_resources(model: &mut Model, caller: &str) {
    for r in &mut model.resources {
        if r.account.is_none() {
            r.account = Some(caller.to_string());
        }
    }
}

/// The accounts to read, sorted: the active ones, narrowed by `--accounts` and `--ou`.
fn select(
    listed: &[aws_sdk_organizations::types::Account],
    org: &OrgOptions,
    tree: &orgs::Tree,
    notes: &mut Vec<String>,
) -> Result<BTreeSet<String>, Error> {
    let mut active = BTreeSet::new();
    for a in listed {
        let Some(id) = a.id() else { continue };
        match a.status().map(|s| s.as_str()) {
            Some("ACTIVE") | None => {
                active.insert(id.to_string());
            }
            Some(other) => notes.push(format!(
                "account {id} is {other}: not read (it runs nothing while not active)"
            )),
        }
    }
    for id in &org.accounts {
        if !active.contains(id) {
            return Err(Error::Organization(format!(
                "--accounts: {id} is not an active account of the organization"
            )));
        }
    }
    let mut selected: BTreeSet<String> = if org.accounts.is_empty() {
        active.clone()
    } else {
        org.accounts.iter().cloned().collect()
    };
    if !org.ous.is_empty() {
        if !tree.complete {
            return Err(Error::Organization(
                "--ou: the organization's tree could not be read in full".into(),
            ));
        }
        let mut under = BTreeSet::new();
        for ou in &org.ous {
            if !tree.parents.contains_key(ou) && !tree.roots.contains(ou) {
                return Err(Error::Organization(format!(
                    "--ou: {ou} is not an OU or root of the organization"
                )));
            }
            under.extend(tree.accounts_under(ou));
        }
        selected.retain(|a| under.contains(a));
    }
    selected.retain(|a| active.contains(a));
    Ok(selected)
}

/// Reads the accounts, `org.jobs` at a time; each one's progress on stderr.
async fn read_members(
    caller: &Caller,
    regions: &[String],
    options: &Options,
    org: &OrgOptions,
    mine: &[String],
    _selected: &BTreeSet<String>,
) -> Vec<Snapshot> {
    let progress = Progress::new(options.progress, mine.len());
    let jobs = Arc::new(Semaphore::new(org.jobs.max(1)));
    let mut set: JoinSet<Snapshot> = JoinSet::new();
    for account in mine {
        let account = account.clone();
        let jobs = jobs.clone();
        let sts = caller.clients.sts.clone();
        let base = caller.base.clone();
        let regions = regions.to_vec();
        let options = options.clone();
        let own = account == caller.account;
        let role = format!(
            "arn:{}:iam::{account}:role/{}",
            caller.partition, org.role_name
        );
        let external_id = org.external_id.clone();
        let progress = progress.clone();
        set.spawn(async move {
            let _permit = jobs.acquire_owned().await;
            progress.start(&account);
            // The caller's own account is read with the caller's credentials (the management
            // account has no OrganizationAccountAccessRole).
            let session = if own {
                Ok(base)
            } else {
                assume(&sts, &base, &role, external_id.as_deref()).await
            };
            let snap = match session {
                Ok(cfg) => {
                    let recorder = Arc::new(Recorder::new(false));
                    match read_account(&cfg, &regions, &options, recorder, false).await {
                        Ok(s) => s,
                        Err(e) => unreadable(&account, &regions, &format!("{e}")),
                    }
                }
                Err(why) => unreadable(
                    &account,
                    &regions,
                    &format!("sts:AssumeRole into {role} failed: {why}"),
                ),
            };
            progress.done(&snap);
            snap
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(s) => out.push(s),
            Err(e) => {
                let mut s = Snapshot::default();
                s.model.diagnostics.push(Diagnostic::new(
                    UnknownCode::EP904,
                    format!("an account's reading task stopped before it finished ({e}): what it would have read is unknown"),
                    None,
                ));
                out.push(s);
            }
        }
    }
    progress.finish();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    out
}

/// An account that could not be read at all: an EP904 that says why, so that the organization's
/// verdict is `unproven`, never `sealed` without it.
fn unreadable(account: &str, regions: &[String], why: &str) -> Snapshot {
    let mut model = Model::default();
    model.diagnostics.push(Diagnostic::new(
        UnknownCode::EP904,
        format!(
            "account {account} could not be read, so everything in it is unknown (not absent): {why}"
        ),
        Some(Span::arn(format!("account {account}"))),
    ));
    model.notes.push(format!("account {account}"));
    Snapshot {
        model,
        account: Some(account.to_string()),
        regions: regions.to_vec(),
        operations: Vec::new(),
    }
}

/// How long a member account's credentials last: AWS's default for `sts:AssumeRole`, which every
/// role accepts (a role's maximum is at least one hour).
const SESSION_LENGTH: Duration = Duration::from_secs(3600);

/// A member session's credentials are renewed between this long and half as long before they
/// expire (the SDK's identity cache adds up to half of it as jitter), so that no request of a
/// read that outlasts them is signed with credentials about to expire.
const RENEW_BEFORE: Duration = Duration::from_secs(10 * 60);

/// A member account's credentials: `sts:AssumeRole` through the caller's guarded STS client,
/// again each time the session's identity cache finds them within [`RENEW_BEFORE`] of expiry,
/// so a read that outlasts one session (a large organization, many regions) keeps working.
///
/// Not aws-config's `AssumeRoleProvider`: it builds its own STS client from a configuration,
/// and a configuration carries no interceptor, so that client's `sts:AssumeRole` would leave
/// unguarded and unrecorded. Here the caller's client, the only one that admits
/// `sts:AssumeRole`, makes every call; the SDK's lazy identity cache decides when.
#[derive(Debug)]
struct MemberRole {
    sts: aws_sdk_sts::Client,
    role: String,
    external_id: Option<String>,
    length: Duration,
    /// The first credentials, assumed before the session is built (so that a role that cannot
    /// be assumed is reported as such) and handed to the cache's first load.
    first: Mutex<Option<Credentials>>,
    /// How many times the role was assumed.
    assumed: Arc<AtomicUsize>,
}

impl MemberRole {
    fn new(
        sts: &aws_sdk_sts::Client,
        role: &str,
        external_id: Option<&str>,
        length: Duration,
    ) -> MemberRole {
        MemberRole {
            sts: sts.clone(),
            role: role.to_string(),
            external_id: external_id.map(str::to_string),
            length,
            first: Mutex::new(None),
            assumed: Arc::default(),
        }
    }

    /// One `sts:AssumeRole`.
    async fn assume(&self) -> Result<Credentials, String> {
        self.assumed.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .sts
            .assume_role()
            .role_arn(&self.role)
            .role_session_name("egressproof-snapshot")
            .duration_seconds(i32::try_from(self.length.as_secs()).unwrap_or(i32::MAX))
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|e| why(&e))?;
        let c = answer
            .credentials()
            .ok_or("the answer holds no credentials")?;
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            SystemTime::try_from(*c.expiration()).ok(),
            "egressproof-assumed-role",
        ))
    }

    /// The member session: the caller's configuration (endpoint, retries, region) with these
    /// credentials behind an identity cache of its own, shared by every client built from it.
    /// Fails when the role cannot be assumed.
    async fn session(self, base: &SdkConfig) -> Result<SdkConfig, String> {
        let first = self.assume().await?;
        if let Ok(mut slot) = self.first.lock() {
            *slot = Some(first);
        }
        Ok(base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(self))
            .identity_cache(IdentityCache::lazy().buffer_time(RENEW_BEFORE).build())
            .build())
    }
}

impl ProvideCredentials for MemberRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            if let Some(c) = self.first.lock().ok().and_then(|mut slot| slot.take()) {
                return Ok(c);
            }
            self.assume().await.map_err(|why| {
                CredentialsError::provider_error(format!(
                    "sts:AssumeRole into {} failed: {why}",
                    self.role
                ))
            })
        })
    }
}

/// A session in a member account, through the caller's guarded STS client.
async fn assume(
    sts: &aws_sdk_sts::Client,
    base: &SdkConfig,
    role: &str,
    external_id: Option<&str>,
) -> Result<SdkConfig, String> {
    MemberRole::new(sts, role, external_id, SESSION_LENGTH)
        .session(base)
        .await
}

/// For tests of the guard: assumes the role in `account` as an organization's snapshot does,
/// builds that session's clients the one way every session's are built, and tries three
/// operations that write or escalate (`ec2:CreateVpc`, `iam:CreateRole`, `sts:AssumeRole`).
/// Returns what the session's guard refused (all three when it holds).
#[doc(hidden)]
pub fn probe_write_in_member(
    options: &Options,
    org: &OrgOptions,
    account: &str,
) -> Result<Vec<String>, Error> {
    runtime(options)?.block_on(async {
        let (caller, regions) = caller(options).await?;
        let role = format!(
            "arn:{}:iam::{account}:role/{}",
            caller.partition, org.role_name
        );
        let cfg = assume(
            &caller.clients.sts,
            &caller.base,
            &role,
            org.external_id.as_deref(),
        )
        .await
        .map_err(Error::Organization)?;
        let recorder = Arc::new(Recorder::new(false));
        let member = Clients::new(&cfg, Guard::read_only(recorder.clone()));
        let (ec2, _) = member.regional(regions.first().map(String::as_str).unwrap_or("us-east-1"));
        let _ = ec2.create_vpc().cidr_block("10.99.0.0/16").send().await;
        let _ = member
            .iam
            .create_role()
            .role_name("egressproof-probe")
            .assume_role_policy_document("{}")
            .send()
            .await;
        let _ = member
            .sts
            .assume_role()
            .role_arn(&role)
            .role_session_name("probe")
            .send()
            .await;
        Ok(recorder.refused())
    })
}

/// Per-account progress on stderr: a bar when stderr is a terminal, a line per account
/// finished in any case.
#[derive(Clone)]
struct Progress {
    on: bool,
    bar: Option<ProgressBar>,
    started: Arc<std::sync::Mutex<BTreeSet<String>>>,
}

impl Progress {
    fn new(on: bool, total: usize) -> Progress {
        let bar = (on && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}/{len} accounts  {msg}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            on,
            bar,
            started: Arc::default(),
        }
    }

    fn start(&self, account: &str) {
        if let Ok(mut s) = self.started.lock() {
            s.insert(account.to_string());
            if let Some(bar) = &self.bar {
                let reading: Vec<&str> = s.iter().map(String::as_str).collect();
                bar.set_message(format!("reading {}", reading.join(", ")));
            }
        }
    }

    fn done(&self, snap: &Snapshot) {
        let account = snap.account.as_deref().unwrap_or("?");
        if let Ok(mut s) = self.started.lock() {
            s.remove(account);
        }
        if !self.on {
            return;
        }
        let line = format!(
            "account {account}: {} resources, {} unknowns",
            snap.model.resources.len(),
            snap.model.diagnostics.len()
        );
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Against moto (`scripts/with-moto`), which answers `sts:AssumeRole` with credentials that
/// expire `DurationSeconds` from now and checks neither AWS's 15-minute minimum nor a role's
/// maximum, so a session shorter than the renewal margin is renewed before every request.
#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: &str = "210987654321";

    fn options() -> Options {
        let endpoint = std::env::var("EGRESSPROOF_MOTO_ENDPOINT").unwrap_or_else(|_| {
            panic!(
                "EGRESSPROOF_MOTO_ENDPOINT is unset: these tests need a moto server. Run them as \
                 `scripts/with-moto cargo test -p egressproof-live --features live`"
            )
        });
        Options {
            endpoint_url: Some(endpoint),
            regions: vec!["us-east-1".into()],
            progress: false,
            ..Options::default()
        }
    }

    /// Sends `requests` calls through a member session whose credentials last `length`, and
    /// answers how many times the role was assumed (the first time included). Every call must
    /// reach the member account.
    fn assumptions(length: Duration, requests: usize) -> usize {
        let options = options();
        runtime(&options).expect("a runtime").block_on(async {
            let (caller, _) = caller(&options).await.expect("the caller's session");
            let role = format!("arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole");
            let member_role = MemberRole::new(&caller.clients.sts, &role, Some("x-1"), length);
            let assumed = member_role.assumed.clone();
            let cfg = member_role
                .session(&caller.base)
                .await
                .expect("the role is assumed");
            let member = Clients::new(&cfg, Guard::read_only(Arc::new(Recorder::new(false))));
            for _ in 0..requests {
                let me = member
                    .sts
                    .get_caller_identity()
                    .send()
                    .await
                    .expect("the member session's credentials work");
                assert_eq!(me.account(), Some(MEMBER));
            }
            assert_eq!(
                caller.recorder.operations(),
                ["sts:AssumeRole", "sts:GetCallerIdentity"],
                "the caller's guarded client assumed the role"
            );
            assumed.load(Ordering::Relaxed)
        })
    }

    /// Credentials within RENEW_BEFORE of their expiry are renewed before the next request: a
    /// read longer than one session keeps a working session.
    #[test]
    fn credentials_near_expiry_are_renewed() {
        assert!(Duration::from_secs(60) < RENEW_BEFORE / 2);
        assert_eq!(assumptions(Duration::from_secs(60), 3), 3);
    }

    /// Fresh credentials are reused by every request: one `sts:AssumeRole` per session.
    #[test]
    fn fresh_credentials_are_reused() {
        assert_eq!(assumptions(SESSION_LENGTH, 3), 1);
    }
}
