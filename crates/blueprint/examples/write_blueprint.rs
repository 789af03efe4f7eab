//! Writes a blueprint into a directory without the CLI, taking the same flags as
//! `egressproof blueprint`:
//! `cargo run -p egressproof-blueprint --example write_blueprint -- -o DIR [--format terraform]
//!  [--name N] [--region R] [--vpc-cidr C] [--azs N] [--corporate-cidr C]... [--org-id O]
//!  [--direct-connect] [--workloads notebook,studio,model,training] [--package-mirror]`
use egressproof_blueprint::{generate, parse_cidr, BlueprintOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut o = BlueprintOptions::default();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "-o" | "--output" => dir = Some(std::path::PathBuf::from(value()?)),
            "--format" => o.format = value()?.parse()?,
            "--name" => o.name = value()?,
            "--region" => o.region = Some(value()?),
            "--vpc-cidr" => o.vpc_cidr = value()?.parse()?,
            "--azs" => o.azs = value()?.parse()?,
            "--corporate-cidr" => o.corporate_cidrs.push(parse_cidr(&value()?)?),
            "--org-id" => o.org_id = Some(value()?),
            "--direct-connect" => o.direct_connect = true,
            "--package-mirror" => o.package_mirror = true,
            "--workloads" => {
                for w in value()?.split(',') {
                    o.workloads.push(w.parse()?);
                }
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let dir = dir.ok_or("-o DIR is required")?;
    for f in generate(&o)? {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, f.contents)?;
    }
    Ok(())
}
