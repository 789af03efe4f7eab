//! Nested stacks (`AWS::CloudFormation::Stack`) whose `TemplateURL` is a local file.

use crate::lower::lower_stack;
use crate::resolve::{diag_hiding, StackResult};
use crate::tree::Node;
use crate::{fail, parse_template, Parsed, Stack, Template, MAX_FILE_BYTES};
use egressproof_fs::{ReadError, ReadScope};
use egressproof_model::{UnknownCode, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn is_remote(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("s3://")
}

/// The canonical paths of the local templates that `t` nests (written as literal strings).
pub(crate) fn local_children(t: &Template) -> Vec<PathBuf> {
    let Some(resources) = t.root.get("Resources") else {
        return Vec::new();
    };
    let mut stacks = Vec::new();
    stack_resources(resources, &mut stacks);
    stacks
        .into_iter()
        .filter_map(|r| r.get("Properties")?.get("TemplateURL")?.as_str())
        .filter(|u| !is_remote(u))
        .filter_map(|u| std::fs::canonicalize(child_path(&t.path, u)).ok())
        .collect()
}

/// The nested stack resources of a `Resources` mapping, those that `Fn::ForEach` loops make
/// included (a loop's template URL is the same for every item unless it names the identifier).
fn stack_resources<'n>(resources: &'n Node, out: &mut Vec<&'n Node>) {
    let mut todo = vec![resources];
    while let Some(map) = todo.pop() {
        for (key, r) in map.entries() {
            if key.name.starts_with("Fn::ForEach::") {
                if let crate::tree::NodeKind::Seq(args) = &r.kind {
                    if let Some(fragment) = args.get(2) {
                        todo.push(fragment);
                    }
                }
            } else if r.get("Type").and_then(Node::as_str) == Some("AWS::CloudFormation::Stack") {
                out.push(r);
            }
        }
    }
}

fn child_path(parent: &Path, url: &str) -> PathBuf {
    let url = url.strip_prefix("file://").unwrap_or(url);
    parent.parent().unwrap_or(Path::new("")).join(url)
}

/// The display path of a child: the parent's directory joined with the URL, `.`/`..` folded.
fn child_display(parent: &str, url: &str) -> String {
    let url = url.strip_prefix("file://").unwrap_or(url);
    let mut parts: Vec<&str> = parent.split('/').collect();
    parts.pop();
    for seg in url.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Loads the nested stack `logical` of `parent`. `None` (with a diagnostic) when its template is
/// not a local file, not found, not a template, or nests in a cycle.
pub(crate) fn load_nested(parent: &Stack<'_>, logical: &str) -> Option<StackResult> {
    let node = parent.resource_node(logical)?;
    let props = node.get("Properties");
    let url_node = props.and_then(|p| p.get("TemplateURL"));
    let at = url_node.unwrap_or(node);
    let url = match url_node.and_then(|u| parent.resolve(u)) {
        Some(Value::Str(s)) => s,
        _ => {
            diag_hiding(
                parent,
                UnknownCode::EP902,
                format!("nested stack {logical}: TemplateURL is not known; its resources are not in the scan"),
                at,
            );
            return None;
        }
    };
    if is_remote(&url) {
        diag_hiding(
            parent,
            UnknownCode::EP902,
            format!("nested stack {logical}: template {url} is outside the scan; its resources are not known"),
            at,
        );
        return None;
    }
    let path = child_path(&parent.tpl.path, &url);
    // The template is untrusted: the file it names is read only inside the scope (symlinks
    // resolved, never a special file), else its content could reach the report.
    let canonical = match parent.ctx.scope.file(&path) {
        Ok(c) => c,
        Err(ReadError::NotFound) => {
            diag_hiding(
                parent,
                UnknownCode::EP902,
                format!("nested stack {logical}: template file {url} not found"),
                at,
            );
            return None;
        }
        Err(e) => {
            diag_hiding(
                parent,
                UnknownCode::EP902,
                format!("nested stack {logical}: its resources are not known; template {url}: {e}"),
                at,
            );
            return None;
        }
    };
    if canonical == parent.tpl.canonical || parent.chain.contains(&canonical) {
        diag_hiding(
            parent,
            UnknownCode::EP902,
            format!("nested stack {logical}: template {url} nests itself (a cycle); not followed"),
            at,
        );
        return None;
    }
    if parent.at_nesting_limit() {
        diag_hiding(
            parent,
            UnknownCode::EP902,
            format!(
                "nested stack {logical}: stacks nest deeper than {} levels (MAX_NESTING); not followed",
                crate::MAX_NESTING
            ),
            at,
        );
        return None;
    }
    let display = child_display(&parent.tpl.display, &url);
    let tpl = match parent.ctx.files.get(&canonical) {
        Some(t) => t.clone(),
        None => match read_nested(parent.ctx.scope, &canonical, &display) {
            Parsed::Template(t) => t,
            Parsed::Skipped | Parsed::NotOurs(_) => {
                diag_hiding(
                    parent,
                    UnknownCode::EP902,
                    format!("nested stack {logical}: {url} is not a CloudFormation template"),
                    at,
                );
                return None;
            }
            Parsed::Failed(d) => {
                parent.diags.borrow_mut().push(d);
                return None;
            }
        },
    };
    let mut params = HashMap::new();
    if let Some(Value::Map(m)) = props
        .and_then(|p| p.get("Parameters"))
        .and_then(|p| parent.resolve(p))
    {
        let declared = tpl.root.get("Parameters");
        for (k, v) in m {
            let ptype = declared
                .and_then(|d| d.get(&k))
                .and_then(|d| d.get("Type"))
                .and_then(Node::as_str)
                .unwrap_or("String");
            let is_list = ptype == "CommaDelimitedList" || ptype.starts_with("List<");
            let v = if is_list {
                parent.split_joined(v, props.unwrap_or(node))
            } else {
                v
            };
            params.insert(k, v);
        }
    }
    let mut chain = parent.chain.clone();
    chain.push(parent.tpl.canonical.clone());
    let child = Stack::new(
        parent.ctx,
        tpl,
        format!("{}{}/", parent.prefix, logical),
        params,
        chain,
    );
    Some(lower_stack(&child))
}

/// Reads a nested template through the scope (checked again at the open: what was checked is
/// what is read).
fn read_nested(scope: &ReadScope, path: &Path, display: &str) -> Parsed {
    match scope.read(path, MAX_FILE_BYTES) {
        Ok(bytes) => parse_template(bytes, path, display),
        Err(e) => fail(display, 0, 0, format!("{display}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_display_folds_dots() {
        assert_eq!(
            child_display("infra/main.yaml", "./net/vpc.yaml"),
            "infra/net/vpc.yaml"
        );
        assert_eq!(
            child_display("infra/main.yaml", "../shared/x.yaml"),
            "shared/x.yaml"
        );
        assert_eq!(child_display("main.yaml", "child.yaml"), "child.yaml");
        assert_eq!(child_display("main.yaml", "../x.yaml"), "../x.yaml");
    }

    #[test]
    fn remote_urls_are_recognised() {
        assert!(is_remote("https://s3.amazonaws.com/b/t.yaml"));
        assert!(is_remote("S3://b/t.yaml"));
        assert!(!is_remote("./t.yaml"));
    }
}
