use crate::{Options, Sink, UnknownFinding};
use egressproof_model::{
    Attr, Ident, Kind, Model, Part, Resource, Symbol, Unknown, Value, VpcPeeringConnection,
};
use std::collections::HashMap;

/// The model indexed for the rules, plus the user's options. Built once per analysis; rules
/// share it (and whatever it computes lazily) instead of each walking the model again.
pub struct Context<'m> {
    pub model: &'m Model,
    pub options: &'m Options,
    by_id: HashMap<&'m str, &'m Resource>,
    /// The network analysis, computed on first use and shared by the EP2xx/EP3xx rules.
    net: std::sync::OnceLock<crate::net::Reach<'m>>,
}

impl<'m> Context<'m> {
    pub fn new(model: &'m Model, options: &'m Options) -> Self {
        let by_id = model.resources.iter().map(|r| (r.id.as_str(), r)).collect();
        Context {
            model,
            options,
            by_id,
            net: std::sync::OnceLock::new(),
        }
    }

    /// Network reachability of every workload placement (computed once).
    pub fn net(&self) -> &crate::net::Reach<'m> {
        self.net.get_or_init(|| crate::net::Reach::compute(self))
    }

    /// Frees the network analysis once every rule has run: the conclusion does not read it,
    /// and at a million resources it is a hundred megabytes beside the findings at the peak.
    /// A later [`Context::net`] computes it again.
    pub(crate) fn drop_net(&mut self) {
        self.net = std::sync::OnceLock::new();
    }

    /// The resource an identifier names, when it is in the scan.
    pub fn get(&self, id: &Ident) -> Option<&'m Resource> {
        self.by_id.get(id.as_str()).copied()
    }

    /// A person's name for an identifier: the resource's name, or its owner's name and what
    /// the identifier names of it (`Vpc (default security group)`), else the identifier.
    pub fn name_of(&self, id: &Ident) -> String {
        match self.get(id) {
            Some(r) => r.name.clone(),
            None => match id.split_attribute() {
                Some((owner, what)) => match self.get(&owner) {
                    Some(r) => format!("{} ({})", r.name, what.replace('-', " ")),
                    None => id.to_string(),
                },
                None => id.to_string(),
            },
        }
    }

    /// A value as a person reads it: a reference to a resource of the scan by the resource's
    /// name (`${ExecutionRole}`), not by its scan identifier, which holds the input's path and
    /// would make a message (and its fingerprint) depend on where the files were checked out.
    pub fn shown(&self, v: &Value) -> String {
        let name = |id: &Ident| self.name_of(id);
        match v {
            Value::Text(parts) => parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => s.clone(),
                    Part::Sym(Symbol::Ref(id)) => format!("${{{}}}", name(id)),
                    Part::Sym(Symbol::Attr {
                        resource,
                        attribute,
                    }) => format!("${{{}.{attribute}}}", name(resource)),
                    Part::Sym(other) => other.to_string(),
                })
                .collect(),
            other => other.render(),
        }
    }

    /// Whether an account is the scan's own: the deploying account of templates (written as
    /// [`VpcPeeringConnection::DEPLOYING_ACCOUNT`]), or an account a snapshot was read from (its
    /// `account …` notes). A literal ID a template writes is another account's.
    pub fn is_own_account(&self, account: &str) -> bool {
        account == VpcPeeringConnection::DEPLOYING_ACCOUNT
            || self
                .model
                .notes
                .iter()
                .any(|n| n.strip_prefix("account ") == Some(account))
    }

    pub fn resources(&self) -> impl Iterator<Item = &'m Resource> {
        self.model.resources.iter()
    }

    /// Resources of one kind, with the kind's data: `ctx.of(|k| match k { Kind::Vpc(v) => Some(v), _ => None })`.
    pub fn of<'a, T: 'm>(
        &'a self,
        pick: impl Fn(&'m Kind) -> Option<&'m T> + 'a,
    ) -> impl Iterator<Item = (&'m Resource, &'m T)> + 'a {
        self.model
            .resources
            .iter()
            .filter_map(move |r| pick(&r.kind).map(|k| (r, k)))
    }

    /// True when the resource is a SageMaker workload (it gets its own verdict).
    pub fn is_workload(resource: &Resource) -> bool {
        matches!(
            resource.kind,
            Kind::NotebookInstance(_)
                | Kind::Domain(_)
                | Kind::Model(_)
                | Kind::EndpointConfig(_)
                | Kind::Job(_)
        )
    }

    /// The workloads: those of [`Context::is_workload`], and the Studio user profiles and spaces
    /// whose domain is not in the scan. A profile's apps run in its domain's network; when the
    /// domain is judged here the domain stands for them, and when it is not the profile is the
    /// only thing of that Studio the scan holds, so it gets the verdict.
    pub fn workloads(&self) -> impl Iterator<Item = &'m Resource> + '_ {
        self.model
            .resources
            .iter()
            .filter(|r| Self::is_workload(r) || self.domain_outside_scan(r).is_some())
    }

    /// The domain of a Studio user profile, space or app, when that domain is not in the scan (a
    /// parameter, a variable, an import or a literal ID that no domain of the scan has): where
    /// its apps reach then depends on settings the scan does not hold (`AppNetworkAccessType`,
    /// whose default is `PublicInternetOnly`, and the domain's subnets). `None` for any other
    /// resource, and for a profile whose domain is here (the domain is judged instead).
    pub fn domain_outside_scan(&self, resource: &'m Resource) -> Option<&'m Attr<Ident>> {
        let domain = match &resource.kind {
            Kind::UserProfile(p) => &p.domain,
            Kind::Space(s) => &s.domain,
            Kind::App(a) => &a.domain,
            _ => return None,
        };
        match domain {
            Attr::Known(d) if matches!(self.get(d).map(|r| &r.kind), Some(Kind::Domain(_))) => None,
            _ => Some(domain),
        }
    }
}

/// Turns an unresolved attribute into an EP902 unknown that names what it would have decided.
pub fn unresolved(unknown: &Unknown, what: &str) -> UnknownFinding {
    UnknownFinding {
        rule: crate::Rule::UnresolvedValue,
        message: format!("{what}: {}", unknown.reason),
        span: unknown.span.clone(),
    }
}

/// The known value, or an EP902 pushed to `unknowns` and `None`.
pub fn known_or_report<'a, T>(attr: &'a Attr<T>, what: &str, sink: &mut Sink) -> Option<&'a T> {
    match attr {
        Attr::Known(v) => Some(v),
        Attr::Unknown(u) => {
            sink.unknowns.push(unresolved(u, what));
            None
        }
    }
}
