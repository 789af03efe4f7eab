//! Adversarial inputs: what a template says inside its strings never steers the scan, and every
//! evaluation is bounded (an unknown naming the limit, never a panic, a hang or all the memory).

use egressproof_load_cfn::{load, Input, LoadOptions, Loaded};
use egressproof_model::{Resource, UnknownCode};

#[path = "support/load.rs"]
mod support;
use support::load_files;
#[path = "support/work.rs"]
mod work;

#[global_allocator]
static ALLOCATOR: work::Counting = work::Counting;

fn res<'a>(l: &'a Loaded, name: &str) -> &'a Resource {
    support::res(&l.model, name)
}

fn rules(r: &Resource) -> Vec<&str> {
    let mut v: Vec<&str> = r.suppressions.iter().map(|s| s.rule.as_str()).collect();
    v.sort_unstable();
    v
}

const TEXT: &str = "# egressproof:ignore EP101 ok";

// ---------------------------------------------------------------------------------------------
// Suppressions are read only where they are comments.

#[test]
fn suppression_text_in_a_tag_of_minified_json_suppresses_nothing() {
    let tpl = format!(
        r#"{{"Resources":{{"Nb":{{"Type":"AWS::SageMaker::NotebookInstance","Properties":{{"InstanceType":"ml.t3.medium","RoleArn":"arn:aws:iam::111122223333:role/r","DirectInternetAccess":"Enabled"}}}},"Vpc":{{"Type":"AWS::EC2::VPC","Properties":{{"CidrBlock":"10.0.0.0/16","Tags":[{{"Key":"note","Value":"{TEXT}"}}]}}}}}}}}"#
    );
    let l = load_files(&[("t.json", &tpl)]);
    assert_eq!(l.templates, 1);
    assert!(
        rules(res(&l, "Nb")).is_empty(),
        "{:?}",
        res(&l, "Nb").suppressions
    );
    assert!(rules(res(&l, "Vpc")).is_empty());
}

#[test]
fn suppression_text_in_a_tag_of_pretty_json_suppresses_nothing() {
    let tpl = format!(
        r#"{{
  "Resources": {{
    "Nb": {{ "Type": "AWS::SageMaker::NotebookInstance", "Properties": {{ "DirectInternetAccess": "Enabled", "Tags": [{{ "Key": "note", "Value": "{TEXT}" }}] }} }},
    "Vpc": {{
      "Type": "AWS::EC2::VPC",
      "Properties": {{
        "Tags": [
          {{ "Key": "note", "Value":
            "{TEXT}" }}
        ]
      }}
    }}
  }}
}}
"#
    );
    let l = load_files(&[("t.json", &tpl)]);
    assert!(
        rules(res(&l, "Nb")).is_empty(),
        "{:?}",
        res(&l, "Nb").suppressions
    );
    assert!(rules(res(&l, "Vpc")).is_empty());
}

#[test]
fn json_has_no_comments_only_metadata() {
    // YAML would read `# ...` as a comment; a `.json` file has none, so only `Metadata` counts.
    let tpl = format!(
        "{{\n  \"Resources\": {{\n    {TEXT}\n    \"Nb\": {{\n      \"Type\": \"AWS::SageMaker::NotebookInstance\",\n      \"Metadata\": {{ \"egressproof\": {{ \"ignore\": [{{ \"rule\": \"EP401\", \"reason\": \"approved\" }}] }} }}\n    }}\n  }}\n}}\n"
    );
    let l = load_files(&[("t.json", &tpl)]);
    assert_eq!(rules(res(&l, "Nb")), vec!["EP401"]);
    // Minified, Metadata is still read.
    let min = r#"{"Resources":{"Nb":{"Type":"AWS::SageMaker::NotebookInstance","Metadata":{"egressproof":{"ignore":["EP402"]}}},"Vpc":{"Type":"AWS::EC2::VPC"}}}"#;
    let l = load_files(&[("m.json", min)]);
    assert_eq!(rules(res(&l, "Nb")), vec!["EP402"]);
    assert!(rules(res(&l, "Vpc")).is_empty());
}

#[test]
fn suppression_text_in_a_quoted_yaml_scalar_suppresses_nothing() {
    let tpl = format!(
        "Resources:\n  Nb: {{Type: AWS::SageMaker::NotebookInstance, Properties: {{Tags: [{{Key: a, Value: \"{TEXT}\"}}]}}}}\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      Tags:\n        - Key: a\n          Value: 'x\n\n            {TEXT}'\n  Nb2:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      Tags:\n        - Key: a\n          Value: \"x\n            {TEXT}\"\n  Nb3:\n    Type: AWS::SageMaker::NotebookInstance\n"
    );
    let l = load_files(&[("t.yaml", &tpl)]);
    for name in ["Nb", "Vpc", "Nb2", "Nb3"] {
        assert!(
            rules(res(&l, name)).is_empty(),
            "{name}: {:?}",
            res(&l, name).suppressions
        );
    }
}

