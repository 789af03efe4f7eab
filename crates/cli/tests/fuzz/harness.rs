//! Running one input through the scan path, and a proptest run over a generator.
//!
//! Each input is a set of files written into a directory, then loaded and analysed by the same
//! library calls `egressproof scan` makes (`crates/cli/src/commands/scan.rs`): the CloudFormation
//! loader on the YAML/JSON documents, the documents it skipped read again as snapshots or plans,
//! the Terraform loader on every directory holding `.tf` files, the analysis, then every report
//! format. The scan runs on a thread of its own with the main thread's stack size, so that a
//! panic is caught and a hang can be reported without waiting forever.

use crate::known;
use egressproof_analysis::{analyze_scan, Options, Severity, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_model::{Diagnostic, InputKind, Model, Span, UnknownCode};
use egressproof_report::{Format, RenderOptions, ScanSummary};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestError, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

/// The extensions `scan` hands to the CloudFormation loader (`discover.rs`).
const DOCUMENT_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];
/// The seed of the bounded run, so that CI sees the same inputs every time.
const DEFAULT_SEED: u64 = 0x6567_7265_7373_7072;
/// Default bound on the bytes one input's scan allocates in all (its work; see
/// [`Settings::work_limit`]).
const DEFAULT_WORK_MIB: u64 = 256;
/// Default ceiling on the test process's live memory.
const DEFAULT_MEMORY_MIB: usize = 2_048;
/// The stack of the real binary's main thread, where `scan` runs.
const STACK_BYTES: usize = 8 * 1024 * 1024;
/// Name of the threads that scan an input; the panic hook keeps their panics quiet.
const CASE_THREAD: &str = "fuzz-case";

/// One file of an input.
#[derive(Clone, PartialEq, Eq)]
pub struct CaseFile {
    /// Relative to the scanned directory, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl CaseFile {
    pub fn new(path: impl Into<String>, text: impl Into<Vec<u8>>) -> Self {
        CaseFile {
            path: path.into(),
            bytes: text.into(),
        }
    }
}

impl fmt::Debug for CaseFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => write!(f, "--- {} ---\n{text}", self.path),
            Err(_) => write!(f, "--- {} (bytes) ---\n{:?}", self.path, self.bytes),
        }
    }
}

/// The analysis options of a scan, as its flags would give them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub trusted_cidrs: Vec<String>,
    /// 0 info, 1 low, 2 medium (the default), 3 high.
    pub fail_on: u8,
    pub skip: Vec<String>,
}

impl Flags {
    fn options(&self) -> Options {
        let severity = match self.fail_on {
            0 => "info",
            1 => "low",
            3 => "high",
            _ => "medium",
        };
        Options {
            trusted_cidrs: self
                .trusted_cidrs
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            fail_on: Severity::parse(severity).unwrap_or(Severity::Medium),
            skip_rules: self.skip.iter().filter_map(|r| r.parse().ok()).collect(),
            ..Options::default()
        }
    }
}

/// One input: files scanned together, and the flags of the scan.
#[derive(Clone, PartialEq, Eq)]
pub struct Case {
    pub files: Vec<CaseFile>,
    pub flags: Flags,
    /// The input is a template, configuration, plan or snapshot by construction, so `scan` must
    /// read it (a verdict), never answer that there is nothing to scan.
    pub readable: bool,
}

impl Case {
    pub fn new(files: Vec<CaseFile>, readable: bool) -> Self {
        Case {
            files,
            flags: Flags {
                fail_on: 2,
                ..Flags::default()
            },
            readable,
        }
    }
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flags.trusted_cidrs.len() + self.flags.skip.len() > 0 || self.flags.fail_on != 2 {
            writeln!(f, "flags: {:?}", self.flags)?;
        }
        for file in &self.files {
            writeln!(f, "{file:?}")?;
        }
        Ok(())
    }
}

/// What `scan` ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Verdict {
        /// The scan's: the worst of the environments in scope (`sealed` when none is).
        verdict: Verdict,
        /// False when no environment was in scope (`out-of-scope`, exit 0).
        in_scope: bool,
        files: usize,
        resources: usize,
        diagnostics: usize,
        /// EP901 among them: files that could not be read or parsed.
        unparsed: usize,
        /// What in the result contradicts the rest of it (an environment sealed with
        /// unknowns, a report with another verdict).
        contradiction: Option<String>,
    },
    /// `scan` exits 2: no file was a template, configuration, plan or snapshot.
    NothingToScan,
}

