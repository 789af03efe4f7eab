//! Loading a generated Terraform tree: 1,000 files in 100 root directories, each calling a local
//! network module (so module expansion, references and `count` are all exercised); and 20,000
//! resources written in one file against the same resources in 20 files of 1,000 (the layout
//! must not change the cost: no work per resource may scan a whole file).

use criterion::{criterion_group, criterion_main, Criterion};
use egressproof_load_tf::{load_dirs, ReadScope, TfOptions};
use std::path::PathBuf;

fn generate() -> (PathBuf, Vec<(PathBuf, String)>) {
    let root =
        std::env::temp_dir().join(format!("egressproof-load-tf-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let module = root.join("modules/net");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("main.tf"),
        r#"variable "cidr" {}
variable "azs" { default = 2 }
resource "aws_vpc" "v" { cidr_block = var.cidr }
resource "aws_subnet" "s" {
  count      = var.azs
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet(aws_vpc.v.cidr_block, 8, count.index)
}
resource "aws_route_table" "r" { vpc_id = aws_vpc.v.id }
resource "aws_route_table_association" "a" {
  count          = var.azs
  subnet_id      = aws_subnet.s[count.index].id
  route_table_id = aws_route_table.r.id
}
output "subnets" { value = aws_subnet.s[*].id }
output "vpc" { value = aws_vpc.v.id }
"#,
    )
    .unwrap();
    let mut dirs = Vec::new();
    for d in 0..100 {
        let dir = root.join(format!("env{d}"));
        std::fs::create_dir_all(&dir).unwrap();
        // 9 files per directory + the module file written once = 901; pad with 99 variable files.
        std::fs::write(
            dir.join("net.tf"),
            format!(
                "module \"net\" {{\n  source = \"../modules/net\"\n  cidr = \"10.{}.0.0/16\"\n}}\n",
                d % 250
            ),
        )
        .unwrap();
        for f in 0..8 {
            std::fs::write(
                dir.join(format!("sg{f}.tf")),
                format!(
                    r#"resource "aws_security_group" "g{f}" {{
  vpc_id = module.net.vpc
  egress {{
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
resource "aws_sagemaker_notebook_instance" "n{f}" {{
  subnet_id              = module.net.subnets[0]
  security_groups        = [aws_security_group.g{f}.id]
  direct_internet_access = "Disabled"
  role_arn               = "arn:aws:iam::111122223333:role/x"
}}
"#
                ),
            )
            .unwrap();
        }
        if d < 99 {
            std::fs::write(
                dir.join("vars.tf"),
                "variable \"unused\" {\n  default = \"x\"\n}\n",
            )
            .unwrap();
        }
        dirs.push((dir, format!("env{d}")));
    }
    (root, dirs)
}

fn bench(c: &mut Criterion) {
    let (root, dirs) = generate();
    // The environments call a module beside them: the scan of the whole tree may read it.
    let options = TfOptions {
        read: ReadScope::new([&root]),
        ..TfOptions::default()
    };
    let loaded = load_dirs(&dirs, &options);
    assert_eq!(loaded.files, 1000);
    c.bench_function("load 1000 files", |b| b.iter(|| load_dirs(&dirs, &options)));
    let _ = std::fs::remove_dir_all(root);
}

/// Resources of the one-file benchmark: a quarter each of VPCs, subnets, security groups and
/// notebooks, each referring to the others.
const BIG_RESOURCES: usize = 20_000;

fn resource_group(g: usize) -> String {
    format!(
        r##"# group {g}
resource "aws_vpc" "v{g}" {{
  cidr_block = "10.0.0.0/16"
  tags       = {{ note = "# not a comment" }}
}}
resource "aws_subnet" "s{g}" {{
  vpc_id     = aws_vpc.v{g}.id
  cidr_block = cidrsubnet(aws_vpc.v{g}.cidr_block, 8, 1)
}}
resource "aws_security_group" "g{g}" {{
  vpc_id = aws_vpc.v{g}.id
  egress {{
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
resource "aws_sagemaker_notebook_instance" "n{g}" {{
  subnet_id              = aws_subnet.s{g}.id
  security_groups        = [aws_security_group.g{g}.id]
  direct_internet_access = "Disabled"
  role_arn               = "arn:aws:iam::111122223333:role/x"
}}
"##
    )
}

/// 20,000 resources in one file, and the same in 20 files of 1,000.
fn bench_one_file(c: &mut Criterion) {
    let root = std::env::temp_dir().join(format!(
        "egressproof-load-tf-bench-one-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    let groups = BIG_RESOURCES / 4;
    let one = root.join("one");
    let twenty = root.join("twenty");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&twenty).unwrap();
    let all: String = (0..groups).map(resource_group).collect();
    std::fs::write(one.join("main.tf"), &all).unwrap();
    let per_file = groups / 20;
    for f in 0..20 {
        let text: String = (f * per_file..(f + 1) * per_file)
            .map(resource_group)
            .collect();
        std::fs::write(twenty.join(format!("part{f:02}.tf")), text).unwrap();
    }
    let mut g = c.benchmark_group("one_file_20k");
    for (name, dir) in [("one_file", &one), ("twenty_files", &twenty)] {
        let dirs = vec![(dir.clone(), name.to_string())];
        let loaded = load_dirs(&dirs, &TfOptions::default());
        assert_eq!(loaded.model.resources.len(), BIG_RESOURCES);
        g.bench_function(name, |b| b.iter(|| load_dirs(&dirs, &TfOptions::default())));
    }
    g.finish();
    let _ = std::fs::remove_dir_all(root);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench, bench_one_file
}
criterion_main!(benches);
