//! Scoped operators: who may change and see which part of a registry.
//!
//! An [`Operator`] (id, display name) holds [`Grant`]s, each an [`AccessRole`] over the subtree
//! of one organization or over the whole registry. Operators are registry state, set and removed
//! by journaled commands ([`Command::SetOperator`], [`Command::RemoveOperator`]), so a snapshot
//! carries them and the journal says who granted what, when.
//!
//! The scoped calls — [`Registry::apply_as`], [`Registry::apply_batch_as`] and the `*_as`
//! functions of [`crate::api`] (queries, statistics, rule questions, exports) — take the operator
//! and refuse what its grants do not cover with [`Error::AccessDenied`] (`access_denied`, 601),
//! naming the operator, the action, the role needed and where. The unscoped calls stay what
//! they were: the host's own, trusted access.
//!
//! ## What a grant covers
//! Roles are ordered: a viewer reads, an editor also changes, an administrator also manages
//! operators, rule books and unmasked exports. A grant over organization `X` covers `X` and
//! every organization under it **by the latest parent links** (where organizations stand now,
//! their whole history included); a grant without an organization covers the whole registry.
//! A person or enterprise is covered where one of its memberships (of any date) is; one with no
//! membership only by a whole-registry grant. An operator's role at a place is the highest of
//! the grants covering it.
//!
//! ## What each command needs ([`Access::authorize`])
//! | command | needs |
//! |---|---|
//! | `add_organization` | editor at the parent (whole registry for a root) |
//! | `move_organization` | editor at the old parent **and** at the new one (whole registry for a root) |
//! | `update_organization`, `dissolve_organization`, `start_term`, `leave`, `change_role`, `record_designation`, `revoke_designation`, `record_activity` | editor at the organization |
//! | `record_advice` | editor at the organization, viewer of every author |
//! | `add_affiliation`, `end_affiliation` | editor at the organization, viewer at the other |
//! | `add_person`, `add_enterprise` | editor somewhere |
//! | `update_person`, `update_enterprise` | editor over the member |
//! | `join` | editor at the organization, and viewer of the member unless it has no membership yet |
//! | `set_operator`, `remove_operator` | administrator over every grant given and taken away (and somewhere) |
//! | `record_unmasked_export` | administrator over each subtree named (whole registry when none) |
//! | `set_rule_book` | administrator of the whole registry |
//!
//! A command naming an unknown organization, designation or affiliation needs the role over the
//! whole registry (so an operator cannot probe ids outside its grants); with it, the command
//! reaches validation and fails there as it would unscoped.
//!
//! ## What an operator sees
//! Queries and statistics answer only about covered organizations and members (records outside
//! are `access_denied`, lists and tables are filtered); resident ID numbers are masked
//! ([`ResidentId::masked`](crate::ids::ResidentId::masked)) where the operator is only a viewer;
//! the journal is for whole-registry administrators. Exports write the covered part; an export
//! with resident IDs in full is for administrators, covers only their administrator grants and
//! is journaled first ([`Command::RecordUnmaskedExport`]).

use crate::command::{Command, Event, Meta};
use crate::error::Error;
use crate::model::{MemberRef, Person};
use crate::registry::Registry;
use crate::tree::OrgIdx;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most grants one operator may hold.
pub const MAX_GRANTS: usize = 1000;

/// What a grant allows, in increasing order: each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRole {
    /// Reads records and statistics; resident IDs masked.
    Viewer,
    /// Also changes records.
    Editor,
    /// Also manages operators and rule books and exports resident IDs in full.
    Administrator,
}

impl AccessRole {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRole::Viewer => "viewer",
            AccessRole::Editor => "editor",
            AccessRole::Administrator => "administrator",
        }
    }
}

impl fmt::Display for AccessRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role over a subtree (JSON `{"role":"editor","org":"futian"}`), or over the whole registry
/// when `org` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The role.
    pub role: AccessRole,
    /// Root of the subtree; `None` for the whole registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// Someone who acts on the registry through the scoped calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    /// Stable id (what [`Meta::actor`] names in a scoped command).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the operator may do where (at most [`MAX_GRANTS`]).
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// Where a refused call needed a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The whole registry.
    Registry,
    /// The subtree of an organization.
    Organization(String),
    /// A person or enterprise.
    Member(MemberRef),
    /// Any one place (adding a person needs editor rights somewhere).
    Anywhere,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Registry => f.write_str("the whole registry"),
            Target::Organization(id) => write!(f, "organization `{id}`"),
            Target::Member(m) => write!(f, "{m}"),
            Target::Anywhere => f.write_str("some organization"),
        }
    }
}