/// Why an input failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Panic {
        message: String,
        location: String,
    },
    /// Finished, but allocated more than the work bound in all; `phase` is the part of the
    /// scan that took longest (`load terraform`, `analysis`, `render junit`, ...).
    Heavy {
        mib: u64,
        phase: &'static str,
    },
    /// Finished, but over the time bound given by `EGRESSPROOF_FUZZ_TIME_LIMIT_MS` (twice, to
    /// rule out a busy machine); `phase` as for [`Failure::Heavy`].
    Slow {
        millis: u128,
        phase: &'static str,
    },
    /// Not finished after the hang bound, in `phase`; the scanning thread is left behind.
    Hang {
        seconds: u64,
        phase: &'static str,
    },
    /// The scan read the input but produced no verdict, or a verdict that contradicts itself.
    NoVerdict(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Panic { message, location } => write!(f, "panic at {location}: {message}"),
            Failure::Heavy { mib, phase } => write!(
                f,
                "allocated {mib} MiB, over the work bound of {} MiB, most of the time in {phase}",
                settings().work_limit >> 20
            ),
            Failure::Slow { millis, phase } => write!(
                f,
                "took {millis} ms, over the bound of {} ms, most of it in {phase}",
                settings().time_limit.map_or(0, |t| t.as_millis())
            ),
            Failure::Hang { seconds, phase } => {
                write!(f, "did not finish in {seconds} s (hang), in {phase}")
            }
            Failure::NoVerdict(why) => write!(f, "no verdict: {why}"),
        }
    }
}

/// The run's settings, from the environment.
pub struct Settings {
    /// `EGRESSPROOF_FUZZ_CASES`: cases per target instead of the bounded run's.
    pub cases: Option<u32>,
    /// `EGRESSPROOF_FUZZ_SEED`.
    pub seed: u64,
    /// `EGRESSPROOF_FUZZ_WORK_MIB`, in bytes: the bound on what one input's scan allocates in
    /// all. Work, not time, is the default bound: it is the same on a busy machine as on an
    /// idle one, and an evaluation that grows past its limits builds what it computes.
    pub work_limit: u64,
    /// `EGRESSPROOF_FUZZ_TIME_LIMIT_MS`: a bound on the time of one input's scan as well, for
    /// long runs on a machine of their own (none by default).
    pub time_limit: Option<Duration>,
    /// Past this the scanning thread is abandoned and the input reported as a hang.
    pub hang_limit: Duration,
    /// Where inputs are written: left behind if the process dies (stack overflow, memory).
    pub work: PathBuf,
    /// `EGRESSPROOF_FUZZ_KEEP=1`: leave every input there, to read what the generators write.
    pub keep: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static MEMORY_CEILING: AtomicUsize = AtomicUsize::new(usize::MAX);
static MEMORY_MESSAGE: OnceLock<String> = OnceLock::new();
static CASE_COUNTER: AtomicU64 = AtomicU64::new(0);

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    match raw.trim().parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={raw}: not a number"),
    }
}

pub fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| {
        let time_limit = env_number("EGRESSPROOF_FUZZ_TIME_LIMIT_MS").map(Duration::from_millis);
        let work_limit = env_number("EGRESSPROOF_FUZZ_WORK_MIB")
            .unwrap_or(DEFAULT_WORK_MIB)
            .saturating_mul(1024 * 1024);
        let memory = env_number("EGRESSPROOF_FUZZ_MEMORY_MIB")
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(DEFAULT_MEMORY_MIB);
        let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("egressproof-fuzz-{}", std::process::id()));
        let _ = MEMORY_MESSAGE.set(format!(
            "\nfuzz: the test process passed its memory ceiling of {memory} MiB \
             (EGRESSPROOF_FUZZ_MEMORY_MIB); the inputs being scanned are under {}\n",
            work.display()
        ));
        MEMORY_CEILING.store(memory.saturating_mul(1024 * 1024), Ordering::Relaxed);
        Settings {
            cases: env_number("EGRESSPROOF_FUZZ_CASES")
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            seed: env_number("EGRESSPROOF_FUZZ_SEED").unwrap_or(DEFAULT_SEED),
            work_limit,
            time_limit,
            hang_limit: time_limit
                .map_or(Duration::ZERO, |t| t * 10)
                .max(Duration::from_secs(20)),
            work,
            keep: env_number("EGRESSPROOF_FUZZ_KEEP").is_some_and(|n| n != 0),
        }
    })
}

thread_local! {
    /// The counter of the scan this thread works for, if any (see [`timed_scan`]).
    static SCAN_BYTES: std::cell::Cell<Option<&'static AtomicU64>> =
        const { std::cell::Cell::new(None) };
}

/// Makes this thread count what it allocates into `bytes`.
fn count_allocations_in(bytes: &'static AtomicU64) {
    SCAN_BYTES.with(|s| s.set(Some(bytes)));
}