#[test]
fn suppression_text_in_a_yaml_block_scalar_suppresses_nothing() {
    for indicator in ["|", ">", "|-", ">+", "|2"] {
        let tpl = format!(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Metadata:\n      Note: {indicator}\n          {TEXT}\n          {TEXT}\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n"
        );
        let l = load_files(&[("t.yaml", &tpl)]);
        assert!(
            rules(res(&l, "Nb")).is_empty(),
            "{indicator}: {:?}",
            res(&l, "Nb").suppressions
        );
        assert!(rules(res(&l, "Vpc")).is_empty());
    }
}

#[test]
fn real_yaml_comments_still_suppress() {
    let tpl = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Metadata:\n      Note: | # a comment after a block scalar's header\n        # not a comment\n  # egressproof:ignore EP101 sandbox\n  # egressproof:ignore EP401\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n  Other: {Type: AWS::EC2::VPC, Properties: {CidrBlock: \"10.0.0.0/16#x\"}} # egressproof:ignore EP201,EP202 reviewed\n  Third: # egressproof:ignore EP203 reason\n    Type: AWS::EC2::VPC\n";
    let l = load_files(&[("t.yaml", tpl)]);
    assert_eq!(rules(res(&l, "Nb")), vec!["EP101", "EP401"]);
    let nb = res(&l, "Nb");
    let ep101 = nb
        .suppressions
        .iter()
        .find(|s| s.rule == "EP101")
        .expect("EP101");
    assert_eq!(ep101.reason.as_deref(), Some("sandbox"));
    assert_eq!(ep101.span.line, 7);
    assert_eq!(rules(res(&l, "Other")), vec!["EP201", "EP202"]);
    assert_eq!(rules(res(&l, "Third")), vec!["EP203"]);
    assert!(rules(res(&l, "Vpc")).is_empty());
}

