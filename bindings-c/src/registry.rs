//! The registry handle and the functions over it.

use crate::error::{parse_arg, Failure, Out};
use crate::status::tx_status;
use crate::strings::write_string;
use chrono::{NaiveDate, NaiveDateTime};
use std::ffi::c_char;
use std::str::FromStr;
use std::sync::OnceLock;
use tongxin::api::{self, BatchError};
use tongxin::rules::CompiledBook;
use tongxin::{
    Command, Level, MemberRef, MemberScope, Membership, Meta, OrgKind, Organization, Party, Person,
    Registry, Relation, Role, Stratum, Title,
};

/// A registry of organizations, persons and memberships (opaque).
///
/// Created by `tx_registry_new` or `tx_registry_from_json`, released by `tx_registry_free`.
///
/// Thread safety: a handle is not internally synchronized. Use it from one thread at a time
/// (functions taking `const tx_registry*` only read it, but still must not run while another
/// thread mutates it). A handle may be moved between threads: create it on one thread, use it
/// on another, free it on a third.
pub struct tx_registry {
    pub(crate) inner: Registry,
    /// The rule book `tx_registry_check_eligibility` uses when set by
    /// `tx_registry_set_rule_book_json` (else the registry's own, else the standard book).
    pub(crate) rule_book: Option<CompiledBook>,
    /// The standard book, compiled on first use.
    pub(crate) standard_book: OnceLock<CompiledBook>,
    /// The import progress callback set by `tx_registry_set_import_progress`.
    pub(crate) progress: crate::interchange::ProgressHook,
}

impl tx_registry {
    fn boxed(inner: Registry) -> *mut tx_registry {
        Box::into_raw(Box::new(tx_registry {
            inner,
            rule_book: None,
            standard_book: OnceLock::new(),
            progress: crate::interchange::ProgressHook::default(),
        }))
    }
}

/// A handle may move between threads (compile-time check).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<tx_registry>();
};

/// At most this many characters of a caller's value are quoted back in messages.
const QUOTE_MAX: usize = 64;

fn quote(s: &str) -> String {
    let mut q: String = s.chars().take(QUOTE_MAX).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    q
}

pub(crate) fn parse_date(param: &str, s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::from_str(s).map_err(|_| {
        Failure::invalid(
            param,
            format!("`{}` is not a date of the form YYYY-MM-DD", quote(s)),
        )
    })
}

fn parse_timestamp(param: &str, s: &str) -> Result<NaiveDateTime, Failure> {
    NaiveDateTime::from_str(s).map_err(|_| {
        Failure::invalid(
            param,
            format!(
                "`{}` is not a timestamp of the form YYYY-MM-DDTHH:MM:SS",
                quote(s)
            ),
        )
    })
}

/// Parses a vocabulary name (level, kind, party, role …) with the core's own parser.
fn parse_vocab<T>(param: &str, s: &str) -> Result<T, Failure>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| Failure::invalid(param, e))
}

fn parse_scope(param: &str, s: &str) -> Result<MemberScope, Failure> {
    s.parse().map_err(|e: String| Failure::invalid(param, e))
}

fn meta(at: &str, actor: &str) -> Result<Meta, Failure> {
    Ok(Meta {
        at: parse_timestamp("at", at)?,
        actor: actor.to_string(),
    })
}

/// Creates an empty registry.
///
/// \return a new handle, or NULL only if the library panicked (then `tx_last_error_message`
/// says why).
///
/// Ownership: the caller owns the handle and must release it with `tx_registry_free`.
/// Thread safety: safe from any thread; see `tx_registry` for using the handle.
#[unsafe(no_mangle)]
pub extern "C" fn tx_registry_new() -> *mut tx_registry {
    ffi_boundary!(value std::ptr::null_mut(), {
        tx_registry::boxed(Registry::new())
    })
}

