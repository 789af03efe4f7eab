//! Fuzzing on stable Rust: generated and mutated inputs of every format through the loading,
//! analysis and rendering path of `egressproof scan`, asserting for each input that the scan
//! does not panic, ends within a bound on its work, and gives a verdict that does not
//! contradict itself (a file that did not parse never leaves it sealed).
//!
//! Why a test target and not `cargo fuzz`: libFuzzer needs a nightly compiler and a second
//! toolchain in CI, while the properties that matter here (no panic, bounded time, a verdict) are
//! checked as well by structure-aware generators (proptest) that know CloudFormation, HCL, plan
//! and snapshot JSON, plus byte-level mutation of the repository's fixtures. Generated inputs
//! reach the semantic code (intrinsics, conditions, `count`, modules, definitions) that random
//! bytes rarely get past the parsers to; mutated fixtures reach the parsers' error paths.
//!
//! - `cargo test -p egressproof --test fuzz` runs a bounded, reproducible run (a fixed seed per
//!   target, a few hundred cases in all).
//! - `EGRESSPROOF_FUZZ_CASES=100000 cargo test --release -p egressproof --test fuzz` runs each
//!   target that many cases; `EGRESSPROOF_FUZZ_SEED=<n>` explores other inputs.
//! - The per-input bound is on work: `EGRESSPROOF_FUZZ_WORK_MIB` (256 by default) bounds the
//!   bytes one input's scan allocates in all, the same on a busy machine as on an idle one.
//!   `EGRESSPROOF_FUZZ_TIME_LIMIT_MS` adds a bound on its time (none by default: a loaded CI
//!   machine would fail it), for long runs on a machine of their own; past 20 s (or ten times
//!   the time bound) a scan is reported as a hang.
//! - `EGRESSPROOF_FUZZ_MEMORY_MIB` is the ceiling on the process's live memory (2048 by
//!   default): past it the run stops and says where the inputs being scanned were written.
//! - `EGRESSPROOF_FUZZ_KEEP=1` keeps every input under `target/tmp`, to read what the
//!   generators write.
//!
//! A failing input is shrunk (panics and slow inputs, by proptest and then by removing lines;
//! a hang is reported as found) and printed with its files; a slow one names the phase of the
//! scan that took the time (`load terraform`, `analysis`, `render junit`, ...). Crashes that are known and not yet fixed are listed in `known.rs` with their
//! signature: a generated input that fails that way is counted, not failed, and each recorded
//! input is re-run to check that it still fails only as recorded.

mod cfn;
mod harness;
mod hcl;
mod known;
mod mutate;
mod plan;
mod snapshot;
mod style;

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The allocator of the real binary, with a ceiling on live memory. An input that makes the
/// scan take all memory would otherwise take the machine with it; past the ceiling the process
/// stops with a message saying where the inputs being scanned were written.
struct Capped;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static REPORTED: AtomicBool = AtomicBool::new(false);

#[global_allocator]
static GLOBAL: Capped = Capped;

impl Capped {
    fn admit(&self, size: usize) -> bool {
        harness::count_allocation(size);
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        if live <= harness::memory_ceiling() {
            return true;
        }
        LIVE.fetch_sub(size, Ordering::Relaxed);
        if !REPORTED.swap(true, Ordering::Relaxed) {
            harness::report_memory_ceiling();
        }
        false
    }
}

// SAFETY: every call is forwarded to mimalloc with the caller's layout; the counter only decides
// whether to forward an allocation or report failure (null), which callers must handle anyway.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !self.admit(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !self.admit(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !self.admit(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let out = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if out.is_null() {
            if new_size > layout.size() {
                LIVE.fetch_sub(new_size - layout.size(), Ordering::Relaxed);
            }
        } else if new_size < layout.size() {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        out
    }
}

/// Cases per target in the bounded run: about three hundred in all, under a minute in a debug
/// build on two cores.
const CFN_CASES: u32 = 70;
const TF_CASES: u32 = 70;
const PLAN_CASES: u32 = 40;
const SNAPSHOT_CASES: u32 = 40;
const MUTATION_CASES: u32 = 90;

#[test]
fn cloudformation_templates() {
    harness::fuzz("cloudformation", CFN_CASES, cfn::case());
}

#[test]
fn terraform_configurations() {
    harness::fuzz("terraform", TF_CASES, hcl::case());
}

#[test]
fn terraform_plans() {
    harness::fuzz("plan", PLAN_CASES, plan::case());
}

#[test]
fn snapshots() {
    harness::fuzz("snapshot", SNAPSHOT_CASES, snapshot::case());
}

#[test]
fn mutated_fixtures() {
    harness::fuzz("mutation", MUTATION_CASES, mutate::case());
}

/// Every recorded crash still fails as recorded (a different failure is a new crash), or no
/// longer fails at all, which is printed so the entry can be removed.
#[test]
fn known_crashes_fail_only_as_recorded() {
    known::check_all();
}

/// The harness itself: a panic, a slow input and a missing verdict are each caught and
/// described, so a clean run means something.
#[test]
fn the_harness_catches_what_it_asserts() {
    harness::self_test();
}
