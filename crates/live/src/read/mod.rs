//! Talking to AWS: configuration, the read-only guard, concurrency and progress.

mod ec2;
mod iam;
pub(crate) mod org;
mod orgs;
mod sagemaker;

use crate::{is_read_only, Error, Options, Snapshot};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use egressproof_model::{Diagnostic, Ident, Kind, Model, Resource, Span, UnknownCode};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::future::Future;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Takes a snapshot of the account the standard credential chain (or `options.profile`) names.
///
/// Blocking: it runs its own async runtime, so call it from synchronous code. Fails only when
/// nothing could be read (no region, credentials that do not work); a failed or denied call
/// after that becomes an EP904 diagnostic in the snapshot.
pub fn snapshot(options: &Options) -> Result<Snapshot, Error> {
    runtime(options)?.block_on(async {
        let base = base_config(options).await;
        let regions = regions_of(options, &base)?;
        let recorder = Arc::new(Recorder::new(options.progress));
        let read = read_account(&base, &regions, options, recorder.clone(), true).await;
        recorder.finish();
        read
    })
}

/// The async runtime a blocking entry point runs on, once the endpoint URL is checked.
pub(crate) fn runtime(options: &Options) -> Result<tokio::runtime::Runtime, Error> {
    if let Some(url) = &options.endpoint_url {
        crate::check_endpoint_url(url)?;
    }
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The caller's configuration: the standard credential chain (or the profile), the endpoint,
/// the first region, and the retry strategy every client inherits.
pub(crate) async fn base_config(options: &Options) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Throttling is normal on large accounts and organizations: more attempts than the
        // default three, with the standard strategy's exponential backoff and jitter.
        .retry_config(RetryConfig::standard().with_max_attempts(6));
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(first) = options.regions.first() {
        loader = loader.region(Region::new(first.clone()));
    }
    loader.load().await
}

/// The regions to read: those asked for (each once), else the configured one.
pub(crate) fn regions_of(options: &Options, base: &SdkConfig) -> Result<Vec<String>, Error> {
    if options.regions.is_empty() {
        return match base.region() {
            Some(r) => Ok(vec![r.to_string()]),
            None => Err(Error::NoRegion),
        };
    }
    let mut seen = BTreeSet::new();
    Ok(options
        .regions
        .iter()
        .filter(|r| seen.insert(r.as_str()))
        .cloned()
        .collect())
}

/// Every client of one session (the caller's, or a role assumed in a member account), each
/// carrying the read-only guard: the one place clients are built, so no session can send a
/// request the guard has not seen.
pub(crate) struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub iam: aws_sdk_iam::Client,
    pub orgs: aws_sdk_organizations::Client,
    cfg: SdkConfig,
    guard: Guard,
}

impl Clients {
    pub(crate) fn new(cfg: &SdkConfig, guard: Guard) -> Clients {
        Clients {
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(cfg)
                    .interceptor(guard.clone())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(cfg)
                    .interceptor(guard.clone())
                    .build(),
            ),
            orgs: aws_sdk_organizations::Client::from_conf(
                aws_sdk_organizations::config::Builder::from(cfg)
                    .interceptor(guard.clone())
                    .build(),
            ),
            cfg: cfg.clone(),
            guard,
        }
    }

    /// The EC2 and SageMaker clients of one region.
    pub(crate) fn regional(
        &self,
        region: &str,
    ) -> (aws_sdk_ec2::Client, aws_sdk_sagemaker::Client) {
        let cfg: SdkConfig = self
            .cfg
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        (
            aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(&cfg)
                    .interceptor(self.guard.clone())
                    .build(),
            ),
            aws_sdk_sagemaker::Client::from_conf(
                aws_sdk_sagemaker::config::Builder::from(&cfg)
                    .interceptor(self.guard.clone())
                    .build(),
            ),
        )
    }
}