/// Releases a registry. `reg` may be NULL (a no-op).
///
/// Ownership: takes back ownership; `reg` must not be used afterwards, nor freed twice.
/// Thread safety: no other thread may be using `reg`.
///
/// # Safety
/// `reg` must be NULL or a handle from `tx_registry_new`/`tx_registry_from_json` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_free(reg: *mut tx_registry) {
    ffi_boundary!(value(), {
        if !reg.is_null() {
            // SAFETY: a live handle from `Box::into_raw` (caller's promise).
            drop(unsafe { Box::from_raw(reg) });
        }
    })
}

/// Loads a registry from snapshot JSON (as written by `tx_registry_to_json`).
///
/// A snapshot of `schema_version` 2 first has its journal's hash chain checked against its
/// `head` (see `tx_verify_journal_json`); then the journal is replayed through the same
/// validated commands and the records it rebuilds must equal the ones written, so a
/// hand-edited snapshot cannot smuggle in a state the rules forbid. Version 1 snapshots (no
/// hashes) are replayed and compared.
///
/// \param json   NUL-terminated UTF-8 snapshot text; borrowed for the call.
/// \param out    non-NULL; receives the new handle on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` (not JSON, or not a snapshot's shape);
///         `TX_STATUS_UNSUPPORTED_SCHEMA_VERSION` (a snapshot from another version);
///         `TX_STATUS_JOURNAL_TAMPERED` (naming the first altered, inserted, removed or moved
///         event); `TX_STATUS_REPLAY_FAILED`, `TX_STATUS_SNAPSHOT_MISMATCH`; binding-level
///         codes.
///
/// Ownership: on success the caller owns `*out` (free with `tx_registry_free`).
/// Thread safety: safe from any thread.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_from_json(
    json: *const c_char,
    out: *mut *mut tx_registry,
) -> tx_status {
    ffi_boundary!(status {
        let json = try_str!(json);
        let out = try_out!(out);
        let inner = Registry::from_json(json)?;
        out.write(tx_registry::boxed(inner));
        Ok(())
    })
}

/// Writes the whole registry as snapshot JSON (pretty-printed, deterministic: the same
/// registry gives the same bytes, through C and through Rust).
///
/// \param reg non-NULL handle; only read.
/// \param out non-NULL; receives the JSON text on success.
///
/// Ownership: on success the caller owns `*out`; release it with `tx_string_free`, never
/// `free()`.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_to_json(
    reg: *const tx_registry,
    out: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let out = try_out!(out);
        write_string(out, reg.inner.to_json())
    })
}

/// Applies one command, given as the core's command JSON, e.g.
/// `{"type":"leave","member":{"person":"p1"},"org":"o1","date":"2024-01-01"}`.
///
/// Every command the core knows is accepted (`add_organization`, `update_organization`,
/// `dissolve_organization`, `move_organization`, `add_affiliation`, `end_affiliation`,
/// `start_term`, `add_person`, `update_person`, `add_enterprise`, `update_enterprise`, `join`,
/// `leave`, `change_role`, `record_designation`, `revoke_designation`, `record_activity`,
/// `record_advice`, `set_rule_book`). A rejected command leaves the registry exactly as it was.
///
/// `{"type":"set_rule_book","book":{…}}` gives the registry a membership rule book (the core's
/// `RuleBook` JSON; `"book":null` removes it): from then on a `join` that fails one of the
/// organization's `reject` eligibility rules is refused with `TX_STATUS_RULE_VIOLATION`, and the
/// `warn` rules it fails are listed in the event's `"warnings"` (absent when there are none).
/// A book that does not compile is refused with `TX_STATUS_INVALID_RULE_BOOK`. This book is
/// journaled registry state, kept in snapshots; it is not the handle's eligibility-check book
/// (`tx_registry_set_rule_book_json`).
///
/// \param reg            non-NULL handle; mutated on success.
/// \param meta_json      `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}`: who issues it and when.
/// \param command_json   the command.
/// \param out_event_json non-NULL; receives the journal event JSON
///                       (`{"seq":…,"at":…,"actor":…,"command":{…}}`, plus `"warnings":[…]`
///                       for a join that failed `warn` rules) on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not a meta or command;
///         a core rule's status (e.g. `TX_STATUS_LEVEL_ORDER`, `TX_STATUS_RULE_VIOLATION`) when
///         rejected.
///
/// Ownership: on success the caller owns `*out_event_json` (`tx_string_free`).
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_apply_json(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    command_json: *const c_char,
    out_event_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let command_json = try_str!(command_json);
        let out = try_out!(out_event_json);
        let meta: Meta = parse_arg("meta_json", meta_json)?;
        let command = parse_arg("command_json", command_json)?;
        let event = api::apply(&mut reg.inner, &meta, command)?;
        write_string(out, event)
    })
}