/// Called by the allocator on every allocation (a grown buffer counts its new size: it may be
/// copied whole): no allocation, no lock.
pub fn count_allocation(size: usize) {
    let _ = SCAN_BYTES.try_with(|s| {
        if let Some(c) = s.get() {
            c.fetch_add(size as u64, Ordering::Relaxed);
        }
    });
}

/// Read by the allocator on every allocation: no allocation, no lock.
pub fn memory_ceiling() -> usize {
    MEMORY_CEILING.load(Ordering::Relaxed)
}

/// Called once by the allocator when the ceiling is passed, just before the allocation fails.
pub fn report_memory_ceiling() {
    if let Some(message) = MEMORY_MESSAGE.get() {
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(message.as_bytes());
    }
}

/// Panics seen by the hook: message and location, matched to the caught payload by message
/// (the payload carries no location, and a panic on a pool thread is re-raised on the caller).
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not a string)".to_string()
    }
}

/// Records every panic; those of scanning threads (and of the unnamed pool threads they use)
/// are not printed, since each is reported with its input.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = payload_message(info.payload());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_else(|| "(unknown location)".to_string());
            let quiet = std::thread::current()
                .name()
                .is_none_or(|n| n.starts_with(CASE_THREAD));
            // A panic inside the standard library (`capacity overflow`) is located by the
            // first frame of egressproof's own code that led to it.
            let location = if location.starts_with("/rustc/") {
                match first_own_frame(&std::backtrace::Backtrace::force_capture().to_string()) {
                    Some(frame) => format!("{frame} (in {location})"),
                    None => location,
                }
            } else {
                location
            };
            if let Ok(mut panics) = PANICS.lock() {
                if panics.len() > 256 {
                    panics.drain(..128);
                }
                panics.push((message, location));
            }
            if !quiet {
                default(info);
            }
        }));
    });
}

/// `function at crates/x/src/y.rs:line:col` of the first backtrace frame in the workspace's
/// library code.
fn first_own_frame(backtrace: &str) -> Option<String> {
    let lines: Vec<&str> = backtrace.lines().collect();
    lines.windows(2).find_map(|w| {
        let at = w[1].trim().strip_prefix("at ")?;
        let i = at.find("crates/")?;
        let path = &at[i..];
        if path.starts_with("crates/cli/tests/") {
            return None;
        }
        let function = w[0].trim().split_once(": ").map_or("", |(_, f)| f);
        Some(format!("{function} at {path}"))
    })
}

fn panic_location(message: &str) -> String {
    PANICS
        .lock()
        .ok()
        .and_then(|p| {
            p.iter()
                .rev()
                .find(|(m, _)| m == message)
                .map(|(_, l)| l.clone())
        })
        .unwrap_or_else(|| "(unknown location)".to_string())
}

/// A scan of the files written under a directory, timing its phases.
pub type Scanner = fn(&Path, &[CaseFile], &Options, &Phases) -> Outcome;

/// How long each part of a scan took, shared with the thread that runs it so that a hang is
/// reported with the part it is stuck in.
#[derive(Clone, Default)]
pub struct Phases(Arc<Mutex<PhaseLog>>);

/// Each phase begun, with its time once it ended.
type PhaseLog = Vec<(&'static str, Option<Duration>)>;

impl Phases {
    pub fn run<T>(&self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let i = match self.0.lock() {
            Ok(mut log) => {
                log.push((name, None));
                log.len() - 1
            }
            Err(_) => usize::MAX,
        };
        let started = Instant::now();
        let out = f();
        if let Ok(mut log) = self.0.lock() {
            if let Some(entry) = log.get_mut(i) {
                entry.1 = Some(started.elapsed());
            }
        }
        out
    }

    /// How long `egressproof scan` would take: every phase but the renderings, plus the slowest
    /// rendering (a scan renders one format; the harness renders all of them). `None` when no
    /// phase was timed.
    fn scan_time(&self) -> Option<Duration> {
        let log = self.0.lock().ok()?;
        let finished = || {
            log.iter()
                .filter_map(|(name, took)| took.map(|t| (*name, t)))
        };
        let rendering = |name: &str| name.starts_with("render ");
        let work: Duration = finished()
            .filter(|(name, _)| !rendering(name))
            .map(|(_, t)| t)
            .sum();
        let render = finished()
            .filter(|(name, _)| rendering(name))
            .map(|(_, t)| t)
            .max()
            .unwrap_or_default();
        (!log.is_empty()).then_some(work + render)
    }

    /// The phase still running, else the one that took longest.
    fn main(&self) -> &'static str {
        let Ok(log) = self.0.lock() else {
            return "(unknown)";
        };
        if let Some((name, _)) = log.iter().rev().find(|(_, took)| took.is_none()) {
            return name;
        }
        log.iter()
            .max_by_key(|(_, took)| *took)
            .map_or("(unknown)", |(name, _)| *name)
    }
}