/// Reads one account with the session `cfg` holds, in every region: IAM once, service control
/// policies once when `with_orgs` (an organization's snapshot reads them once for all its
/// accounts), the network and SageMaker per region. Fails only when the session's credentials
/// do not work (`sts:GetCallerIdentity`).
pub(crate) async fn read_account(
    cfg: &SdkConfig,
    regions: &[String],
    options: &Options,
    recorder: Arc<Recorder>,
    with_orgs: bool,
) -> Result<Snapshot, Error> {
    let clients = Clients::new(cfg, Guard::read_only(recorder.clone()));
    let identity = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::Credentials(why(&e)))?;
    let account = identity.account().unwrap_or_default().to_string();
    let partition = partition_of(regions.first().map(String::as_str).unwrap_or("us-east-1"));
    let since = SystemTime::now()
        .checked_sub(options.since)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let ctx = |region: &str| Ctx {
        region: region.to_string(),
        account: account.clone(),
        partition,
        since,
        limit: options.call_concurrency.max(1),
    };

    // Each task says whether it is the IAM listing: that part alone decides whether every
    // principal of the account is in the snapshot (a region's or the organization's part says
    // nothing of principals, and must not make the account read as incomplete).
    let mut tasks: JoinSet<(bool, Model)> = JoinSet::new();
    {
        let (c, iam) = (ctx("global"), clients.iam.clone());
        tasks.spawn(async move { (true, iam::read(&c, &iam).await) });
    }
    if with_orgs {
        let (c, orgs) = (ctx("global"), clients.orgs.clone());
        tasks.spawn(async move { (false, orgs::read(&c, &orgs).await) });
    }
    let regions_at_once = Arc::new(Semaphore::new(options.region_concurrency.max(1)));
    for region in regions {
        let (ec2, sm) = clients.regional(region);
        let c = ctx(region);
        let permit = regions_at_once.clone();
        tasks.spawn(async move {
            let _permit = permit.acquire_owned().await;
            let (mut a, b) = tokio::join!(ec2::read(&c, &ec2), sagemaker::read(&c, &sm));
            a.extend(b);
            (false, a)
        });
    }
    let mut model = Model::default();
    // Unknown until the IAM listing is back: a task that stopped leaves it incomplete.
    let mut principals_complete = false;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((is_iam, m)) => {
                if is_iam {
                    principals_complete = m.principals_complete;
                }
                model.extend(m);
            }
            Err(e) => model.diagnostics.push(Diagnostic::new(
                UnknownCode::EP904,
                format!("a reading task stopped before it finished ({e}): what it would have read is unknown"),
                None,
            )),
        }
    }
    for refused in recorder.refused() {
        model.diagnostics.push(Diagnostic::new(
            UnknownCode::EP904,
            format!("{refused} was refused: the snapshot only calls Describe/List/Get operations"),
            None,
        ));
    }
    model.principals_complete = principals_complete;
    model.notes.push(format!("account {account}"));
    model.notes.push(
        "Network Firewall and Route 53 Resolver DNS Firewall are not read: a route to a firewall \
         endpoint ends at an appliance outside the scan, and no VPC counts as DNS-filtered"
            .into(),
    );
    own_every_resource(&mut model, &account);
    normalise(&mut model);
    Ok(Snapshot {
        model,
        account: Some(account),
        regions: regions.to_vec(),
        operations: recorder.operations(),
    })
}

/// Every resource keeps the account that owns it: the one its ARN names (a subnet shared
/// through AWS RAM, another account's transit gateway attachment), else the reading account.
fn own_every_resource(model: &mut Model, reader: &str) {
    for r in &mut model.resources {
        if r.account.is_none() {
            let owner = crate::arn_account(&r.span.file).unwrap_or(reader);
            r.account = Some(owner.to_string());
        }
    }
}

/// Stable output: resources by ID, diagnostics and notes sorted, duplicates dropped.
pub(crate) fn normalise(model: &mut Model) {
    model.resources.sort_by(|a, b| a.id.cmp(&b.id));
    model.resources.dedup_by(|a, b| a.id == b.id);
    model
        .diagnostics
        .sort_by(|a, b| (a.code, &a.message).cmp(&(b.code, &b.message)));
    model.diagnostics.dedup();
    let mut seen = BTreeSet::new();
    model.notes.retain(|n| seen.insert(n.clone()));
}

pub(crate) fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// What every reader needs to know about where it reads.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    pub region: String,
    pub account: String,
    pub partition: &'static str,
    /// Jobs created before this are not read.
    pub since: SystemTime,
    /// Calls of one kind at the same time.
    pub limit: usize,
}

impl Ctx {
    /// An ARN in this region and account (`resource` is `vpc/vpc-123`, `notebook-instance/x`).
    pub fn arn(&self, service: &str, resource: &str) -> String {
        let region = if self.region == "global" {
            ""
        } else {
            &self.region
        };
        format!(
            "arn:{}:{service}:{region}:{}:{resource}",
            self.partition, self.account
        )
    }
}

/// Awaits one API call (or a whole paginated listing); a failure becomes an EP904 diagnostic
/// that names the operation and what it would have read, located at `scope`.
pub(crate) async fn call<T, E>(
    api: &str,
    reads: &str,
    scope: impl Into<String>,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, Diagnostic>
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let scope = scope.into();
    fut.await.map_err(|e| failed(api, reads, &scope, &why(&e)))
}

/// A short reason: AWS's error code and message when the answer had them, else the error chain
/// (a network failure, an unreadable answer), cut to a readable length.
pub(crate) fn why<E: std::error::Error + ProvideErrorMetadata + 'static>(e: &E) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(msg)) => format!("{code}: {msg}"),
        (Some(code), None) => code.to_string(),
        _ => {
            let mut s = DisplayErrorContext(e).to_string();
            if s.len() > 300 {
                let mut cut = 300;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s.truncate(cut);
                s.push_str("...");
            }
            s
        }
    }
}

pub(crate) fn failed(api: &str, reads: &str, scope: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        UnknownCode::EP904,
        format!("{api} failed, so {reads} could not be read (unknown, not absent): {why}"),
        Some(Span::arn(scope)),
    )
}

