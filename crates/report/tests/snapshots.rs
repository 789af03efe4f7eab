//! Every format on the hand-built analyses, reviewed and committed under `tests/snapshots/`.

mod common;

use common::{leaky, out, sealed, stable, summary};
use egressproof_report::{render, Format, RenderOptions};

macro_rules! snap {
    ($name:ident, $fixture:expr, $format:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stable(out(&$fixture, $format)));
        }
    };
}

snap!(leaky_text, leaky(), Format::Text);
snap!(leaky_json, leaky(), Format::Json);
snap!(leaky_junit, leaky(), Format::Junit);
snap!(leaky_html, leaky(), Format::Html);
snap!(sealed_text, sealed(), Format::Text);
snap!(sealed_json, sealed(), Format::Json);
snap!(sealed_junit, sealed(), Format::Junit);
snap!(sealed_html, sealed(), Format::Html);

#[test]
fn leaky_text_quiet() {
    let options = RenderOptions {
        quiet: true,
        ..RenderOptions::default()
    };
    insta::assert_snapshot!(render(&leaky(), &summary(), Format::Text, &options));
}

/// The SARIF snapshot without the rule catalog and rule indexes: both follow the registry,
/// which grows with every rule (`sarif_schema.rs` checks the catalog against it instead).
#[test]
fn leaky_sarif() {
    let mut doc: serde_json::Value =
        serde_json::from_str(&stable(out(&leaky(), Format::Sarif))).unwrap();
    let run = &mut doc["runs"][0];
    run["tool"]["driver"]["rules"] = serde_json::json!("[the rule registry]");
    for r in run["results"].as_array_mut().unwrap() {
        // Rebuilt rather than `remove`d, which may swap the last key into its place.
        let kept = r.as_object().unwrap().clone().into_iter();
        *r = kept.filter(|(k, _)| k != "ruleIndex").collect();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}