/// The library calls of `scan`, in its order (`commands/scan.rs`, `loaders.rs`,
/// `discover.rs`), for the files of one input.
pub fn scan(dir: &Path, files: &[CaseFile], options: &Options, phases: &Phases) -> Outcome {
    let started = Instant::now();
    let mut documents: Vec<(String, PathBuf)> = Vec::new();
    let mut tf_dirs: BTreeSet<String> = BTreeSet::new();
    for f in files {
        let path = dir.join(&f.path);
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if ext == "tf" {
            tf_dirs.insert(
                f.path
                    .rsplit_once('/')
                    .map(|(d, _)| d.to_string())
                    .unwrap_or_default(),
            );
        } else if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
            documents.push((f.path.clone(), path));
        }
    }
    documents.sort();
    documents.dedup();
    let inputs: Vec<Input> = documents
        .iter()
        .map(|(display, path)| Input {
            path: path.clone(),
            display: display.clone(),
        })
        .collect();
    let loaded = phases.run("load cloudformation", || {
        load(&inputs, &LoadOptions::default())
    });
    let mut model = loaded.model;
    let mut read = loaded.templates;
    let mut skipped = loaded.not_ours.len();
    for input in &loaded.skipped {
        match phases.run("load snapshot or plan", || {
            other_json(&input.path, &input.display)
        }) {
            Other::Model(m) => {
                model.extend(m);
                read += 1;
            }
            Other::Unreadable(message) => model.diagnostics.push(Diagnostic::new(
                UnknownCode::EP901,
                message,
                Some(Span::new(input.display.clone(), 0, 0)),
            )),
            Other::Neither => skipped += 1,
        }
    }
    if !tf_dirs.is_empty() {
        let dirs: Vec<(PathBuf, String)> =
            tf_dirs.iter().map(|d| (dir.join(d), d.clone())).collect();
        let tf = phases.run("load terraform", || {
            egressproof_load_tf::load_dirs(&dirs, &egressproof_load_tf::TfOptions::default())
        });
        model.extend(tf.model);
        read += tf.files;
    }
    if read == 0 && model.diagnostics.is_empty() {
        return Outcome::NothingToScan;
    }
    let resources = model.resources.len();
    let diagnostics = model.diagnostics.len();
    let unparsed = model
        .diagnostics
        .iter()
        .filter(|d| d.code == UnknownCode::EP901)
        .count();
    let scan = phases.run("analysis", || analyze_scan(model, options, &[]));
    let summary = ScanSummary {
        files: read,
        skipped,
        resources,
        workloads: scan.in_scope().map(|e| e.analysis.workloads.len()).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    let mut contradiction = scan
        .in_scope()
        .find(|e| e.analysis.verdict == Verdict::Sealed && !e.analysis.unknowns.is_empty())
        .map(|e| format!("environment {} is sealed with unknowns", e.name));
    for format in Format::ALL {
        let phase = match format {
            Format::Text => "render text",
            Format::Json => "render json",
            Format::Sarif => "render sarif",
            Format::Junit => "render junit",
            Format::Html => "render html",
        };
        let report = phases.run(phase, || {
            egressproof_report::render_scan(&scan, &summary, format, &RenderOptions::default())
        });
        if format == Format::Json {
            let said = serde_json::from_str::<serde_json::Value>(&report)
                .map(|doc| doc["verdict"].as_str().unwrap_or_default().to_string());
            let verdict = if scan.nothing_in_scope() {
                "out-of-scope"
            } else {
                scan.verdict.as_str()
            };
            match said {
                Ok(said) if said == verdict => {}
                Ok(said) => {
                    contradiction = Some(format!("the JSON report says {said}, not {verdict}"));
                }
                Err(e) => contradiction = Some(format!("the JSON report is not JSON: {e}")),
            }
        }
    }
    Outcome::Verdict {
        verdict: scan.verdict,
        in_scope: !scan.nothing_in_scope(),
        files: read,
        resources,
        diagnostics,
        unparsed,
        contradiction,
    }
}

enum Other {
    Model(Model),
    Unreadable(String),
    Neither,
}

/// `read_other_json` of `scan`: a skipped `.json` document as a snapshot or a plan.
fn other_json(path: &Path, display: &str) -> Other {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Other::Neither;
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Other::Unreadable(format!("{display}: could not be read: {e}")),
    };
    // An empty file declares nothing, in every format.
    if text.trim().is_empty() {
        return Other::Neither;
    }
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => return Other::Unreadable(format!("{display}: not valid JSON: {e}")),
    };
    // Each is one input of the scan, as `loaders::other_json` declares it.
    if let Some(snapshot) = Model::from_snapshot(&doc) {
        return match snapshot {
            Ok(mut m) => {
                m.as_input(display, InputKind::Snapshot, Vec::new(), Vec::new());
                Other::Model(m)
            }
            Err(e) => Other::Unreadable(format!("{display}: not a valid snapshot: {e}")),
        };
    }
    match egressproof_load_tf::load_plan(&doc, display) {
        Some(mut m) => {
            m.as_input(display, InputKind::Plan, Vec::new(), Vec::new());
            Other::Model(m)
        }
        None => Other::Neither,
    }
}