/// A scoped call refused (error code `access_denied`, 601).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessDenied {
    /// The operator id given.
    pub operator: String,
    /// What it tried: a command, query, statistic or export name.
    pub action: String,
    /// The role it lacks and where; `None` when no operator has that id.
    pub needs: Option<(AccessRole, Target)>,
}

impl fmt::Display for AccessDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, action) = (&self.operator, &self.action);
        match &self.needs {
            Some((role, target)) => write!(
                f,
                "operator `{op}` may not {action}: that needs {role} rights over {target}, \
                 which none of its grants gives"
            ),
            None => write!(
                f,
                "operator `{op}` may not {action}: no operator with that id is registered"
            ),
        }
    }
}

impl std::error::Error for AccessDenied {}

/// An operator's rights over a registry, for one action (its name goes into every refusal).
/// Made by [`Registry::access`].
#[derive(Debug, Clone)]
pub struct Access<'r> {
    reg: &'r Registry,
    operator: &'r Operator,
    action: String,
    /// The grants with their roots resolved.
    grants: Vec<(AccessRole, Option<OrgIdx>)>,
}

impl Registry {
    /// The rights of operator `operator` for `action` (a name used in refusals), or
    /// `access_denied` when no operator has that id.
    pub fn access(&self, operator: &str, action: &str) -> Result<Access<'_>, Error> {
        let Some(op) = self.operator(operator) else {
            return Err(Error::AccessDenied(Box::new(AccessDenied {
                operator: operator.to_string(),
                action: action.to_string(),
                needs: None,
            })));
        };
        Ok(Access {
            reg: self,
            operator: op,
            action: action.to_string(),
            // Grants name existing organizations (checked when set; organizations are never
            // removed), so every root resolves.
            grants: op
                .grants
                .iter()
                .filter_map(|g| match &g.org {
                    None => Some((g.role, None)),
                    Some(o) => self.org_index(o).map(|i| (g.role, Some(i))),
                })
                .collect(),
        })
    }

    /// [`apply`](Registry::apply) as the operator named by `meta.actor`: refused with
    /// `access_denied` unless its grants allow the command ([`Access::authorize`]); the
    /// registry is unchanged then.
    pub fn apply_as(&mut self, meta: &Meta, command: Command) -> Result<Event, Error> {
        self.authorize_as(&meta.actor, &command)?;
        self.apply(meta, command)
    }

    /// Whether operator `operator` may issue `command` on the registry as it stands
    /// ([`Access::authorize`]); `access_denied` when not, or when there is no such operator.
    pub fn authorize_as(&self, operator: &str, command: &Command) -> Result<(), Error> {
        self.access(operator, command.name())?.authorize(command)
    }

    /// [`apply_batch`](Registry::apply_batch) as the operator named by `meta.actor`: each
    /// command is authorized against the registry as the earlier ones of the batch left it
    /// (a clerk may add an organization and join members to it in one batch); any refusal
    /// leaves the registry as it was and names the command's position.
    pub fn apply_batch_as(
        &mut self,
        meta: &Meta,
        commands: impl IntoIterator<Item = Command>,
    ) -> Result<usize, (usize, Error)> {
        self.apply_batch_checked(meta, commands, |reg, command| {
            reg.authorize_as(&meta.actor, command)
        })
    }
}

