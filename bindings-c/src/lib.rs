//! # libtongxin — the C ABI of [`tongxin`]
//!
//! This crate builds `libtongxin.so` and `libtongxin.a` and, through cbindgen, the header
//! `include/tongxin.h`. It is glue only: argument checks, panic containment, ownership and
//! conversion. Every rule and every query lives in the `tongxin` core crate.
//!
//! ## Conventions (repeated in the header's preamble)
//! - Every symbol starts with `tx_`. A registry is an opaque [`tx_registry`] handle created by
//!   [`tx_registry_new`] or [`tx_registry_from_json`] and released by [`tx_registry_free`].
//! - Fallible functions return a [`tx_status`] (`TX_STATUS_OK` is 0). Out-parameters are written
//!   only when the function returns `TX_STATUS_OK` (the few documented exceptions say so).
//! - After a failure, [`tx_last_error_message`] copies a message naming what went wrong into a
//!   caller buffer; [`tx_status_name`] gives the stable snake_case name of a status.
//! - Strings in are NUL-terminated UTF-8; dates are `YYYY-MM-DD`, timestamps
//!   `YYYY-MM-DDTHH:MM:SS`; vocabulary values (levels, kinds, parties, roles …) are their stable
//!   snake_case names. Strings out are owned by the caller and released with [`tx_string_free`].
//! - Every exported function body runs inside one panic boundary (`ffi_boundary!`): a Rust panic
//!   never unwinds into the host; it becomes `TX_STATUS_PANIC`.
//! - Statistics ([`tx_registry_stats_json`], [`tx_registry_stats_csv`],
//!   [`tx_registry_rollup_total`]) and identifier checks ([`tx_resident_id_check`],
//!   [`tx_credit_code_check`], [`tx_division_code_check`]) hand back the core's own results;
//!   an identifier the core refuses gives `TX_STATUS_INVALID_IDENTIFIER`.
//! - Interchange ([`tx_registry_import_rosters`], [`tx_registry_check_rosters`],
//!   [`tx_registry_export_rosters`], [`tx_registry_export_popolo`],
//!   [`tx_registry_import_popolo`]) hands bytes to and from the core's `interchange` functions;
//!   a rejected import gives `TX_STATUS_IMPORT` with the core's file/line/column message, and
//!   exported files are owned [`tx_bytes`] released with [`tx_bytes_free`].
//! - Membership rules ([`tx_registry_rules_json`]) answer the core's `rules::check`,
//!   `rules::audit` and `rules::candidates` as JSON; a rule book or question the rules engine
//!   refuses gives `TX_STATUS_RULE` with the core's message and code.
//! - Typed hot paths ([`tx_registry_check_eligibility`], [`tx_registry_rollup_totals`]) answer
//!   the same questions without JSON: an eligibility check against a rule book compiled once
//!   per handle ([`tx_registry_set_rule_book_json`]), and every organization's subtree total in
//!   one pass into a caller array, in the order [`tx_registry_organization_id_at`] names.
//! - Scoped operators ([`tx_registry_apply_as_json`], [`tx_registry_apply_batch_as_json`],
//!   [`tx_registry_query_as_json`], [`tx_registry_stats_as_json`], [`tx_registry_stats_as_csv`],
//!   [`tx_registry_rules_as_json`], [`tx_registry_export_rosters_as`],
//!   [`tx_registry_export_popolo_as`]): the same calls as an operator set by a `set_operator`
//!   command, answering only what its grants cover; a refusal is `TX_STATUS_ACCESS_DENIED`.
//!   Roster and Popolo imports take `"as_operator":true` in their options instead.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(missing_docs, unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

#[macro_use]
mod macros;

pub mod access;
pub mod error;
pub mod ids;
pub mod interchange;
pub mod journal;

pub mod registry;
pub mod rules;
pub mod stats;
pub mod status;
pub mod strings;
pub mod typed;

#[cfg(test)]
mod tests;

pub use access::*;
pub use error::*;
pub use ids::*;
pub use interchange::*;
pub use journal::*;
pub use registry::*;
pub use rules::*;
pub use stats::*;
pub use status::*;
pub use strings::*;
pub use typed::*;

/// Major version of this library (the `MAJOR` of the Cargo version). Changes when the ABI
/// breaks once past 1.0; during 0.x a change of minor version may break it too.
pub const TX_VERSION_MAJOR: u32 = 0;
/// Minor version of this library.
pub const TX_VERSION_MINOR: u32 = 1;
/// Patch version of this library.
pub const TX_VERSION_PATCH: u32 = 0;
