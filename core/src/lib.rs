//! # tongxin (同心)
//!
//! The registry of united-front organizations in China — 知联会, 新联会, 同心荟, their branches,
//! bases and chambers — as a pure, embeddable domain core: the organization hierarchy with its
//! dated history, the people and enterprises who belong, the rules of who may belong where, and the
//! statistics departments report.
//!
//! ## The domain in one page
//! An [`Organization`] sits at a [`Level`] (national down to
//! community) in a division, and hangs under a parent by one of two [`Relation`]s:
//! *guidance* (指导: a lower-level association guided by a higher one, memberships separate) or
//! *part-of* (分会/专委会: a branch whose members count as the parent's too). Everything is dated:
//! memberships, lifetimes, parent links. A move closes one link and opens another, so the tree of
//! any past day can be asked for. Dates the sources know only to the month stay
//! [`PartialDate`]s.
//!
//! ## Changing a registry
//! Every change is a [`Command`]. [`Registry::apply`]
//! checks it against the structural rules and either applies it, returning the journal
//! [`Event`], or rejects it with an [`Error`] carrying a stable
//! [`ErrorCode`] — and then the registry is exactly as it was. A registry may also hold a
//! membership rule book ([`Command::SetRuleBook`], none by default): each join then runs the
//! organization's eligibility rules atomically with it — a failed `reject` rule refuses it
//! ([`ErrorCode::RuleViolation`]), failed `warn` rules are returned on the event
//! ([`Event::warnings`]).
//!
//! [`Registry::apply`] is the host's own, trusted call. A registry may also hold operators
//! ([`Command::SetOperator`]) with grants over subtrees; [`Registry::apply_as`] and the `*_as`
//! functions of [`api`] act as one and refuse what its grants do not cover
//! ([`ErrorCode::AccessDenied`]; see [`access`]).
//!
//! ```
//! use tongxin::prelude::*;
//! use chrono::NaiveDate;
//!
//! let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! let meta = Meta { at: day("2024-05-07").and_hms_opt(9, 0, 0).unwrap(), actor: "clerk".into() };
//! let mut reg = Registry::new();
//! let org = |id: &str, level, code: &str, founded| Organization {
//!     id: id.into(), name: id.into(), name_en: None, kind: OrgKind::Zhilianhui, level,
//!     division_code: code.into(), carrier: None, category: None, founded: day(founded),
//!     dissolved: None, facilities: None, tags: vec![],
//! };
//! reg.apply(&meta, Command::AddOrganization {
//!     org: org("futian", Level::District, "440304", "2015-01-01"), parent: None,
//!     relation: Relation::Guidance,
//! })?;
//! reg.apply(&meta, Command::AddOrganization {
//!     org: org("futian-street", Level::Subdistrict, "440304004", "2024-05-07"),
//!     parent: Some("futian".into()), relation: Relation::PartOf,
//! })?;
//! // A branch cannot sit above its parent: rejected, and nothing changed.
//! let err = reg.apply(&meta, Command::AddOrganization {
//!     org: org("bad", Level::Municipal, "4403", "2024-06-01"),
//!     parent: Some("futian".into()), relation: Relation::PartOf,
//! }).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::LevelOrder);
//! assert_eq!(reg.subtree("futian", day("2024-05-07"))?, vec!["futian", "futian-street"]);
//! assert_eq!(reg.subtree("futian", day("2024-05-06"))?, vec!["futian"]);
//! # Ok::<(), tongxin::error::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod access;
pub mod api;
pub mod command;
pub mod date;
pub mod error;
mod history;
pub mod ids;
pub mod interchange;
pub mod journal;
mod json_path;
pub mod json_read;
pub mod model;
mod pretty;
pub mod registry;
pub mod rules;
pub mod snapshot;
pub mod stats;
mod tagged;
pub mod tree;
pub mod vocab;

/// The types most programs need, in one import.
pub mod prelude {
    pub use crate::access::{AccessRole, Grant, Operator};
    pub use crate::command::{Command, Event, Meta, Warnings};
    pub use crate::date::{Certainty, PartialDate};
    pub use crate::error::{Entity, Error, ErrorCode};
    pub use crate::model::*;
    pub use crate::registry::{MemberScope, Registry};
    pub use crate::vocab::*;
}

pub use prelude::*;
