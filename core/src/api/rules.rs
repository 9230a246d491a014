//! Membership rules: eligibility checks, audits and candidate lists as JSON questions tagged by
//! `"question"`.

use super::{to_json, ApiError};
use crate::model::MemberRef;
use crate::registry::Registry;
use crate::rules::{self, CandidateOrder, CompiledBook, OrderKey, RuleBook};
use crate::tagged::tagged_enum;
use chrono::NaiveDate;
use serde::Serialize;

tagged_enum! {
    #[serde(tag = "question", rename_all = "snake_case", deny_unknown_fields)]
    #[wire(QuestionWire)]
    /// A question about the rules; JSON `{"question": "check" | "audit" | "candidates", …}`.
    #[derive(Debug, Clone, Serialize)]
    pub enum Question {
        /// `rules::check`.
        Check {
            /// The member, `{"person": id}` or `{"enterprise": id}`.
            member: MemberRef,
            /// The organization.
            org: String,
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// The rule book (default: the registry's own, else the standard one).
            #[serde(default)]
            book: Option<RuleBook>,
        },
        /// `rules::audit`.
        Audit {
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// The subtree's root (default: every organization).
            #[serde(default)]
            root: Option<String>,
            /// The rule book (default: the registry's own, else the standard one).
            #[serde(default)]
            book: Option<RuleBook>,
        },
        /// `rules::candidates`.
        Candidates {
            /// The organization.
            org: String,
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// Keep only the first `limit`.
            #[serde(default)]
            limit: Option<usize>,
            /// Ranking keys (default: the core's `CandidateOrder::default`).
            #[serde(default)]
            keys: Option<Vec<OrderKey>>,
            /// The rule book (default: the registry's own, else the standard one).
            #[serde(default)]
            book: Option<RuleBook>,
        },
    }
}

/// The book a question uses: the one it gives, else the registry's own (the book its joins
/// obey, set by `set_rule_book`), else the standard book.
fn compile(
    reg: &Registry,
    book: Option<RuleBook>,
) -> Result<std::borrow::Cow<'_, CompiledBook>, ApiError> {
    use std::borrow::Cow;
    match (book, reg.rule_book()) {
        (Some(b), _) => b
            .compile()
            .map(Cow::Owned)
            .map_err(|e| ApiError::from(e).context("field `book`")),
        (None, Some(own)) => Ok(Cow::Borrowed(own)),
        (None, None) => Ok(Cow::Owned(CompiledBook::standard())),
    }
}

/// The ranking a `candidates` question asks for: its keys (default
/// [`CandidateOrder::default`]'s) and limit.
fn order(keys: Option<Vec<OrderKey>>, limit: Option<usize>) -> CandidateOrder {
    let mut order = CandidateOrder::default();
    if let Some(keys) = keys {
        order.keys = keys;
    }
    order.limit = limit;
    order
}

/// Answers a [`Question`] from `reg` as the core result's compact JSON: `check` gives
/// [`rules::check`]'s eligibility with every clause and the explanations in zh and en,
/// `audit` the violations, `candidates` the ranked candidates.
pub fn rules(reg: &Registry, question: Question) -> Result<String, ApiError> {
    match question {
        Question::Check {
            member,
            org,
            as_of,
            book,
        } => to_json(&rules::check(
            reg,
            &*compile(reg, book)?,
            &member,
            &org,
            as_of,
        )?),
        Question::Audit { as_of, root, book } => to_json(&rules::audit(
            reg,
            &*compile(reg, book)?,
            root.as_deref(),
            as_of,
        )?),
        Question::Candidates {
            org,
            as_of,
            limit,
            keys,
            book,
        } => {
            let order = order(keys, limit);
            to_json(&rules::candidates(
                reg,
                &*compile(reg, book)?,
                &org,
                as_of,
                &order,
            )?)
        }
    }
}

impl Question {
    /// The stable name (the `"question"` tag).
    pub fn name(&self) -> &'static str {
        match self {
            Question::Check { .. } => "check",
            Question::Audit { .. } => "audit",
            Question::Candidates { .. } => "candidates",
        }
    }
}

/// Answers a [`Question`] as operator `operator` ([`crate::access`]): `check` needs viewer
/// rights at the organization and over the member (unless it has no membership yet, as for a
/// join); `audit` viewer rights at its root (over the whole registry without one) and keeps
/// the violations of covered organizations; `candidates` viewer rights at the organization
/// and lists only members the operator covers (ranked as unscoped, then cut to `limit`).
pub fn rules_as(reg: &Registry, operator: &str, question: Question) -> Result<String, ApiError> {
    use crate::access::AccessRole::Viewer;
    let access = reg.access(operator, &format!("question {}", question.name()))?;
    match question {
        Question::Check {
            ref member,
            ref org,
            ..
        } => {
            access.require_org(Viewer, org)?;
            if !reg.member_orgs(member).is_empty() {
                access.require_member(Viewer, member)?;
            }
            rules(reg, question)
        }
        Question::Audit { as_of, root, book } => {
            access.require_parent(Viewer, root.as_deref())?;
            let view = access.view();
            let mut audit = rules::audit(reg, &*compile(reg, book)?, root.as_deref(), as_of)?;
            audit
                .violations
                .retain(|v| reg.org_index(&v.org).is_some_and(|i| view.sees(i)));
            to_json(&audit)
        }
        Question::Candidates {
            org,
            as_of,
            limit,
            keys,
            book,
        } => {
            access.require_org(Viewer, &org)?;
            let view = access.view();
            let order = order(keys, None);
            let mut list = rules::candidates(reg, &*compile(reg, book)?, &org, as_of, &order)?;
            list.retain(|c| {
                let member = if c.enterprise {
                    MemberRef::Enterprise(c.id.to_string())
                } else {
                    MemberRef::Person(c.id.to_string())
                };
                view.role_over_member(reg, &member).is_some()
            });
            if let Some(limit) = limit {
                list.truncate(limit);
            }
            to_json(&list)
        }
    }
}
