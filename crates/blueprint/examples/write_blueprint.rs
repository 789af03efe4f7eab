//! Writes a blueprint into a directory, for trying the output without the CLI:
//! `cargo run -p egressproof-blueprint --example write_blueprint -- DIR [terraform] [dx] [mirror] [org] [azs=N]`
use egressproof_blueprint::{generate, parse_cidr, BlueprintOptions, OutputFormat};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: write_blueprint DIR [flags]")?);
    let mut o = BlueprintOptions::default();
    for a in args {
        match a.as_str() {
            "terraform" => o.format = OutputFormat::Terraform,
            "dx" => {
                o.direct_connect = true;
                o.corporate_cidrs.push(parse_cidr("192.168.0.0/16")?);
            }
            "mirror" => o.package_mirror = true,
            "org" => o.org_id = Some("o-a1b2c3d4e5".into()),
            other => match other.strip_prefix("azs=") {
                Some(n) => o.azs = n.parse()?,
                None => return Err(format!("unknown flag {other}").into()),
            },
        }
    }
    for f in generate(&o)? {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, f.contents)?;
    }
    Ok(())
}