/// Writes the input into a fresh directory under the work directory.
fn write_case(case: &Case) -> std::io::Result<PathBuf> {
    let n = CASE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = settings().work.join(format!("case-{n}"));
    // Another test may remove the (empty) work directory between the two levels created here.
    let mut created = std::fs::create_dir_all(&dir);
    for _ in 0..3 {
        if created.is_ok() {
            break;
        }
        created = std::fs::create_dir_all(&dir);
    }
    created?;
    for f in &case.files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.bytes)?;
    }
    Ok(dir)
}

/// One timed scan on a thread of its own.
fn timed_scan(
    scanner: Scanner,
    dir: &Path,
    case: &Case,
    limit: Duration,
) -> Result<Timed, Failure> {
    let (tx, rx) = mpsc::channel();
    let dir = dir.to_path_buf();
    let files = case.files.clone();
    let options = case.flags.options();
    let phases = Phases::default();
    let shared = phases.clone();
    let spawned = std::thread::Builder::new()
        .name(CASE_THREAD.to_string())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            // The scan runs on a pool of its own, whose threads count what they allocate: the
            // loaders' parallel work is counted, and no other test's is.
            let bytes: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .stack_size(STACK_BYTES)
                .thread_name(|_| CASE_THREAD.to_string())
                .start_handler(move |_| count_allocations_in(bytes))
                .build();
            let pool = match pool {
                Ok(p) => p,
                Err(e) => panic!("cannot start a scanning pool: {e}"),
            };
            let started = Instant::now();
            let result = pool.install(|| {
                std::panic::catch_unwind(|| scanner(&dir, &files, &options, &shared))
                    .map_err(|p| payload_message(p.as_ref()))
            });
            let _ = tx.send((result, started.elapsed(), bytes.load(Ordering::Relaxed)));
        });
    if let Err(e) = spawned {
        panic!("cannot start a scanning thread: {e}");
    }
    match rx.recv_timeout(limit) {
        Ok((result, wall, bytes)) => Ok(Timed {
            result,
            took: phases.scan_time().unwrap_or(wall),
            bytes,
            phase: phases.main(),
        }),
        Err(_) => Err(Failure::Hang {
            seconds: limit.as_secs(),
            phase: phases.main(),
        }),
    }
}

/// What one scanning thread reported.
struct Timed {
    /// The outcome, or the message of the panic.
    result: Result<Outcome, String>,
    /// What one `egressproof scan` of the input would take (see [`Phases::scan_time`]).
    took: Duration,
    /// What the scan allocated in all.
    bytes: u64,
    /// The phase that took longest.
    phase: &'static str,
}

/// The bounds one input's scan is held to: its work (bytes allocated in all) and, when given,
/// its time.
#[derive(Clone, Copy)]
pub struct Bounds {
    pub work: u64,
    pub time: Option<Duration>,
}

impl Bounds {
    /// The run's bounds, from the settings.
    pub fn of_run() -> Bounds {
        Bounds {
            work: settings().work_limit,
            time: settings().time_limit,
        }
    }
}

/// What one scan cost: its time, what it allocated, and the phase that took longest.
#[derive(Clone, Copy)]
pub struct Cost {
    pub took: Duration,
    pub bytes: u64,
    pub phase: &'static str,
}

/// Runs one input and checks the three properties.
pub fn check(case: &Case, scanner: Scanner) -> Result<Outcome, Failure> {
    check_bounded(case, scanner, Bounds::of_run()).map(|(outcome, _)| outcome)
}

/// [`check`] within `bounds`, with what the scan cost.
pub fn check_bounded(
    case: &Case,
    scanner: Scanner,
    bounds: Bounds,
) -> Result<(Outcome, Cost), Failure> {
    install_panic_hook();
    let dir = match write_case(case) {
        Ok(d) => d,
        Err(e) => panic!(
            "cannot write an input under {}: {e}",
            settings().work.display()
        ),
    };
    let result = check_written(case, scanner, &dir, bounds);
    // A hung scan may still be reading the directory: it is left behind with the input.
    if !settings().keep && !matches!(result, Err(Failure::Hang { .. })) {
        let _ = std::fs::remove_dir_all(&dir);
        // Removed only once empty: the other tests of the run write there too.
        let _ = std::fs::remove_dir(&settings().work);
    }
    result
}

