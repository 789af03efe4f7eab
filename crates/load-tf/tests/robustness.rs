//! Adversarial inputs: what a configuration says inside its strings never steers the scan, and
//! every evaluation is bounded (an unknown naming the limit, never a panic, a hang or all the
//! memory).

use egressproof_load_tf::load_str;
use egressproof_model::{Model, Resource};

fn by_name<'a>(m: &'a Model, name: &str) -> &'a Resource {
    m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

fn rules(r: &Resource) -> Vec<&str> {
    let mut v: Vec<&str> = r.suppressions.iter().map(|s| s.rule.as_str()).collect();
    v.sort_unstable();
    v
}

const NB: &str = "aws_sagemaker_notebook_instance";

// ---------------------------------------------------------------------------------------------
// Suppressions are read only where they are comments.

#[test]
fn suppression_text_in_an_hcl_string_suppresses_nothing() {
    let tf = format!(
        r##"resource "{NB}" "a" {{ tags = {{ note = "# egressproof:ignore EP101 ok" }} }}
resource "{NB}" "b" {{ tags = {{ note = "see http://x // egressproof:ignore EP101 ok" }} }}
resource "{NB}" "c" {{ tags = {{ note = "${{format("%s", "a")}} # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "d" {{ tags = {{ note = "\" # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "e" {{ tags = {{ note = "${{lookup({{ a = "}}" }}, "a")}} # egressproof:ignore EP101 ok" }} }}
resource "{NB}" "f" {{ tags = {{ note = "x
# egressproof:ignore EP101 ok" }} }}
resource "{NB}" "g" {{
  tags = {{ note = "x
# egressproof:ignore EP101 ok" }}
}}
"##
    );
    let m = load_str(&tf, "t");
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    for n in ["a", "b", "c", "d", "e", "f", "g"] {
        let r = by_name(&m, &format!("{NB}.{n}"));
        assert!(rules(r).is_empty(), "{n}: {:?}", r.suppressions);
    }
}

#[test]
fn suppression_text_in_a_heredoc_suppresses_nothing() {
    let tf = format!(
        r#"locals {{
  note = <<EOT
# egressproof:ignore EP101 ok
EOT
  other = <<-EOT
    # egressproof:ignore EP101 ok
    EOT
}}
resource "{NB}" "a" {{
  tags = {{ note = <<EOT
// egressproof:ignore EP101 ok
EOT
  }}
}}
resource "{NB}" "b" {{ tags = {{ note = local.note }} }}
"#
    );
    let m = load_str(&tf, "t");
    for n in ["a", "b"] {
        let r = by_name(&m, &format!("{NB}.{n}"));
        assert!(rules(r).is_empty(), "{n}: {:?}", r.suppressions);
    }
}

#[test]
fn a_heredoc_ends_at_its_marker_line() {
    // The comment right after a heredoc is a comment again.
    let tf = format!(
        r#"locals {{
  note = <<EOT
text
EOT
}}
# egressproof:ignore EP101 sandbox
resource "{NB}" "a" {{}}
"#
    );
    let m = load_str(&tf, "t");
    assert_eq!(rules(by_name(&m, &format!("{NB}.a"))), vec!["EP101"]);
}

#[test]
fn real_hcl_comments_still_suppress() {
    let tf = format!(
        r##"# egressproof:ignore EP101 sandbox
// egressproof:ignore EP401 reviewed
resource "{NB}" "a" {{
}}
resource "{NB}" "b" {{ tags = {{ n = "#x" }} }} # egressproof:ignore EP201 on the line
resource "{NB}" "c" {{ # egressproof:ignore EP202 after the brace
}}
/* egressproof:ignore EP203 a block comment is not read */
resource "{NB}" "d" {{}}
"##
    );
    let m = load_str(&tf, "t");
    assert_eq!(
        rules(by_name(&m, &format!("{NB}.a"))),
        vec!["EP101", "EP401"]
    );
    assert_eq!(rules(by_name(&m, &format!("{NB}.b"))), vec!["EP201"]);
    assert_eq!(rules(by_name(&m, &format!("{NB}.c"))), vec!["EP202"]);
    assert!(rules(by_name(&m, &format!("{NB}.d"))).is_empty());
}
