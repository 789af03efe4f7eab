//! Environments (DESIGN.md §2): a scan split into the connected components of references
//! between its inputs, each analysed on its own, so that a finding never depends on a resource
//! of another environment and scanning A and B together gives the findings of A plus those of B.
//!
//! The units are the inputs the loaders declared ([`ScanInput`]: a top-level template with its
//! nested stacks, a Terraform root module with its local modules, a plan, a snapshot). Three
//! things join them:
//! - a resource of one unit that names a resource of another (an identifier or a symbol
//!   anywhere in its kind: an import that resolved to a reference, a subnet of another
//!   template's VPC, a policy naming another stack's role);
//! - a name one unit publishes and another reads (an export read by `Fn::ImportValue` whatever
//!   its value, an SSM parameter written by one and resolved by the other);
//! - the configuration (`[[environment]]`), for stacks wired together by deploy-time
//!   parameters that no template shows.
//!
//! Diagnostics belong to the unit that produced them, to the Terraform roots whose module
//! directories hold their file, or else to a unit of their own file (a template that did not
//! parse). A model without declared inputs (built by hand) is one environment.
//!
//! Scope ([`scope`]): an environment without a SageMaker resource and without a VPC meant for
//! SageMaker is listed and not judged.

pub(crate) mod refs;
pub(crate) mod scope;

use crate::{analyze, Analysis, Options, Verdict};
use egressproof_model::{Diagnostic, Model, Resource, ScanInput, SharedName};
use std::collections::{BTreeSet, HashMap};

/// An environment the configuration names: every input one of whose paths it matches belongs
/// to it (and inputs it joins become one environment).
pub struct NamedEnvironment {
    pub name: String,
    /// Whether a path (an input's name, one of its files or module directories) belongs.
    pub matches: Box<dyn Fn(&str) -> bool + Send + Sync>,
}

impl std::fmt::Debug for NamedEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamedEnvironment")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// One environment of a scan and what its own analysis found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// The configured name, else its first input's path.
    pub name: String,
    /// The inputs it holds (templates, Terraform root directories, plans, snapshots, files that
    /// could not be read), sorted.
    pub inputs: Vec<String>,
    /// False when it holds no SageMaker resource and no VPC meant for SageMaker: then it was not
    /// judged and its analysis is empty.
    pub in_scope: bool,
    /// How many resources it holds.
    pub resources: usize,
    pub analysis: Analysis,
}

/// The outcome of a scan: each environment's own analysis, and the worst verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    /// The worst verdict of the environments in scope (`sealed` when none is in scope: check
    /// [`Scan::nothing_in_scope`] before saying so).
    pub verdict: Verdict,
    /// Sorted by name.
    pub environments: Vec<Environment>,
}

impl Scan {
    /// A scan of one environment holding the whole analysis (a model analysed as one).
    pub fn single(name: impl Into<String>, analysis: Analysis) -> Scan {
        Scan {
            verdict: analysis.verdict,
            environments: vec![Environment {
                name: name.into(),
                inputs: Vec::new(),
                in_scope: true,
                resources: 0,
                analysis,
            }],
        }
    }

    /// The environments that were judged.
    pub fn in_scope(&self) -> impl Iterator<Item = &Environment> {
        self.environments.iter().filter(|e| e.in_scope)
    }

    /// True when no environment holds anything of SageMaker: nothing was judged.
    pub fn nothing_in_scope(&self) -> bool {
        self.in_scope().next().is_none()
    }

    /// DESIGN.md §2: the verdict's exit code; 0 when nothing is in scope.
    pub fn exit_code(&self) -> i32 {
        self.verdict.exit_code()
    }
}

