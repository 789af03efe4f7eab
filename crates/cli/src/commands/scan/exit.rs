//! The exit code of a scan: the verdict's (DESIGN.md §2: 0 sealed or nothing in scope, 1 leaks,
//! 3 unproven), unless the team chose otherwise: `--exit-zero` reports without gating, and
//! `--unproven-exit N` lets a pipeline gate on `leaks` alone (`--unproven-exit 0`) or tell
//! unproven apart with a code of its own. Usage errors are not verdicts and always exit 2.

use crate::cli::ScanArgs;
use egressproof_analysis::{Scan, Verdict};

pub(super) fn code(scan: &Scan, args: &ScanArgs) -> u8 {
    if args.exit_zero {
        return 0;
    }
    match scan.verdict {
        Verdict::Unproven => args.unproven_exit.unwrap_or_else(|| verdict_code(scan)),
        _ => verdict_code(scan),
    }
}

/// A scan with nothing in scope has the verdict `sealed` as far as codes go (exit 0); its
/// headline says what it is.
fn verdict_code(scan: &Scan) -> u8 {
    u8::try_from(scan.exit_code()).unwrap_or(crate::EXIT_USAGE)
}