impl<'r> Access<'r> {
    /// The operator.
    pub fn operator(&self) -> &'r Operator {
        self.operator
    }

    fn denied(&self, needs: AccessRole, target: Target) -> Error {
        Error::AccessDenied(Box::new(AccessDenied {
            operator: self.operator.id.clone(),
            action: self.action.clone(),
            needs: Some((needs, target)),
        }))
    }

    /// The operator's role over the whole registry (its highest grant without an organization).
    pub fn registry_role(&self) -> Option<AccessRole> {
        self.grants
            .iter()
            .filter(|(_, root)| root.is_none())
            .map(|(r, _)| *r)
            .max()
    }

    /// Whether walking up the latest links from `org` reaches `root`.
    fn under(&self, org: OrgIdx, root: OrgIdx) -> bool {
        self.reg
            .reaches_by(org, root, |c| self.reg.current_parent(c))
    }

    /// The operator's role at an organization (arena index): the highest grant covering it.
    pub fn role_at_index(&self, org: OrgIdx) -> Option<AccessRole> {
        self.grants
            .iter()
            .filter(|(_, root)| root.is_none_or(|r| self.under(org, r)))
            .map(|(r, _)| *r)
            .max()
    }

    /// The operator's role at organization `id` (over the whole registry for an unknown id).
    pub fn role_at(&self, id: &str) -> Option<AccessRole> {
        match self.reg.org_index(id) {
            Some(i) => self.role_at_index(i),
            None => self.registry_role(),
        }
    }

    /// The operator's role over a person or enterprise: the highest at any organization it has
    /// had a membership in, or over the whole registry.
    pub fn role_over_member(&self, member: &MemberRef) -> Option<AccessRole> {
        let orgs = self.reg.member_orgs(member);
        self.grants
            .iter()
            .filter(|(_, root)| root.is_none_or(|r| orgs.iter().any(|&o| self.under(o, r))))
            .map(|(r, _)| *r)
            .max()
    }

    fn check(
        &self,
        have: Option<AccessRole>,
        needs: AccessRole,
        target: Target,
    ) -> Result<(), Error> {
        if have >= Some(needs) {
            Ok(())
        } else {
            Err(self.denied(needs, target))
        }
    }

    /// Requires `role` over the whole registry.
    pub fn require_registry(&self, role: AccessRole) -> Result<(), Error> {
        self.check(self.registry_role(), role, Target::Registry)
    }

    /// Requires `role` at organization `id` (over the whole registry when it is unknown).
    pub fn require_org(&self, role: AccessRole, id: &str) -> Result<(), Error> {
        match self.reg.org_index(id) {
            Some(i) => self.check(
                self.role_at_index(i),
                role,
                Target::Organization(id.to_string()),
            ),
            None => self.require_registry(role),
        }
    }

    /// Requires `role` at a parent, or over the whole registry for `None` (a root).
    pub fn require_parent(&self, role: AccessRole, parent: Option<&str>) -> Result<(), Error> {
        match parent {
            Some(p) => self.require_org(role, p),
            None => self.require_registry(role),
        }
    }

    /// Requires `role` over a person or enterprise.
    pub fn require_member(&self, role: AccessRole, member: &MemberRef) -> Result<(), Error> {
        self.check(
            self.role_over_member(member),
            role,
            Target::Member(member.clone()),
        )
    }

    /// Requires a grant of at least `role` somewhere.
    pub fn require_somewhere(&self, role: AccessRole) -> Result<(), Error> {
        self.check(
            self.grants.iter().map(|(r, _)| *r).max(),
            role,
            Target::Anywhere,
        )
    }

    /// Requires `role` over the scope of every grant in `grants`.
    fn require_grants(&self, role: AccessRole, grants: &[Grant]) -> Result<(), Error> {
        grants
            .iter()
            .try_for_each(|g| self.require_parent(role, g.org.as_deref()))
    }

    /// Checks that the operator may issue `command` (the table in the [module docs](self)).
    pub fn authorize(&self, command: &Command) -> Result<(), Error> {
        use AccessRole::{Administrator, Editor, Viewer};
        match command {
            Command::AddOrganization { parent, .. } => {
                self.require_parent(Editor, parent.as_deref())
            }
            Command::MoveOrganization { id, parent, .. } => {
                let old = match self.reg.org_index(id) {
                    Some(i) => self
                        .reg
                        .current_parent(i)
                        .and_then(|p| self.reg.organization_at(p))
                        .map(|o| o.id.as_str()),
                    None => return self.require_registry(Editor),
                };
                self.require_parent(Editor, old)?;
                self.require_parent(Editor, parent.as_deref())
            }
            Command::UpdateOrganization { org } => self.require_org(Editor, &org.id),
            Command::DissolveOrganization { id, .. } => self.require_org(Editor, id),
            Command::StartTerm { org, .. } => self.require_org(Editor, org),
            Command::Leave { org, .. } | Command::ChangeRole { org, .. } => {
                self.require_org(Editor, org)
            }
            Command::RecordDesignation { designation } => {
                self.require_org(Editor, &designation.org)
            }
            Command::RevokeDesignation { id, .. } => match self.reg.designation_org(id) {
                Some(org) => self.require_org(Editor, org),
                None => self.require_registry(Editor),
            },
            Command::RecordActivity { activity } => self.require_org(Editor, &activity.org),
            Command::RecordAdvice { advice } => {
                self.require_org(Editor, &advice.org)?;
                advice
                    .authors
                    .iter()
                    .try_for_each(|a| self.require_member(Viewer, &MemberRef::Person(a.clone())))
            }
            Command::AddAffiliation { affiliation } => {
                self.require_org(Editor, &affiliation.org)?;
                self.require_org(Viewer, &affiliation.other)
            }
            Command::EndAffiliation { id, .. } => match self.reg.affiliation(id) {
                Some(a) => {
                    self.require_org(Editor, &a.org)?;
                    self.require_org(Viewer, &a.other)
                }
                None => self.require_registry(Editor),
            },
            Command::AddPerson { .. } | Command::AddEnterprise { .. } => {
                self.require_somewhere(Editor)
            }
            Command::UpdatePerson { person } => {
                self.require_member(Editor, &MemberRef::Person(person.id.clone()))
            }
            Command::UpdateEnterprise { enterprise } => {
                self.require_member(Editor, &MemberRef::Enterprise(enterprise.id.clone()))
            }
            Command::Join { membership } => {
                self.require_org(Editor, &membership.org)?;
                if self.reg.member_orgs(&membership.member).is_empty() {
                    Ok(())
                } else {
                    self.require_member(Viewer, &membership.member)
                }
            }
            Command::SetOperator { operator } => {
                self.require_somewhere(Administrator)?;
                self.require_grants(Administrator, &operator.grants)?;
                match self.reg.operator(&operator.id) {
                    Some(old) => self.require_grants(Administrator, &old.grants),
                    None => Ok(()),
                }
            }
            Command::RemoveOperator { id } => {
                self.require_somewhere(Administrator)?;
                match self.reg.operator(id) {
                    Some(old) => self.require_grants(Administrator, &old.grants),
                    None => Ok(()),
                }
            }
            Command::RecordUnmaskedExport { orgs, .. } => {
                if orgs.is_empty() {
                    self.require_registry(Administrator)
                } else {
                    orgs.iter()
                        .try_for_each(|o| self.require_org(Administrator, o))
                }
            }
            Command::SetRuleBook { .. } => self.require_registry(Administrator),
        }
    }

    /// The operator's role at every organization, by arena index (for filtering lists and
    /// tables in one pass): O(organizations × grants) with the latest forest.
    pub fn view(&self) -> View {
        let n = self.reg.organization_count();
        let whole = self.registry_role();
        let mut roles = vec![whole; n];
        if whole != Some(AccessRole::Administrator) {
            let forest = self.reg.latest_tree();
            for &(role, root) in &self.grants {
                if let Some(root) = root {
                    for &o in forest.subtree(root) {
                        let r = &mut roles[o.get()];
                        *r = (*r).max(Some(role));
                    }
                }
            }
        }
        View {
            roles,
            whole,
            grant_roots: self
                .grants
                .iter()
                .filter_map(|&(role, root)| root.map(|r| (role, r)))
                .collect(),
        }
    }
}

