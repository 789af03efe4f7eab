//! `data "aws_iam_policy_document"` evaluated into the policy document it renders.

use crate::val::Val;
use indexmap::IndexMap;

fn get<'a>(m: &'a IndexMap<String, Val>, k: &str) -> Option<&'a Val> {
    m.get(k).filter(|v| !matches!(v, Val::Null))
}

fn blocks(m: &IndexMap<String, Val>, k: &str) -> Vec<Val> {
    match m.get(k) {
        Some(Val::List(l)) => l.clone(),
        _ => Vec::new(),
    }
}

/// Principals blocks → `{"AWS": [...], "Service": [...]}`, or `"*"` for `type = "*"`.
fn principals(items: &[Val]) -> Val {
    let mut out: IndexMap<String, Val> = IndexMap::new();
    for p in items {
        let Val::Map(p) = p else {
            return p.clone();
        };
        let ty = get(p, "type")
            .and_then(Val::as_plain_str)
            .unwrap_or_default();
        let ids = get(p, "identifiers")
            .cloned()
            .unwrap_or(Val::List(Vec::new()));
        if ty == "*" {
            return Val::Str("*".into());
        }
        if let Val::List(l) = out.entry(ty).or_insert_with(|| Val::List(Vec::new())) {
            match ids {
                Val::List(more) => l.extend(more),
                other => l.push(other),
            }
        }
    }
    Val::Map(out)
}

fn statement(s: &Val) -> Val {
    let Val::Map(s) = s else {
        return s.clone();
    };
    let mut out = IndexMap::new();
    if let Some(sid) = get(s, "sid") {
        out.insert("Sid".into(), sid.clone());
    }
    out.insert(
        "Effect".into(),
        get(s, "effect")
            .cloned()
            .unwrap_or(Val::Str("Allow".into())),
    );
    for (tf, json) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = get(s, tf) {
            out.insert(json.into(), v.clone());
        }
    }
    for (tf, json) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let p = blocks(s, tf);
        if !p.is_empty() {
            out.insert(json.into(), principals(&p));
        }
    }
    let conds = blocks(s, "condition");
    if !conds.is_empty() {
        let mut cm: IndexMap<String, Val> = IndexMap::new();
        for c in conds {
            let Val::Map(c) = c else {
                cm.insert("<unknown>".into(), c.clone());
                continue;
            };
            let test = get(&c, "test")
                .and_then(Val::as_plain_str)
                .unwrap_or_default();
            let var = get(&c, "variable")
                .and_then(Val::as_plain_str)
                .unwrap_or_default();
            let values = get(&c, "values").cloned().unwrap_or(Val::List(Vec::new()));
            let entry = cm.entry(test).or_insert_with(|| Val::Map(IndexMap::new()));
            if let Val::Map(vm) = entry {
                match vm.get_mut(&var) {
                    Some(Val::List(existing)) => {
                        if let Val::List(more) = values {
                            existing.extend(more);
                        }
                    }
                    _ => {
                        vm.insert(var, values);
                    }
                }
            }
        }
        out.insert("Condition".into(), Val::Map(cm));
    }
    Val::Map(out)
}

fn statements_of(doc: &Val) -> Vec<Val> {
    let d = match doc {
        Val::Json(v) => (**v).clone(),
        Val::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(j) => Val::from_json(&j),
            Err(_) => return vec![Val::unknown("source policy document is not JSON", None)],
        },
        other => other.clone(),
    };
    match d {
        Val::Map(m) => match m.get("Statement") {
            Some(Val::List(l)) => l.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        },
        Val::Unknown(u) => vec![Val::Unknown(u)],
        _ => vec![Val::unknown(
            "source policy document is not a document",
            None,
        )],
    }
}

fn sid(s: &Val) -> Option<String> {
    match s {
        Val::Map(m) => m
            .get("Sid")
            .and_then(Val::as_plain_str)
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// The document as a value, from the data source's evaluated arguments.
pub(crate) fn document(m: &IndexMap<String, Val>) -> Val {
    let mut stmts: Vec<Val> = Vec::new();
    for list in ["source_policy_documents", "source_json"] {
        match get(m, list) {
            Some(Val::List(docs)) => docs.iter().for_each(|d| stmts.extend(statements_of(d))),
            Some(d) => stmts.extend(statements_of(d)),
            None => {}
        }
    }
    for s in blocks(m, "statement").iter().map(statement) {
        match sid(&s).and_then(|id| stmts.iter().position(|x| sid(x).as_deref() == Some(&id))) {
            Some(i) => stmts[i] = s,
            None => stmts.push(s),
        }
    }
    for list in ["override_policy_documents", "override_json"] {
        let docs = match get(m, list) {
            Some(Val::List(docs)) => docs.clone(),
            Some(d) => vec![d.clone()],
            None => Vec::new(),
        };
        for d in docs {
            for s in statements_of(&d) {
                match sid(&s)
                    .and_then(|id| stmts.iter().position(|x| sid(x).as_deref() == Some(&id)))
                {
                    Some(i) => stmts[i] = s,
                    None => stmts.push(s),
                }
            }
        }
    }
    let mut out = IndexMap::new();
    out.insert(
        "Version".into(),
        get(m, "version")
            .cloned()
            .unwrap_or(Val::Str("2012-10-17".into())),
    );
    if let Some(id) = get(m, "policy_id") {
        out.insert("Id".into(), id.clone());
    }
    out.insert("Statement".into(), Val::List(stmts));
    Val::Map(out)
}