/// Applies a JSON array of commands atomically: all are applied, or none.
///
/// \param reg              non-NULL handle; mutated on success only.
/// \param meta_json        `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}`, for every command.
/// \param commands_json    a JSON array of commands (see `tx_registry_apply_json`).
/// \param out_applied      non-NULL; receives the number of commands applied on success.
/// \param out_failed_index non-NULL; written only on failure, and only when one element is to
///                         blame: the 0-based index of the command that is malformed
///                         (`TX_STATUS_INVALID_JSON`) or was rejected (its rule's status). A
///                         documented exception to "out-params only on success". The message
///                         names the index and the command's type as well.
/// \return `TX_STATUS_OK`, or the failing command's status with the registry unchanged.
///
/// Ownership: nothing is handed out.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_apply_batch_json(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    commands_json: *const c_char,
    out_applied: *mut usize,
    out_failed_index: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let commands_json = try_str!(commands_json);
        let out_applied = try_out!(out_applied);
        let out_failed_index = try_out!(out_failed_index);
        let meta: Meta = parse_arg("meta_json", meta_json)?;
        write_batch(
            api::apply_batch(&mut reg.inner, &meta, commands_json),
            out_applied,
            out_failed_index,
        )
    })
}

/// Writes a batch's outcome: the count applied, or the failing index (when one element is to
/// blame) and the failure.
pub(crate) fn write_batch(
    result: Result<usize, BatchError>,
    out_applied: Out<usize>,
    out_failed_index: Out<usize>,
) -> Result<(), Failure> {
    match result {
        Ok(n) => {
            out_applied.write(n);
            Ok(())
        }
        Err(BatchError::NotCommands { index, error }) => {
            if let Some(i) = index {
                out_failed_index.write(i);
            }
            Err(Failure::from(error).context("argument `commands_json`"))
        }
        Err(BatchError::Rejected { index, error }) => {
            out_failed_index.write(index);
            Err(Failure::from(error))
        }
    }
}