/// An operator's role at every organization (see [`Access::view`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    roles: Vec<Option<AccessRole>>,
    whole: Option<AccessRole>,
    grant_roots: Vec<(AccessRole, OrgIdx)>,
}

impl View {
    /// The role at an organization (arena index).
    pub fn role_at(&self, org: OrgIdx) -> Option<AccessRole> {
        self.roles.get(org.get()).copied().flatten()
    }

    /// Whether the operator sees the organization.
    pub fn sees(&self, org: OrgIdx) -> bool {
        self.role_at(org).is_some()
    }

    /// The role over the whole registry.
    pub fn registry_role(&self) -> Option<AccessRole> {
        self.whole
    }

    /// The roots of the subtree grants with their roles.
    pub fn grant_roots(&self) -> &[(AccessRole, OrgIdx)] {
        &self.grant_roots
    }

    /// The same view restricted to the organizations where the role is at least `role`.
    pub fn at_least(&self, role: AccessRole) -> View {
        let keep = |r: Option<AccessRole>| r.filter(|r| *r >= role);
        View {
            roles: self.roles.iter().map(|&r| keep(r)).collect(),
            whole: keep(self.whole),
            grant_roots: self
                .grant_roots
                .iter()
                .copied()
                .filter(|(r, _)| *r >= role)
                .collect(),
        }
    }

    /// The role over a member: the highest at an organization of its memberships, or over the
    /// whole registry.
    pub fn role_over_member(&self, reg: &Registry, member: &MemberRef) -> Option<AccessRole> {
        reg.member_orgs(member)
            .into_iter()
            .map(|o| self.role_at(o))
            .fold(self.whole, Ord::max)
    }

    /// A person's record as the operator may read it: resident ID masked below editor.
    pub fn person(&self, reg: &Registry, person: &Person) -> Person {
        let mut p = person.clone();
        if self.role_over_member(reg, &MemberRef::Person(p.id.clone())) < Some(AccessRole::Editor) {
            mask_resident_id(&mut p);
        }
        p
    }
}

/// Replaces a person's resident ID with its masked form (an unreadable one entirely by `*`).
fn mask_resident_id(person: &mut Person) {
    if let Some(r) = &mut person.resident_id {
        *r = crate::interchange::export_resident_id(r, false);
    }
}