#[test]
fn a_comment_above_stops_at_a_blank_line() {
    let tpl = "Resources:\n  # egressproof:ignore EP101 far away\n\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n";
    let l = load_files(&[("t.yaml", tpl)]);
    assert!(rules(res(&l, "Nb")).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Bounded resolution: past a limit the value is an unknown naming the limit (EP902), quickly.

/// Loads one template, asserting that it allocates at most `mib` MiB in all: the work a load
/// does builds what it computes, so an evaluation that ran past its limit again (text doubled
/// without end, a copy per reference) would allocate far more, on any machine and under any
/// load, where a bound on the clock fails on a busy machine and passes a slow evaluation on a
/// fast one. Each test's budget is about three times what it allocates.
fn load_quickly(name: &str, text: &str, mib: u64) -> Loaded {
    let (l, bytes) = work::measured(|| load_files(&[(name, text)]));
    assert!(
        bytes <= mib << 20,
        "allocated {bytes} bytes, more than {mib} MiB"
    );
    assert_eq!(l.templates, 1, "{:#?}", l.model.diagnostics);
    l
}

/// An EP902 diagnostic names `limit`, and so does an unknown of the model.
fn assert_limit(l: &Loaded, limit: &str) {
    assert!(
        l.model
            .diagnostics
            .iter()
            .any(|d| d.code == UnknownCode::EP902 && d.message.contains(limit)),
        "no EP902 naming {limit}: {:#?}",
        l.model.diagnostics
    );
    let json = serde_json::to_string(&l.model.resources).expect("model serializes");
    assert!(json.contains(limit), "no unknown naming {limit}");
}

#[test]
fn doubling_references_stop_at_the_work_limit() {
    let mut t = String::from(
        "Resources:\n  V0:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n",
    );
    for k in 1..=40 {
        t.push_str(&format!(
            "  V{k}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Join ['', [!GetAtt V{p}.CidrBlock, !GetAtt V{p}.CidrBlock]]\n",
            p = k - 1
        ));
    }
    let l = load_quickly("t.yaml", &t, 48);
    assert_limit(&l, "MAX_RESOLVE_WORK");
}

#[test]
fn text_doubled_through_references_stops_at_the_work_limit() {
    // Each level is built twice as often as the one above it: 2^20 long strings, terabytes,
    // unless building text is work.
    let big = "x".repeat(200_000);
    let mut t = format!(
        "Resources:\n  V0:\n    Type: AWS::EC2::VPC\n    Properties: {{CidrBlock: {big}}}\n"
    );
    for k in 1..=20 {
        t.push_str(&format!(
            "  V{k}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Sub '${{V{p}.CidrBlock}}${{V{p}.CidrBlock}}'\n",
            p = k - 1
        ));
    }
    let l = load_quickly("t.yaml", &t, 64);
    assert_limit(&l, "MAX_RESOLVE_WORK");
}

#[test]
fn a_sub_past_the_text_limit_is_unknown() {
    let big = "x".repeat(2_500_000);
    let t = format!(
        "Resources:\n  V0:\n    Type: AWS::EC2::VPC\n    Properties: {{CidrBlock: {big}}}\n  V1:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Sub '${{V0.CidrBlock}}${{V0.CidrBlock}}'\n"
    );
    let l = load_quickly("t.yaml", &t, 64);
    assert_limit(&l, "MAX_TEXT_BYTES");
}

#[test]
fn a_join_past_the_text_limit_is_unknown() {
    let delim = "-".repeat(100_000);
    let items = ",".repeat(100_000);
    let t = format!(
        "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Join ['{delim}', !Split [',', '{items}']]\n"
    );
    let l = load_quickly("t.yaml", &t, 40);
    assert_limit(&l, "MAX_TEXT_BYTES");
}

#[test]
fn copies_of_a_large_parameter_stop_at_the_work_limit() {
    let items = vec!["10.0.0.0/16"; 50_000].join(",");
    let mut t =
        format!("Parameters:\n  P: {{Type: CommaDelimitedList, Default: '{items}'}}\nResources:\n");
    for k in 0..200 {
        t.push_str(&format!(
            "  V{k}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Select [0, !Ref P]\n"
        ));
    }
    let l = load_quickly("t.yaml", &t, 96);
    assert_limit(&l, "MAX_RESOLVE_WORK");
    // The first ones were resolved before the work ran out.
    let json = serde_json::to_string(res(&l, "V0")).expect("serializes");
    assert!(json.contains("10.0.0.0/16"), "{json}");
}

#[test]
fn cidr_counts_past_cloudformations_limit_are_unknown() {
    let t = "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n      CidrBlock: !Select [0, !Cidr [10.0.0.0/8, 100000000, 8]]\n";
    let l = load_quickly("t.yaml", t, 1);
    let json = serde_json::to_string(res(&l, "S")).expect("serializes");
    assert!(json.contains("Fn::Cidr"), "{json}");
}

// ---------------------------------------------------------------------------------------------
// Files that would take the memory: an EP901 naming the limit, the other templates still load.

/// Loads `body` as `name` beside a good template, asserting that it allocates at most `mib` MiB,
/// that `name` is an EP901 whose message names `expect`, and that the good template loads.
fn assert_ep901(name: &str, body: &[u8], expect: &str, mib: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join(name);
    std::fs::write(&bad, body).expect("write");
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, "Resources:\n  Vpc: { Type: AWS::EC2::VPC }\n").expect("write");
    let inputs = [
        Input {
            path: bad,
            display: name.to_string(),
        },
        Input {
            path: good,
            display: "good.yaml".into(),
        },
    ];
    let (l, bytes) = work::measured(|| load(&inputs, &LoadOptions::default()));
    assert!(
        bytes <= mib << 20,
        "allocated {bytes} bytes, more than {mib} MiB"
    );
    let d = l
        .model
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP901)
        .unwrap_or_else(|| panic!("no EP901 for {name}: {:?}", l.model.diagnostics));
    assert!(d.message.contains(expect), "{}", d.message);
    assert!(d.message.contains(name), "{}", d.message);
    assert_eq!(d.span.as_ref().map(|s| s.file.as_str()), Some(name));
    res(&l, "Vpc");
}

#[test]
fn alias_bomb_is_ep901() {
    // Nine levels of nine aliases: 9^10 scalars once expanded.
    let mut s = String::from("Resources:\n  X:\n    Type: AWS::EC2::VPC\n    Properties:\n      a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = "a".to_string();
    for n in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
        s.push_str(&format!("      {n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = n.to_string();
    }
    assert_ep901("bomb.yaml", s.as_bytes(), "MAX_ALIAS_EXPANSION", 4);
}

#[test]
fn deep_nesting_is_ep901() {
    let s = format!(
        "Resources:\n  X:\n    Type: AWS::EC2::VPC\n    Properties:\n      a: {}{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_ep901("deep.yaml", s.as_bytes(), "MAX_DEPTH", 1);
    let j = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {}{}}}",
        "{\"a\": ".repeat(200),
        "}".repeat(200)
    );
    assert_ep901("deep.json", j.as_bytes(), "MAX_DEPTH", 1);
}

#[test]
fn huge_file_is_ep901_without_reading_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.yaml");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(50 * 1024 * 1024).expect("set_len");
    let input = [Input {
        path,
        display: "huge.yaml".into(),
    }];
    let (l, bytes) = work::measured(|| load(&input, &LoadOptions::default()));
    // Reading it would allocate its 50 MiB.
    assert!(
        bytes <= 1 << 20,
        "allocated {bytes} bytes: the file was read"
    );
    let d = &l.model.diagnostics[0];
    assert_eq!(d.code, UnknownCode::EP901);
    assert!(d.message.contains("MAX_FILE_BYTES"), "{}", d.message);
}
