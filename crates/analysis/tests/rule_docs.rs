//! `docs/rules.md` is generated from the rules' own documentation (the doc comment of each rule
//! file is the only copy). This test regenerates it and fails when the committed file was stale,
//! so the catalog on disk never drifts from `egressproof rule EPxxx`.

use egressproof_analysis::{registry, AssumptionKind};
use std::path::Path;

fn catalog() -> String {
    let mut out = String::from(
        "# Rule catalog\n\n<!-- Generated from the rule sources by `cargo test -p egressproof-analysis --test rule_docs`; do not edit. -->\n\n\
A finding at or above the fail threshold (default `medium`) makes the verdict `leaks`; an \
unknown (EP9xx) makes it `unproven`; hardening findings (EP6xx) never change it. Every verdict \
also lists the assumptions it rests on, by kind, in every report format: a `sealed` verdict is \
sealed given those (see [Assumptions](#assumptions)).\n\n\
| code | name | severity | summary |\n|---|---|---|---|\n",
    );
    for r in registry() {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {sev} | {summary} |\n",
            code = r.code,
            anchor = r.code.as_str().to_lowercase(),
            name = r.name,
            sev = r.severity.as_str(),
            summary = r.summary
        ));
    }
    out.push_str(
        "\n## Assumptions\n\nWhat a verdict takes as given because the scan cannot see it. The JSON \
report lists them in `assumptions` (`kind`, `message`, `file`, `line`), SARIF in \
`runs[].properties.assumptions` and as invocation notifications, JUnit as `assumption.<kind>` \
properties, text and HTML in their own section.\n\n| kind | taken as given |\n|---|---|\n",
    );
    for k in AssumptionKind::ALL {
        out.push_str(&format!("| `{}` | {} |\n", k.as_str(), k.description()));
    }
    for r in registry() {
        out.push_str(&format!(
            "\n## {}\n\n`{}` · severity {}\n\n",
            r.code,
            r.name,
            r.severity.as_str()
        ));
        // Demote the rule's own headings one level under the code's heading.
        for line in r.documentation().lines() {
            if let Some(h) = line.strip_prefix("## ") {
                out.push_str(&format!("### {h}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn docs_rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = catalog();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create docs/");
        }
        std::fs::write(&path, &want).expect("write docs/rules.md");
        panic!("docs/rules.md was out of date and has been regenerated: review and commit it");
    }
}