/// Splits the model into environments, decides their scope and analyses each one in scope on
/// its own.
pub fn analyze_scan(model: Model, options: &Options, named: &[NamedEnvironment]) -> Scan {
    let split = Split::new(&model, options, named);
    let components = split.components();
    let empty = analyze(&Model::default(), options);
    let whole = components.len() == 1
        && components[0].resources.len() == model.resources.len()
        && components[0].diagnostics.len() == model.diagnostics.len();
    let mut environments = Vec::with_capacity(components.len());
    if whole {
        let c = &components[0];
        // Whether it holds every principal is decided over the inputs it declares.
        let model = Model {
            principals_complete: c.principals_complete,
            ..model
        };
        environments.push(Environment {
            name: c.name.clone(),
            inputs: c.inputs.clone(),
            in_scope: c.in_scope,
            resources: model.resources.len(),
            analysis: if c.in_scope {
                analyze(&model, options)
            } else {
                empty
            },
        });
    } else {
        let Model {
            resources,
            diagnostics,
            notes,
            ..
        } = model;
        let mut slots: Vec<Option<Resource>> = resources.into_iter().map(Some).collect();
        for c in &components {
            let sub = Model {
                resources: c
                    .resources
                    .iter()
                    .filter_map(|&i| slots[i].take())
                    .collect(),
                diagnostics: c
                    .diagnostics
                    .iter()
                    .map(|&i| diagnostics[i].clone())
                    .collect(),
                notes: notes.clone(),
                principals_complete: c.principals_complete,
                ..Model::default()
            };
            let analysis = if c.in_scope {
                analyze(&sub, options)
            } else {
                empty.clone()
            };
            environments.push(Environment {
                name: c.name.clone(),
                inputs: c.inputs.clone(),
                in_scope: c.in_scope,
                resources: sub.resources.len(),
                analysis,
            });
        }
    }
    environments.sort_by(|a, b| a.name.cmp(&b.name));
    let verdict = environments
        .iter()
        .filter(|e| e.in_scope)
        .map(|e| e.analysis.verdict)
        .max()
        .unwrap_or(Verdict::Sealed);
    Scan {
        verdict,
        environments,
    }
}

/// A unit of the split: an input, the files that could not be read, or what no input claims.
#[derive(Debug, Default)]
struct Unit {
    name: String,
    resources: Vec<usize>,
    diagnostics: Vec<usize>,
    /// Paths the configuration may name: the input, its files and module directories.
    paths: BTreeSet<String>,
    principals_complete: bool,
}

/// One environment before its analysis.
#[derive(Debug)]
struct Component {
    name: String,
    inputs: Vec<String>,
    resources: Vec<usize>,
    diagnostics: Vec<usize>,
    in_scope: bool,
    /// A snapshot that listed every principal of its account says so for its environment; a
    /// model without declared inputs keeps what it says.
    principals_complete: bool,
}

/// The units of a model, joined by references.
struct Split<'m> {
    model: &'m Model,
    options: &'m Options,
    units: Vec<Unit>,
    parent: Vec<usize>,
    /// The configured environment each unit matched first, by index.
    named: Vec<Option<usize>>,
    names: Vec<String>,
}

/// The range, cut to `len` (a hand-edited snapshot may declare anything).
fn clamp(r: &std::ops::Range<usize>, len: usize) -> std::ops::Range<usize> {
    r.start.min(len)..r.end.min(len).max(r.start.min(len))
}