/// Adds an organization (typed form of the `add_organization` command; other fields — English
/// name, carrier, category, facilities, tags, dissolution — through `tx_registry_apply_json`).
///
/// \param reg           non-NULL handle; mutated on success.
/// \param at            timestamp `YYYY-MM-DDTHH:MM:SS` of the command.
/// \param actor         who issues it.
/// \param id            the new organization's id.
/// \param name          its Chinese name.
/// \param kind          `zhilianhui`, `xinlianhui`, `wanglianhui`, `returned_scholars`,
///                      `tongxinhui`, `base`, `democratic_party_branch`, `party_committee`,
///                      `party_branch`, `chamber`, `advisory_studio`, `special_committee`,
///                      `online_group` or `other`.
/// \param level         `national`, `provincial`, `municipal`, `district`, `subdistrict` or
///                      `community`.
/// \param division_code division code (2, 4, 6, 9 or 12 digits).
/// \param founded       founding day `YYYY-MM-DD`.
/// \param parent_id     the parent's id, or NULL for a root.
/// \param relation      `guidance` or `part_of` (ignored for a root, but must still be valid).
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT` for a bad date or name; a core rule's
///         status, e.g. `TX_STATUS_DUPLICATE_ID`, `TX_STATUS_NOT_FOUND` (parent),
///         `TX_STATUS_LEVEL_ORDER`, `TX_STATUS_KIND_MISMATCH`.
///
/// Ownership: all strings are borrowed for the call.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL (only `parent_id` may be) or valid NUL-terminated strings.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_add_organization(
    reg: *mut tx_registry,
    at: *const c_char,
    actor: *const c_char,
    id: *const c_char,
    name: *const c_char,
    kind: *const c_char,
    level: *const c_char,
    division_code: *const c_char,
    founded: *const c_char,
    parent_id: *const c_char,
    relation: *const c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let (at, actor) = (try_str!(at), try_str!(actor));
        let (id, name) = (try_str!(id), try_str!(name));
        let (kind, level) = (try_str!(kind), try_str!(level));
        let (division_code, founded) = (try_str!(division_code), try_str!(founded));
        let parent_id = try_opt_str!(parent_id);
        let relation = try_str!(relation);
        let meta = meta(at, actor)?;
        let org = Organization {
            id: id.to_string(),
            name: name.to_string(),
            name_en: None,
            kind: parse_vocab::<OrgKind>("kind", kind)?,
            level: parse_vocab::<Level>("level", level)?,
            division_code: division_code.to_string(),
            carrier: None,
            category: None,
            founded: parse_date("founded", founded)?,
            dissolved: None,
            facilities: None,
            tags: Vec::new(),
        };
        let relation = parse_vocab::<Relation>("relation", relation)?;
        reg.inner.apply(
            &meta,
            Command::AddOrganization {
                org,
                parent: parent_id.map(str::to_string),
                relation,
            },
        )?;
        Ok(())
    })
}

/// Adds a person (typed form of the `add_person` command; sex, birth, ethnicity, education,
/// employer, resident ID and political posts through `tx_registry_apply_json`).
///
/// \param reg     non-NULL handle; mutated on success.
/// \param at      timestamp `YYYY-MM-DDTHH:MM:SS`.
/// \param actor   who issues it.
/// \param id      the person's id.
/// \param name    the name, or NULL when the registry does not keep it.
/// \param party   `cpc`, `non_party`, `min_ge`, `min_meng`, `min_jian`, `min_jin`, `nong_gong`,
///                `zhi_gong`, `jiu_san`, `tai_meng` or `mass`.
/// \param title   `none`, `junior`, `intermediate`, `associate_senior` or `senior`.
/// \param stratum `none`, `private_enterprise_staff`, `intermediary_staff`, `freelancer` or
///                `new_media`.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_DUPLICATE_ID`,
///         `TX_STATUS_INVALID_FIELD`.
///
/// Ownership: all strings are borrowed for the call.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL (only `name` may be) or valid NUL-terminated strings.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_add_person(
    reg: *mut tx_registry,
    at: *const c_char,
    actor: *const c_char,
    id: *const c_char,
    name: *const c_char,
    party: *const c_char,
    title: *const c_char,
    stratum: *const c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let (at, actor, id) = (try_str!(at), try_str!(actor), try_str!(id));
        let name = try_opt_str!(name);
        let (party, title, stratum) = (try_str!(party), try_str!(title), try_str!(stratum));
        let meta = meta(at, actor)?;
        let person = Person {
            id: id.to_string(),
            name: name.map(str::to_string),
            sex: None,
            birth: None,
            ethnicity: None,
            party: parse_vocab::<Party>("party", party)?,
            title: parse_vocab::<Title>("title", title)?,
            stratum: parse_vocab::<Stratum>("stratum", stratum)?,
            education: None,
            returned_overseas: false,
            employer: None,
            profession: None,
            resident_id: None,
            political_posts: Vec::new(),
        };
        reg.inner.apply(&meta, Command::AddPerson { person })?;
        Ok(())
    })
}