fn check_written(
    case: &Case,
    scanner: Scanner,
    dir: &Path,
    bounds: Bounds,
) -> Result<(Outcome, Cost), Failure> {
    let Timed {
        result,
        mut took,
        bytes,
        phase,
    } = timed_scan(scanner, dir, case, settings().hang_limit)?;
    let outcome = result.map_err(|message| Failure::Panic {
        location: panic_location(&message),
        message,
    })?;
    if bytes > bounds.work {
        return Err(Failure::Heavy {
            mib: bytes >> 20,
            phase,
        });
    }
    if let Some(limit) = bounds.time.filter(|l| took > *l) {
        // Once more before calling it slow: the machine may have been busy.
        took = took.min(timed_scan(scanner, dir, case, settings().hang_limit)?.took);
        if took > limit {
            return Err(Failure::Slow {
                millis: took.as_millis(),
                phase,
            });
        }
    }
    let cost = Cost { took, bytes, phase };
    match &outcome {
        Outcome::NothingToScan if case.readable => Err(Failure::NoVerdict(
            "scan found nothing to read in an input built as a template, configuration, plan \
             or snapshot"
                .to_string(),
        )),
        Outcome::Verdict {
            contradiction: Some(why),
            ..
        } => Err(Failure::NoVerdict(why.clone())),
        // A file that did not parse could hold anything, so it is in scope and never sealed.
        Outcome::Verdict {
            verdict: Verdict::Sealed,
            unparsed,
            in_scope,
            ..
        } if *unparsed > 0 => Err(Failure::NoVerdict(format!(
            "{} with {unparsed} file(s) that could not be read (EP901)",
            if *in_scope {
                "sealed"
            } else {
                "nothing in scope"
            }
        ))),
        _ => Ok((outcome, cost)),
    }
}