/// Runs `f` over `items`, at most `limit` at a time, and merges what each returns.
pub(crate) async fn each<I, F, Fut>(items: Vec<I>, limit: usize, f: F) -> Model
where
    I: Send + 'static,
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Model> + Send + 'static,
{
    let (results, diagnostics) = each_collect(items, limit, f).await;
    let mut out = Model::default();
    for m in results {
        out.extend(m);
    }
    out.diagnostics.extend(diagnostics);
    out
}

/// Runs `f` over `items`, at most `limit` at a time; a task that stops early (a panic in the
/// SDK, a cancelled runtime) becomes an EP904 diagnostic rather than a silent gap.
pub(crate) async fn each_collect<I, R, F, Fut>(
    items: Vec<I>,
    limit: usize,
    f: F,
) -> (Vec<R>, Vec<Diagnostic>)
where
    I: Send + 'static,
    R: Send + 'static,
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    let sem = Arc::new(Semaphore::new(limit.max(1)));
    let f = Arc::new(f);
    let mut set = JoinSet::new();
    for item in items {
        let sem = sem.clone();
        let f = f.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            f(item).await
        });
    }
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => out.push(r),
            Err(e) => diagnostics.push(Diagnostic::new(
                UnknownCode::EP904,
                format!("a reading task stopped before it finished ({e}): what it would have read is unknown"),
                None,
            )),
        }
    }
    (out, diagnostics)
}

/// A resource read from the account, located by its ARN.
pub(crate) fn resource(
    id: impl Into<String>,
    name: impl Into<String>,
    type_name: &str,
    arn: impl Into<String>,
    kind: Kind,
) -> Resource {
    Resource::new(Ident::new(id), name, type_name, Span::arn(arn), kind)
}

/// Every operation that went out, and every one the guard refused.
pub(crate) struct Recorder {
    ops: Mutex<BTreeSet<String>>,
    refused: Mutex<Vec<String>>,
    bar: Option<ProgressBar>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    pub(crate) fn new(progress: bool) -> Self {
        let bar = (progress && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} API calls  {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Recorder {
            ops: Mutex::new(BTreeSet::new()),
            refused: Mutex::new(Vec::new()),
            bar,
        }
    }

    fn record(&self, op: &str) {
        if let Ok(mut ops) = self.ops.lock() {
            ops.insert(op.to_string());
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(op.to_string());
        }
    }

    fn refuse(&self, op: &str) {
        if let Ok(mut r) = self.refused.lock() {
            r.push(op.to_string());
        }
    }

    pub(crate) fn operations(&self) -> Vec<String> {
        self.ops
            .lock()
            .map(|o| o.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn refused(&self) -> Vec<String> {
        self.refused.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The interceptor every client carries: records `service:Operation` and refuses any operation
/// that is not read-only before it is serialized, so nothing that writes can leave this crate.
/// The caller's STS client of an organization's snapshot also lets `sts:AssumeRole` through
/// ([`Guard::assuming_roles`]): it writes nothing, and hands out the member accounts' sessions,
/// whose clients carry the read-only guard again.
#[derive(Clone, Debug)]
pub(crate) struct Guard {
    recorder: Arc<Recorder>,
    also: &'static [&'static str],
}

impl Guard {
    pub(crate) fn read_only(recorder: Arc<Recorder>) -> Guard {
        Guard {
            recorder,
            also: &[],
        }
    }

    /// Read-only, and `sts:AssumeRole`.
    pub(crate) fn assuming_roles(recorder: Arc<Recorder>) -> Guard {
        Guard {
            recorder,
            also: crate::ASSUME_ROLE,
        }
    }

    fn admits(&self, op: &str) -> bool {
        is_read_only(op) || self.also.contains(&op)
    }
}

impl Intercept for Guard {
    fn name(&self) -> &'static str {
        "egressproof-read-only-guard"
    }

    // Not `read_before_execution`: a client's interceptors run that hook before the operation's
    // configuration (and its name) is in the bag. This is still before anything is serialized.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            self.recorder.refuse("an operation without a name");
            return Err("egressproof refuses an operation it cannot name".into());
        };
        let op = format!("{}:{}", service_prefix(meta.service()), meta.name());
        if !self.admits(&op) {
            self.recorder.refuse(&op);
            return Err(format!("egressproof refuses {op}: a snapshot only reads").into());
        }
        self.recorder.record(&op);
        Ok(())
    }
}

/// The IAM action prefix of an SDK service name (`EC2` → `ec2`, `SageMaker` → `sagemaker`).
fn service_prefix(service: &str) -> String {
    service.to_ascii_lowercase().replace(' ', "")
}

/// The `Name` tag, the way people know EC2 resources.
pub(crate) fn display_name(id: &str, name_tag: Option<&str>) -> String {
    match name_tag {
        Some(n) if !n.is_empty() => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}