/// A person joins an organization from `start_date` (typed form of the `join` command, for an
/// open-ended, non-founding membership; others through `tx_registry_apply_json`).
///
/// \param reg        non-NULL handle; mutated on success.
/// \param at         timestamp `YYYY-MM-DDTHH:MM:SS`.
/// \param actor      who issues it.
/// \param person_id  the person.
/// \param org_id     the organization.
/// \param role       `president`, `vice_president`, `secretary_general`,
///                   `deputy_secretary_general`, `standing_council`, `council`, `member`,
///                   `secretary`, `deputy_secretary`, `committee_member` or `member_unit`.
/// \param start_date first day `YYYY-MM-DD`.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_NOT_FOUND`,
///         `TX_STATUS_OVERLAPPING_MEMBERSHIP`, `TX_STATUS_PRESIDENT_CONFLICT`,
///         `TX_STATUS_OUTSIDE_LIFETIME`.
///
/// Ownership: all strings are borrowed for the call.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid NUL-terminated strings.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_join(
    reg: *mut tx_registry,
    at: *const c_char,
    actor: *const c_char,
    person_id: *const c_char,
    org_id: *const c_char,
    role: *const c_char,
    start_date: *const c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let (at, actor) = (try_str!(at), try_str!(actor));
        let (person_id, org_id) = (try_str!(person_id), try_str!(org_id));
        let (role, start_date) = (try_str!(role), try_str!(start_date));
        let meta = meta(at, actor)?;
        let membership = Membership {
            member: MemberRef::Person(person_id.to_string()),
            org: org_id.to_string(),
            role: parse_vocab::<Role>("role", role)?,
            start: parse_date("start_date", start_date)?,
            end: None,
            founding: false,
            source: None,
        };
        reg.inner.apply(&meta, Command::Join { membership })?;
        Ok(())
    })
}

/// A person leaves an organization: `date` is the first day no longer a member (typed form of
/// the `leave` command).
///
/// \param reg       non-NULL handle; mutated on success.
/// \param at        timestamp `YYYY-MM-DDTHH:MM:SS`.
/// \param actor     who issues it.
/// \param person_id the person.
/// \param org_id    the organization.
/// \param date      first day no longer a member, `YYYY-MM-DD`.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_NOT_FOUND`,
///         `TX_STATUS_NO_ACTIVE_MEMBERSHIP` (e.g. leaving twice), `TX_STATUS_DATE_ORDER`.
///
/// Ownership: all strings are borrowed for the call.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid NUL-terminated strings.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_leave(
    reg: *mut tx_registry,
    at: *const c_char,
    actor: *const c_char,
    person_id: *const c_char,
    org_id: *const c_char,
    date: *const c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let (at, actor) = (try_str!(at), try_str!(actor));
        let (person_id, org_id, date) = (try_str!(person_id), try_str!(org_id), try_str!(date));
        let meta = meta(at, actor)?;
        let command = Command::Leave {
            member: MemberRef::Person(person_id.to_string()),
            org: org_id.to_string(),
            date: parse_date("date", date)?,
        };
        reg.inner.apply(&meta, command)?;
        Ok(())
    })
}

/// Whether a person has an active membership, on `date`, in the organization or anywhere in
/// its subtree that day (guidance and part-of children alike).
///
/// \param reg       non-NULL handle; only read.
/// \param person_id the person.
/// \param org_id    the organization.
/// \param date      the day asked, `YYYY-MM-DD`.
/// \param out       non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown person or organization;
///         `TX_STATUS_INVALID_ARGUMENT` for a bad date.
///
/// Ownership: nothing is handed out.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_is_member_in_subtree(
    reg: *const tx_registry,
    person_id: *const c_char,
    org_id: *const c_char,
    date: *const c_char,
    out: *mut bool,
) -> tx_status {
    ffi_boundary!(status {
        let reg = &try_ref!(reg).inner;
        let (person_id, org_id, date) = (try_str!(person_id), try_str!(org_id), try_str!(date));
        let out = try_out!(out);
        let day = parse_date("date", date)?;
        let found = reg.is_member_within(&MemberRef::Person(person_id.to_string()), org_id, day)?;
        out.write(found);
        Ok(())
    })
}

