//! What every format says about environments (DESIGN.md §2, §5): the scan's verdict as the worst
//! of the environments judged, `out-of-scope` for an environment (or a whole scan) without
//! SageMaker, and the same words for it everywhere.

use crate::redact::{self, redact};
use egressproof_analysis::{Environment, Scan};
use std::borrow::Cow;

/// The name of the one environment of an analysis rendered on its own ([`crate::render`]).
pub(crate) const SINGLE: &str = "scan";

/// The verdict word of an environment that was not judged.
pub(crate) const OUT_OF_SCOPE: &str = "out-of-scope";

/// Why an environment is out of scope, in the words every format uses.
pub(crate) const WHY_OUT_OF_SCOPE: &str =
    "no SageMaker resource and no VPC meant for SageMaker; listed, not judged";

/// The scan's verdict as the machine formats write it: `out-of-scope` when nothing was judged
/// (exit code 0, but never a bare `sealed`).
pub(crate) fn scan_verdict(scan: &Scan) -> &'static str {
    if scan.nothing_in_scope() {
        OUT_OF_SCOPE
    } else {
        scan.verdict.as_str()
    }
}

/// An environment's verdict as the formats write it.
pub(crate) fn verdict(env: &Environment) -> &'static str {
    if env.in_scope {
        env.analysis.verdict.as_str()
    } else {
        OUT_OF_SCOPE
    }
}

/// A scan of one environment, judged: rendered as a single analysis, without an environment
/// heading (the environment is the scan).
pub(crate) fn is_single(scan: &Scan) -> bool {
    matches!(scan.environments.as_slice(), [e] if e.in_scope)
}

/// The scan with every string redacted (names, inputs and each environment's analysis),
/// borrowed when nothing needed it: the common case costs one walk over the strings and no copy.
pub(crate) fn redacted(scan: &Scan) -> Result<Cow<'_, Scan>, serde_json::Error> {
    let mut analyses = Vec::with_capacity(scan.environments.len());
    let mut changed = false;
    for e in &scan.environments {
        let analysis = redact::analysis(&e.analysis)?;
        changed |= matches!(analysis, Cow::Owned(_))
            || matches!(redact(&e.name), Cow::Owned(_))
            || e.inputs.iter().any(|i| matches!(redact(i), Cow::Owned(_)));
        analyses.push(analysis);
    }
    if !changed {
        return Ok(Cow::Borrowed(scan));
    }
    let environments = scan
        .environments
        .iter()
        .zip(analyses)
        .map(|(e, analysis)| Environment {
            name: redact(&e.name).into_owned(),
            inputs: e.inputs.iter().map(|i| redact(i).into_owned()).collect(),
            in_scope: e.in_scope,
            resources: e.resources,
            analysis: analysis.into_owned(),
        })
        .collect();
    Ok(Cow::Owned(Scan {
        verdict: scan.verdict,
        environments,
    }))
}

/// `"2 environments judged, 3 out of scope"`, or `None` for a single judged environment.
pub(crate) fn counts(scan: &Scan) -> Option<String> {
    if is_single(scan) {
        return None;
    }
    let judged = scan.in_scope().count();
    let out = scan.environments.len() - judged;
    let mut s = crate::plural(judged, "environment");
    s.push_str(" judged");
    if out > 0 {
        s.push_str(&format!(", {out} out of scope"));
    }
    Some(s)
}