/// Counts of one target's run.
#[derive(Default)]
struct Stats {
    cases: u32,
    sealed: u32,
    leaks: u32,
    unproven: u32,
    nothing: u32,
    out_of_scope: u32,
    unparsed: u32,
    resources: usize,
    slowest: Duration,
    /// The input that allocated most, with what it allocated and its longest phase.
    heaviest: Option<(Case, u64, &'static str)>,
    /// Inputs that failed as a recorded crash does, by its id.
    known: std::collections::BTreeMap<&'static str, u32>,
}

/// Runs `strategy` through proptest with the run's seed and case count, checking each input;
/// fails with the shrunk input and what went wrong.
pub fn fuzz<S>(target: &'static str, default_cases: u32, strategy: S)
where
    S: Strategy<Value = Case>,
{
    let s = settings();
    let cases = s.cases.unwrap_or(default_cases);
    let seed = s.seed ^ fnv(target);
    let config = Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 4_096,
        max_shrink_time: 120_000,
        max_global_rejects: cases.saturating_mul(4),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let stats = RefCell::new(Stats::default());
    let hung = Cell::new(false);
    let started = Instant::now();
    let result = runner.run(&strategy, |case| {
        // After a hang, shrinking would leave a spinning thread per attempt: report it as found.
        if hung.get() {
            return Ok(());
        }
        let mut st = stats.borrow_mut();
        st.cases += 1;
        let result = check_bounded(&case, scan, Bounds::of_run()).map(|(outcome, cost)| {
            st.slowest = st.slowest.max(cost.took);
            if st.heaviest.as_ref().is_none_or(|(_, b, _)| cost.bytes > *b) {
                st.heaviest = Some((case.clone(), cost.bytes, cost.phase));
            }
            outcome
        });
        match result {
            Ok(Outcome::Verdict {
                in_scope: false,
                resources,
                ..
            }) => {
                st.resources += resources;
                st.out_of_scope += 1;
                Ok(())
            }
            Ok(Outcome::Verdict {
                verdict,
                resources,
                unparsed,
                ..
            }) => {
                st.resources += resources;
                st.unparsed += u32::from(unparsed > 0);
                match verdict {
                    Verdict::Sealed => st.sealed += 1,
                    Verdict::Leaks => st.leaks += 1,
                    Verdict::Unproven => st.unproven += 1,
                }
                Ok(())
            }
            Ok(Outcome::NothingToScan) => {
                st.nothing += 1;
                Ok(())
            }
            Err(failure) => {
                if let Some(k) = known::matching(&failure) {
                    *st.known.entry(k.id).or_default() += 1;
                    return Ok(());
                }
                if matches!(failure, Failure::Hang { .. }) {
                    hung.set(true);
                }
                Err(TestCaseError::fail(failure.to_string()))
            }
        }
    });
    let st = stats.into_inner();
    let heaviest = st.heaviest.as_ref().map_or(0, |(_, b, _)| *b);
    eprintln!(
        "fuzz {target}: {} inputs in {:.1} s (seed {seed:#x}): {} sealed, {} leaks, {} unproven, \
         {} nothing in scope, {} nothing to scan; {} with a file that did not parse; \
         {} resources; heaviest input {} MiB allocated; slowest {} ms; known crashes met: {:?}",
        st.cases,
        started.elapsed().as_secs_f64(),
        st.sealed,
        st.leaks,
        st.unproven,
        st.out_of_scope,
        st.nothing,
        st.unparsed,
        st.resources,
        heaviest >> 20,
        st.slowest.as_millis(),
        st.known,
    );
    // Within the bound but near it: worth a look in a long run.
    if let Some((case, bytes, phase)) = st.heaviest.as_ref().filter(|h| h.1 * 2 > s.work_limit) {
        let text = format!("{case:?}");
        let shown: String = text.chars().take(20_000).collect();
        eprintln!(
            "fuzz {target}: the heaviest input allocated {} MiB (most of the time in {phase}), \
             over half the bound:\n{shown}",
            bytes >> 20
        );
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => {
            let smaller = if hung.get() { case } else { minimize(case) };
            panic!(
                "fuzz {target}: an input fails: {reason}\n\
                 (EGRESSPROOF_FUZZ_SEED={}; record it in known.rs only if it cannot be fixed \
                 now)\nminimal input:\n{smaller:?}",
                s.seed
            )
        }
        Err(TestError::Abort(reason)) => panic!("fuzz {target}: run aborted: {reason}"),
    }
}

/// Whether two failures are the same bug: the same kind, and for a panic the same place.
fn same_failure(a: &Failure, b: &Failure) -> bool {
    match (a, b) {
        (Failure::Panic { location: x, .. }, Failure::Panic { location: y, .. }) => x == y,
        (Failure::Slow { phase: x, .. }, Failure::Slow { phase: y, .. }) => x == y,
        (Failure::Heavy { phase: x, .. }, Failure::Heavy { phase: y, .. }) => x == y,
        (Failure::NoVerdict(_), Failure::NoVerdict(_)) => true,
        _ => false,
    }
}

/// Proptest shrinks the generated structure; this then removes whole files and runs of lines
/// (halves, quarters, ... single lines) while the input still fails the same way, so that a
/// mutated fixture is reported as the few lines that matter.
pub fn minimize(case: Case) -> Case {
    let Err(first) = check(&case, scan) else {
        return case;
    };
    let budget = Instant::now() + Duration::from_secs(120);
    let still_fails = |c: &Case| {
        Instant::now() < budget && check(c, scan).is_err_and(|f| same_failure(&f, &first))
    };
    let mut best = case;
    let mut i = 0;
    while i < best.files.len() && best.files.len() > 1 {
        let mut c = best.clone();
        c.files.remove(i);
        if still_fails(&c) {
            best = c;
        } else {
            i += 1;
        }
    }
    for f in 0..best.files.len() {
        let mut lines: Vec<Vec<u8>> = best.files[f]
            .bytes
            .split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        let mut chunk = lines.len().div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < lines.len() {
                let end = (start + chunk).min(lines.len());
                let mut fewer = lines.clone();
                fewer.drain(start..end);
                let mut c = best.clone();
                c.files[f].bytes = fewer.concat();
                if still_fails(&c) {
                    best = c;
                    lines = fewer;
                } else {
                    start = end;
                }
            }
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
    }
    best
}

/// FNV-1a: a stable seed per target from its name.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn panicking(_: &Path, _: &[CaseFile], _: &Options, _: &Phases) -> Outcome {
    let v: Vec<u8> = Vec::new();
    let i = v.len() + 3;
    Outcome::Verdict {
        verdict: Verdict::Sealed,
        in_scope: true,
        files: usize::from(v[i]),
        resources: 0,
        diagnostics: 0,
        unparsed: 0,
        contradiction: None,
    }
}

/// The time bound of the self-test's slow scanner.
const SELF_TEST_TIME: Duration = Duration::from_millis(100);
/// The work bound of the self-test's heavy scanner.
const SELF_TEST_WORK: u64 = 64 << 20;

fn slow(_: &Path, _: &[CaseFile], _: &Options, phases: &Phases) -> Outcome {
    phases.run("load cloudformation", || {});
    phases.run("render junit", || {
        std::thread::sleep(SELF_TEST_TIME + Duration::from_millis(50));
    });
    Outcome::NothingToScan
}

/// Allocates past [`SELF_TEST_WORK`] in all, never holding more than 16 MiB.
fn heavy(_: &Path, _: &[CaseFile], _: &Options, phases: &Phases) -> Outcome {
    phases.run("load cloudformation", || {});
    phases.run("analysis", || {
        for _ in 0..=SELF_TEST_WORK / (16 << 20) {
            std::hint::black_box(vec![1u8; 16 << 20]);
        }
    });
    Outcome::NothingToScan
}

fn stuck(_: &Path, _: &[CaseFile], _: &Options, phases: &Phases) -> Outcome {
    phases.run("load terraform", || {
        std::thread::sleep(Duration::from_secs(2))
    });
    Outcome::NothingToScan
}

fn nothing(_: &Path, _: &[CaseFile], _: &Options, _: &Phases) -> Outcome {
    Outcome::NothingToScan
}

fn sealed_despite_unknowns(_: &Path, _: &[CaseFile], _: &Options, _: &Phases) -> Outcome {
    Outcome::Verdict {
        verdict: Verdict::Sealed,
        in_scope: true,
        files: 1,
        resources: 0,
        diagnostics: 2,
        unparsed: 2,
        contradiction: None,
    }
}

/// The harness against scanners that misbehave on purpose, and the real scan on an input with
/// a known verdict.
pub fn self_test() {
    let case = Case::new(
        vec![CaseFile::new(
            "t.yaml",
            "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n",
        )],
        true,
    );
    match check(&case, panicking) {
        Err(Failure::Panic { message, location }) => {
            assert!(message.contains("index out of bounds"), "{message}");
            assert!(location.contains("harness.rs"), "{location}");
        }
        other => panic!("a panic was not caught: {other:?}"),
    }
    // Past the work bound: the scan allocated more than it may, whatever the machine.
    let too_heavy = check_bounded(
        &case,
        heavy,
        Bounds {
            work: SELF_TEST_WORK,
            time: None,
        },
    )
    .map(|(outcome, _)| outcome);
    assert!(
        matches!(
            too_heavy,
            Err(Failure::Heavy {
                phase: "analysis",
                mib,
            }) if mib >= SELF_TEST_WORK >> 20
        ),
        "{too_heavy:?}"
    );
    // Within it when the scan allocates little.
    let not_ours = Case::new(vec![CaseFile::new("x.yaml", "a: 1\n")], false);
    assert!(check_bounded(
        &not_ours,
        nothing,
        Bounds {
            work: SELF_TEST_WORK,
            time: None
        }
    )
    .is_ok());
    // Slow twice in a row (the second run rules out a busy machine), when a time bound is given.
    let too_slow = check_bounded(
        &case,
        slow,
        Bounds {
            work: SELF_TEST_WORK,
            time: Some(SELF_TEST_TIME),
        },
    )
    .map(|(outcome, _)| outcome);
    assert!(
        matches!(
            too_slow,
            Err(Failure::Slow {
                phase: "render junit",
                ..
            })
        ),
        "{too_slow:?}"
    );
    assert!(matches!(check(&case, nothing), Err(Failure::NoVerdict(_))));
    // A scan past the hang bound is abandoned and reported with the phase it is stuck in.
    let hung = timed_scan(stuck, Path::new("."), &case, Duration::from_millis(200));
    assert!(
        matches!(
            hung,
            Err(Failure::Hang {
                phase: "load terraform",
                ..
            })
        ),
        "a hang was not reported: {:?}",
        hung.map(|t| t.result)
    );
    assert!(matches!(
        check(&case, sealed_despite_unknowns),
        Err(Failure::NoVerdict(_))
    ));
    // A recorded crash is recognised by its signature, and only by it.
    let recorded = [
        known::Known {
            id: "panic",
            description: "a panic",
            files: &[],
            signature: known::Signature::Panic {
                location: "harness.rs",
                message: "index out of bounds",
            },
        },
        known::Known {
            id: "slow",
            description: "slow on notebooks",
            files: &[],
            signature: known::Signature::Slow {
                phase: "render junit",
            },
        },
    ];
    let found = |f: Result<Outcome, Failure>| {
        f.err()
            .and_then(|f| known::matching_in(&recorded, &f))
            .map(|k| k.id)
    };
    assert_eq!(found(check(&case, panicking)), Some("panic"));
    assert_eq!(found(too_slow), Some("slow"));
    // A heavy analysis is not the recorded slow rendering.
    assert_eq!(found(too_heavy), None);
    assert_eq!(found(check(&case, nothing)), None);
    let not_a_template = Case::new(vec![CaseFile::new("x.yaml", "a: 1\n")], false);
    assert_eq!(check(&not_a_template, nothing), Ok(Outcome::NothingToScan));
    // AWS's default for DirectInternetAccess is Enabled: the real scan says leaks.
    match check(&case, scan) {
        Ok(Outcome::Verdict { verdict, files, .. }) => {
            assert_eq!((verdict, files), (Verdict::Leaks, 1))
        }
        other => panic!("the notebook scanned as {other:?}"),
    }
}
