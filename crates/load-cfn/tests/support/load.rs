//! Templates written into a temporary directory and loaded, and the resources looked up by name:
//! the setup the loader's tests share.
#![allow(dead_code)]

use egressproof_load_cfn::{load, Input, LoadOptions, Loaded};
use egressproof_model::{Kind, Model, Resource};

/// Loads the files (name, text) as one scan, written under their names (folders included).
pub fn load_files_with(files: &[(&str, &str)], options: &LoadOptions) -> Loaded {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("dir");
            }
            std::fs::write(&path, text).expect("write");
            Input {
                path,
                display: (*name).to_string(),
            }
        })
        .collect();
    load(&inputs, options)
}

pub fn load_files(files: &[(&str, &str)]) -> Loaded {
    load_files_with(files, &LoadOptions::default())
}

/// One template (`t.yaml`), its model.
pub fn load_one(text: &str) -> Model {
    load_files(&[("t.yaml", text)]).model
}

/// The resource named `name`; a test that asks for one the model lacks fails, naming those it has.
pub fn res<'a>(m: &'a Model, name: &str) -> &'a Resource {
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

pub fn kind<'a>(m: &'a Model, name: &str) -> &'a Kind {
    &res(m, name).kind
}
