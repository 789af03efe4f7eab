//! Work measured by the bytes a load allocates, not by the clock: a bound on it holds on a busy
//! machine as on an idle one, and still fails when an evaluation grows past its limit again
//! (values doubled without end, an instance per `count`, a file read in full), since each of
//! those builds what it computes. Shared by the robustness tests of both loaders and the
//! analysis's test of a hub walked once.
//!
//! Only the threads of the pool [`measured`] builds are counted, so the tests of the binary
//! that run beside it (on other threads) do not add to its count; the loaders' rayon work runs
//! on that pool because [`measured`] installs it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes each measured thread asks for.
pub struct Counting;

thread_local! {
    /// The counter of the measurement this thread works for, if any.
    static SINK: Cell<Option<&'static AtomicU64>> = const { Cell::new(None) };
}

fn count(bytes: usize) {
    let _ = SINK.try_with(|s| {
        if let Some(c) = s.get() {
            c.fetch_add(bytes as u64, Ordering::Relaxed);
        }
    });
}

// SAFETY: every call is forwarded to the system allocator with the caller's layout; counting
// allocates nothing and touches only a thread-local cell and an atomic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A grown buffer may be copied whole: its new size is work done.
        count(new_size.saturating_sub(layout.size()));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A hang guard only, far above what any of these loads takes on a loaded machine: the bound
/// that matters is on the bytes allocated.
pub const HANG_GUARD: Duration = Duration::from_secs(30);

/// Runs `f` on a one-thread pool of its own and returns its result with the bytes allocated
/// on that pool while it ran (the loaders' parallel work included).
pub fn measured<T: Send>(f: impl FnOnce() -> T + Send) -> (T, u64) {
    let counter: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .start_handler(move |_| SINK.with(|s| s.set(Some(counter))))
        .build()
        .expect("a thread pool");
    let started = Instant::now();
    let out = pool.install(f);
    let took = started.elapsed();
    assert!(took < HANG_GUARD, "took {took:?}: a hang");
    (out, counter.load(Ordering::Relaxed))
}