/// Number of distinct members (persons and enterprises, each counted once) active on `date`
/// in an organization under a scope.
///
/// \param reg    non-NULL handle; only read.
/// \param org_id the organization.
/// \param date   the day asked, `YYYY-MM-DD`.
/// \param scope  `direct` (its own memberships), `with_branches` (and its part-of branches and
///               committees, recursively) or `subtree` (every organization under it that day).
/// \param out    non-NULL; receives the count on success (0 when the organization does not
///               exist that day).
/// \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND`; `TX_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: nothing is handed out.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_member_count(
    reg: *const tx_registry,
    org_id: *const c_char,
    date: *const c_char,
    scope: *const c_char,
    out: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = &try_ref!(reg).inner;
        let (org_id, date, scope) = (try_str!(org_id), try_str!(date), try_str!(scope));
        let out = try_out!(out);
        let day = parse_date("date", date)?;
        let scope = parse_scope("scope", scope)?;
        let n = reg.members(org_id, day, scope)?.len();
        out.write(n);
        Ok(())
    })
}

/// Number of organizations in the registry, dissolved ones included.
///
/// \param reg non-NULL handle; only read.
/// \param out non-NULL; receives the count on success.
///
/// Ownership: nothing is handed out.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_organization_count(
    reg: *const tx_registry,
    out: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let out = try_out!(out);
        out.write(reg.inner.organization_count());
        Ok(())
    })
}

/// Answers a query given as a small JSON object tagged by `"type"`; the answer is JSON.
///
/// | query | fields | answer |
/// |---|---|---|
/// | `organization` | `id` | the organization object |
/// | `person` | `id` | the person object |
/// | `enterprise` | `id` | the enterprise object |
/// | `counts` | — | `{"organizations":n,"persons":n,"enterprises":n,"memberships":n}` |
/// | `parent_history` | `org` | `[{"parent":…,"relation":…,"from":…,"to":…}]` |
/// | `terms` | `org` | the council terms |
/// | `children` | `org`, `date` | ids, in the order added |
/// | `ancestors` | `org`, `date` | ids, parent first |
/// | `subtree` | `org`, `date` | ids in pre-order, itself first |
/// | `roots` | `date` | ids |
/// | `members` | `org`, `date`, `scope`? | distinct members, e.g. `[{"person":"p1"}]` |
/// | `active_memberships` | `org`, `date`, `scope`? | membership objects |
/// | `memberships_of` | `member` (`{"person":id}` or `{"enterprise":id}`) | membership objects |
/// | `search_organizations` | `prefix` | organizations whose name starts with it |
/// | `search_persons` | `prefix` | persons whose name starts with it |
/// | `designations_of`, `activities_of`, `advice_of`, `affiliations_of` | `org` | records |
/// | `journal` | `after`? (a seq, default 0) | events with a greater seq, each with `prev`, the hash of the event before it |
/// | `journal_head` | — | `{"head":"<64 hex digits>","events":n}` |
///
/// `scope` is `direct` (default), `with_branches` or `subtree`; dates are `YYYY-MM-DD`.
/// Example: `{"type":"subtree","org":"sz","date":"2024-05-07"}` → `["sz","futian"]`.
///
/// \param reg        non-NULL handle; only read.
/// \param query_json the query.
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for an unknown type or a missing field;
///         `TX_STATUS_NOT_FOUND` for an unknown id.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_query_json(
    reg: *const tx_registry,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        let query = crate::error::parse_arg("query_json", query_json)?;
        let answer = tongxin::api::query(&reg.inner, query)?;
        write_string(out, answer)
    })
}