/// The directory part of a display path (`""` for a file at the top).
fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A file Terraform reads as part of a module directory (a template beside it is not).
fn is_terraform_file(file: &str) -> bool {
    [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
        .iter()
        .any(|ext| file.ends_with(ext))
}

impl<'m> Split<'m> {
    fn new(model: &'m Model, options: &'m Options, named: &[NamedEnvironment]) -> Split<'m> {
        if model.inputs.is_empty() {
            return Split::whole(model, options);
        }
        let mut units: Vec<Unit> = model.inputs.iter().map(unit_of_input).collect();
        let unclaimed = claim_resources(model, &mut units);
        if !unclaimed.is_empty() {
            let name = unclaimed
                .iter()
                .map(|&i| model.resources[i].span.file.as_str())
                .filter(|f| !f.is_empty())
                .min()
                .unwrap_or("scan")
                .to_string();
            units.push(Unit {
                name,
                resources: unclaimed,
                ..Unit::default()
            });
        }
        for u in &mut units {
            for &i in &u.resources {
                let file = &model.resources[i].span.file;
                if !u.paths.contains(file) {
                    u.paths.insert(file.clone());
                }
            }
        }
        assign_diagnostics(model, &mut units);
        let n = units.len();
        let mut split = Split {
            model,
            options,
            units,
            parent: (0..n).collect(),
            named: vec![None; n],
            names: named.iter().map(|e| e.name.clone()).collect(),
        };
        split.join_shared_names();
        split.join_references();
        split.join_named(named);
        split
    }

    /// A model that declares no inputs (built by hand, or by a tool that does not say where
    /// things came from) is one environment.
    fn whole(model: &'m Model, options: &'m Options) -> Split<'m> {
        let name = model
            .resources
            .iter()
            .map(|r| r.span.file.as_str())
            .filter(|f| !f.is_empty())
            .min()
            .unwrap_or("scan")
            .to_string();
        Split {
            model,
            options,
            units: vec![Unit {
                paths: BTreeSet::from([name.clone()]),
                name,
                resources: (0..model.resources.len()).collect(),
                diagnostics: (0..model.diagnostics.len()).collect(),
                principals_complete: model.principals_complete,
            }],
            parent: vec![0],
            named: vec![None],
            names: Vec::new(),
        }
    }

    fn find(&mut self, mut u: usize) -> usize {
        while self.parent[u] != u {
            self.parent[u] = self.parent[self.parent[u]];
            u = self.parent[u];
        }
        u
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The smaller index stays the root: components come out in a stable order.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi] = lo;
        }
    }

    /// A unit that reads a name joins every unit that publishes it.
    fn join_shared_names(&mut self) {
        let mut providers: HashMap<&SharedName, Vec<usize>> = HashMap::new();
        for (u, input) in self.model.inputs.iter().enumerate() {
            for name in &input.provides {
                providers.entry(name).or_default().push(u);
            }
        }
        let mut pairs = Vec::new();
        for (u, input) in self.model.inputs.iter().enumerate() {
            for name in &input.uses {
                for &p in providers.get(name).map_or(&[][..], Vec::as_slice) {
                    pairs.push((u, p));
                }
            }
        }
        for (a, b) in pairs {
            self.union(a, b);
        }
    }

    /// A resource that names a resource of another unit joins the two.
    fn join_references(&mut self) {
        let model = self.model;
        let mut unit_of: Vec<usize> = vec![usize::MAX; model.resources.len()];
        for (u, unit) in self.units.iter().enumerate() {
            for &i in &unit.resources {
                unit_of[i] = u;
            }
        }
        let by_id: HashMap<&str, usize> = model
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), unit_of[i]))
            .collect();
        if self.units.len() < 2 {
            return;
        }
        let mut pairs = Vec::new();
        for (i, r) in model.resources.iter().enumerate() {
            let here = unit_of[i];
            refs::each_string(&r.kind, &mut |s| {
                if let Some(there) = owner(&by_id, s) {
                    if there != here {
                        pairs.push((here, there));
                    }
                }
            });
        }
        for (a, b) in pairs {
            self.union(a, b);
        }
    }

    /// The configuration's environments join every unit whose paths they match.
    fn join_named(&mut self, named: &[NamedEnvironment]) {
        for (j, env) in named.iter().enumerate() {
            let matched: Vec<usize> = (0..self.units.len())
                .filter(|&u| {
                    let unit = &self.units[u];
                    (env.matches)(&unit.name) || unit.paths.iter().any(|p| (env.matches)(p))
                })
                .collect();
            for &u in &matched {
                if self.named[u].is_none() {
                    self.named[u] = Some(j);
                }
            }
            for w in matched.windows(2) {
                self.union(w[0], w[1]);
            }
        }
    }

    /// The environments: components of the units, named, with their scope decided.
    fn components(mut self) -> Vec<Component> {
        let n = self.units.len();
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for u in 0..n {
            let root = self.find(u);
            by_root.entry(root).or_default().push(u);
        }
        let mut roots: Vec<usize> = by_root.keys().copied().collect();
        roots.sort_unstable();
        let ids: std::collections::HashSet<&str> =
            self.model.resources.iter().map(|r| r.id.as_str()).collect();
        let mut out = Vec::with_capacity(roots.len());
        for root in roots {
            let units = by_root.remove(&root).unwrap_or_default();
            let mut resources: Vec<usize> = units
                .iter()
                .flat_map(|&u| self.units[u].resources.iter().copied())
                .collect();
            resources.sort_unstable();
            let mut diagnostics: Vec<usize> = units
                .iter()
                .flat_map(|&u| self.units[u].diagnostics.iter().copied())
                .collect();
            diagnostics.sort_unstable();
            diagnostics.dedup();
            let mut inputs: Vec<String> =
                units.iter().map(|&u| self.units[u].name.clone()).collect();
            inputs.sort();
            inputs.dedup();
            let name = units
                .iter()
                .filter_map(|&u| self.named[u])
                .min()
                .and_then(|j| self.names.get(j).cloned())
                .or_else(|| inputs.first().cloned())
                .unwrap_or_else(|| "scan".to_string());
            let res: Vec<&Resource> = resources
                .iter()
                .map(|&i| &self.model.resources[i])
                .collect();
            let diags: Vec<&Diagnostic> = diagnostics
                .iter()
                .map(|&i| &self.model.diagnostics[i])
                .collect();
            let in_scope =
                scope::in_scope(&res, &diags, self.options, |id| ids.contains(id.as_str()));
            // Every principal is known only when each input that holds anything listed every
            // principal of its account: another account's snapshot whose IAM listing failed, or
            // a template (it names no account, and principals it does not declare exist beside
            // it), leaves principals outside the scan.
            let holding = units
                .iter()
                .map(|&u| &self.units[u])
                .filter(|u| !u.resources.is_empty() || !u.diagnostics.is_empty());
            let principals_complete =
                holding.clone().next().is_some() && holding.clone().all(|u| u.principals_complete);
            out.push(Component {
                name,
                inputs,
                resources,
                diagnostics,
                in_scope,
                principals_complete,
            });
        }
        out
    }
}

