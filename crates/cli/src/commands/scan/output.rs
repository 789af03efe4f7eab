//! Where reports go and in which format: the main report (standard output, or `-o FILE`) and
//! any number of `--report FORMAT=FILE`. A file's format is the explicit one, else the one its
//! extension names, so that `-o report.sarif` never writes text into a `.sarif` file.

use crate::cli::{ColorArg, ScanArgs};
use anyhow::{Context as _, Result};
use egressproof_analysis::Scan;
use egressproof_report::{Format, RenderOptions, ScanSummary};
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

/// One report to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub format: Format,
    /// `None`: standard output.
    pub file: Option<PathBuf>,
}

/// The format an output file's extension names: `.sarif` (also `.sarif.json`), `.json`,
/// `.html`/`.htm`, `.xml` (JUnit, the only XML format), `.txt`/`.text`; `None` for any other.
pub(super) fn format_of(file: &Path) -> Option<Format> {
    let name = file.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
        return Some(Format::Sarif);
    }
    let ext = name.rsplit_once('.')?.1;
    match ext {
        "json" => Some(Format::Json),
        "html" | "htm" => Some(Format::Html),
        "xml" | "junit" => Some(Format::Junit),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    }
}

/// The main report and the extra ones. An explicit `--format` wins over `-o`'s extension (said
/// on standard error when they disagree, unless `--quiet`); `-o -` is standard output.
pub(super) fn targets(args: &ScanArgs) -> Vec<Target> {
    let file = args
        .output
        .clone()
        .filter(|f| f.as_os_str() != std::ffi::OsStr::new("-"));
    let implied = file.as_deref().and_then(format_of);
    let format = match (args.format, implied) {
        (Some(explicit), Some(by_name)) => {
            let explicit = Format::from(explicit);
            if explicit != by_name && !args.quiet {
                if let Some(f) = &file {
                    eprintln!(
                        "warning: writing {} to {} as --format says, although its extension \
                         names {}",
                        explicit.as_str(),
                        f.display(),
                        by_name.as_str()
                    );
                }
            }
            explicit
        }
        (Some(explicit), None) => explicit.into(),
        (None, Some(by_name)) => by_name,
        (None, None) => Format::Text,
    };
    let mut out = vec![Target { format, file }];
    out.extend(args.reports.iter().map(|(f, file)| Target {
        format: Format::from(*f),
        file: Some(file.clone()),
    }));
    out
}

/// Renders and writes every target. Standard output gets colour when asked; files never do.
pub(super) fn write_all(
    targets: &[Target],
    scan: &Scan,
    summary: &ScanSummary,
    args: &ScanArgs,
    root: &egressproof_report::SourceRoot,
) -> Result<()> {
    for t in targets {
        let render = RenderOptions {
            color: t.file.is_none() && use_color(args.color),
            // --quiet is about the terminal: files always get the whole report.
            quiet: args.quiet && t.file.is_none(),
            compact: args.compact,
        };
        let write = |out: &mut dyn std::io::Write| {
            egressproof_report::write_scan_at(scan, summary, t.format, &render, root, out)
        };
        match &t.file {
            Some(file) => std::fs::File::create(file)
                .and_then(|mut f| {
                    write(&mut f)?;
                    f.flush()
                })
                .with_context(|| format!("could not write the report to {}", file.display()))?,
            None => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`scan --format json | head`) is not an error.
                match write(&mut out).and_then(|()| out.flush()) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e)?,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// `auto` colours only a terminal, and never when NO_COLOR is set (no-color.org).
fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats() {
        for (file, format) in [
            ("report.sarif", Some(Format::Sarif)),
            ("out/Report.SARIF", Some(Format::Sarif)),
            ("report.sarif.json", Some(Format::Sarif)),
            ("x.json", Some(Format::Json)),
            ("x.html", Some(Format::Html)),
            ("x.htm", Some(Format::Html)),
            ("x.xml", Some(Format::Junit)),
            ("x.txt", Some(Format::Text)),
            ("x.out", None),
            ("noextension", None),
        ] {
            assert_eq!(format_of(Path::new(file)), format, "{file}");
        }
    }
}