fn unit_of_input(input: &ScanInput) -> Unit {
    let mut paths: BTreeSet<String> = input.dirs.iter().cloned().collect();
    paths.insert(input.name.clone());
    Unit {
        name: input.name.clone(),
        paths,
        principals_complete: input.principals_complete,
        ..Unit::default()
    }
}

/// Gives each input the resources of its range; returns those no input claims.
fn claim_resources(model: &Model, units: &mut [Unit]) -> Vec<usize> {
    let len = model.resources.len();
    let mut claimed = vec![false; len];
    for (u, input) in model.inputs.iter().enumerate() {
        for i in clamp(&input.resources, len) {
            if !claimed[i] {
                claimed[i] = true;
                units[u].resources.push(i);
            }
        }
    }
    (0..len).filter(|&i| !claimed[i]).collect()
}

/// Each diagnostic goes to the input whose range holds it, and only there: a Terraform root's
/// range holds what evaluating it found, in the modules it calls too (a module two roots call is
/// evaluated for each, with each one's inputs, so one root's unknowns are never another's). One
/// that no range holds (a module file that does not parse, read once whichever root called it
/// first) goes to every Terraform root whose module directories hold its file and to the units
/// whose files it names, else to a unit of its own file, else to the unit of unclaimed resources
/// (or a new one).
fn assign_diagnostics(model: &Model, units: &mut Vec<Unit>) {
    let len = model.diagnostics.len();
    let mut ranged: Vec<Option<usize>> = vec![None; len];
    for (u, input) in model.inputs.iter().enumerate() {
        for i in clamp(&input.diagnostics, len) {
            ranged[i].get_or_insert(u);
        }
    }
    let mut by_dir: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_file: HashMap<String, Vec<usize>> = HashMap::new();
    for (u, input) in model.inputs.iter().enumerate() {
        for d in &input.dirs {
            by_dir.entry(d.clone()).or_default().push(u);
        }
    }
    for (u, unit) in units.iter().enumerate() {
        for p in &unit.paths {
            by_file.entry(p.clone()).or_default().push(u);
        }
    }
    let rest = (units.len() > model.inputs.len()).then(|| units.len() - 1);
    let mut own: HashMap<String, usize> = HashMap::new();
    for (i, d) in model.diagnostics.iter().enumerate() {
        let file = d.span.as_ref().map(|s| s.file.as_str()).unwrap_or("");
        let mut to: Vec<usize> = ranged[i].into_iter().collect();
        if !file.is_empty() && ranged[i].is_none() {
            // A Terraform file (or directory) belongs to every root whose modules live there.
            to.extend(by_dir.get(file).into_iter().flatten().copied());
            if is_terraform_file(file) {
                to.extend(by_dir.get(dir_of(file)).into_iter().flatten().copied());
            }
            to.extend(by_file.get(file).into_iter().flatten().copied());
        }
        to.sort_unstable();
        to.dedup();
        if to.is_empty() {
            let u = if file.is_empty() {
                match rest {
                    Some(r) => r,
                    None => *own.entry(String::new()).or_insert_with(|| {
                        units.push(Unit {
                            name: "scan".to_string(),
                            ..Unit::default()
                        });
                        units.len() - 1
                    }),
                }
            } else {
                *own.entry(file.to_string()).or_insert_with(|| {
                    let mut paths = BTreeSet::new();
                    paths.insert(file.to_string());
                    units.push(Unit {
                        name: file.to_string(),
                        paths,
                        ..Unit::default()
                    });
                    units.len() - 1
                })
            };
            to.push(u);
        }
        for u in to {
            units[u].diagnostics.push(i);
        }
    }
}

/// The unit of the resource a string names: the resource itself, or the resource an
/// attribute-style identifier belongs to (`Vpc::default-security-group`, `Fw::EndpointIds`).
fn owner(by_id: &HashMap<&str, usize>, s: &str) -> Option<usize> {
    if let Some(&u) = by_id.get(s) {
        return Some(u);
    }
    let mut rest = s;
    while let Some((head, _)) = rest.rsplit_once("::") {
        if let Some(&u) = by_id.get(head) {
            return Some(u);
        }
        rest = head;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{
        Diagnostic, Ident, InputKind, Kind, NotebookInstance, Span, UnknownCode,
    };

    fn notebook(id: &str, file: &str) -> Resource {
        Resource::new(
            Ident::new(id),
            id,
            "AWS::SageMaker::NotebookInstance",
            Span::new(file, 1, 1),
            Kind::NotebookInstance(NotebookInstance {
                direct_internet_access: Some(egressproof_model::Attr::Known("Disabled".into())),
                ..NotebookInstance::default()
            }),
        )
    }

    fn input(name: &str, kind: InputKind, resources: std::ops::Range<usize>) -> ScanInput {
        ScanInput {
            name: name.into(),
            kind,
            resources,
            ..ScanInput::default()
        }
    }

    fn unknowns_by_env(scan: &Scan) -> Vec<(String, Vec<String>)> {
        scan.environments
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    e.analysis
                        .unknowns
                        .iter()
                        .map(|u| u.message.clone())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_module_shared_by_two_roots_gives_its_file_errors_to_both_and_its_unknowns_to_each() {
        let mut model = Model {
            resources: vec![
                notebook("envs/dev/module.net.nb", "modules/net/main.tf"),
                notebook("envs/prod/module.net.nb", "modules/net/main.tf"),
                notebook("stacks/app.yaml#Nb", "stacks/app.yaml"),
            ],
            diagnostics: vec![
                // Found while the dev root was evaluated, with its inputs: dev's alone.
                Diagnostic::new(
                    UnknownCode::EP902,
                    "module var",
                    Some(Span::new("modules/net/main.tf", 3, 1)),
                ),
                // A file of the module that did not parse: read once, every caller's.
                Diagnostic::new(
                    UnknownCode::EP901,
                    "module file broken",
                    Some(Span::new("modules/net/broken.tf", 1, 1)),
                ),
                // A file of the prod root that did not parse.
                Diagnostic::new(
                    UnknownCode::EP901,
                    "prod broken",
                    Some(Span::new("envs/prod/broken.tf", 1, 1)),
                ),
                // A template beside the prod root's files is not the root's.
                Diagnostic::new(
                    UnknownCode::EP901,
                    "template broken",
                    Some(Span::new("envs/prod/stack.yaml", 1, 1)),
                ),
            ],
            ..Model::default()
        };
        let mut dev = input("envs/dev", InputKind::TerraformRoot, 0..1);
        dev.dirs = vec!["envs/dev".into(), "modules/net".into()];
        dev.diagnostics = 0..1;
        let mut prod = input("envs/prod", InputKind::TerraformRoot, 1..2);
        prod.dirs = vec!["envs/prod".into(), "modules/net".into()];
        model.inputs = vec![
            dev,
            prod,
            input("stacks/app.yaml", InputKind::Template, 2..3),
        ];
        let scan = analyze_scan(model, &Options::default(), &[]);
        assert_eq!(
            unknowns_by_env(&scan),
            [
                (
                    "envs/dev".to_string(),
                    vec!["module file broken".to_string(), "module var".to_string()]
                ),
                (
                    "envs/prod".to_string(),
                    vec!["prod broken".to_string(), "module file broken".to_string()]
                ),
                (
                    "envs/prod/stack.yaml".to_string(),
                    vec!["template broken".to_string()]
                ),
                ("stacks/app.yaml".to_string(), vec![]),
            ]
        );
        assert!(scan.environments.iter().all(|e| e.in_scope));
    }

    #[test]
    fn a_model_without_inputs_is_one_environment() {
        let model = Model {
            resources: vec![notebook("a", "a.yaml"), notebook("b", "b.yaml")],
            diagnostics: vec![Diagnostic::new(
                UnknownCode::EP902,
                "elsewhere",
                Some(Span::new("c.yaml", 1, 1)),
            )],
            ..Model::default()
        };
        let scan = analyze_scan(model, &Options::default(), &[]);
        assert_eq!(scan.environments.len(), 1);
        assert_eq!(scan.environments[0].name, "a.yaml");
        assert_eq!(scan.environments[0].analysis.unknowns.len(), 1);
    }

    #[test]
    fn a_named_environment_joins_inputs_and_takes_its_name() {
        let mut model = Model {
            resources: vec![
                notebook("risk-a.yaml#Nb", "stacks/risk-a.yaml"),
                notebook("risk-b.yaml#Nb", "stacks/risk-b.yaml"),
                notebook("app.yaml#Nb", "stacks/app.yaml"),
            ],
            ..Model::default()
        };
        model.inputs = vec![
            input("stacks/risk-a.yaml", InputKind::Template, 0..1),
            input("stacks/risk-b.yaml", InputKind::Template, 1..2),
            input("stacks/app.yaml", InputKind::Template, 2..3),
        ];
        let named = [NamedEnvironment {
            name: "risk".into(),
            matches: Box::new(|p: &str| p.starts_with("stacks/risk-")),
        }];
        let scan = analyze_scan(model, &Options::default(), &named);
        let envs: Vec<(&str, usize)> = scan
            .environments
            .iter()
            .map(|e| (e.name.as_str(), e.resources))
            .collect();
        assert_eq!(envs, [("risk", 2), ("stacks/app.yaml", 1)]);
    }

    #[test]
    fn a_reference_to_another_inputs_resource_joins_them() {
        let mut model = Model {
            resources: vec![
                notebook("net.yaml#Vpc", "net.yaml"),
                Resource::new(
                    Ident::new("app.yaml#Sg"),
                    "Sg",
                    "AWS::EC2::SecurityGroup",
                    Span::new("app.yaml", 1, 1),
                    Kind::SecurityGroup(egressproof_model::SecurityGroup {
                        vpc: Some(egressproof_model::Attr::Known(Ident::attribute_of(
                            &Ident::new("net.yaml#Vpc"),
                            "DefaultSecurityGroup",
                        ))),
                        egress: Vec::new(),
                        ingress: Vec::new(),
                    }),
                ),
            ],
            ..Model::default()
        };
        model.inputs = vec![
            input("net.yaml", InputKind::Template, 0..1),
            input("app.yaml", InputKind::Template, 1..2),
        ];
        let scan = analyze_scan(model, &Options::default(), &[]);
        assert_eq!(scan.environments.len(), 1);
        assert_eq!(scan.environments[0].inputs, ["app.yaml", "net.yaml"]);
    }
}
