//! # tongxin for JavaScript
//!
//! The tongxin registry as a WASM module for browsers and Node (wasm-bindgen). A thin front
//! over the core's shared request layer (`tongxin::api`), exactly like the C front: argument
//! checking, conversion and ownership only. Every answer is the core result's JSON, handed to
//! JavaScript as a plain object (`JSON.parse` of the same bytes the C front returns), so the two
//! fronts give identical answers.
//!
//! ## Errors
//! Every failure throws a JavaScript `Error` whose `name` is `"TongxinError"`, with
//! - `code`: the stable snake_case name (`not_found`, `level_order`, `invalid_json`,
//!   `invalid_argument`, `import`, `rule`, …) — the names of the C front's `tx_status`;
//! - `status`: the stable number (the C front's `tx_status` value: 3, 101, 302, 902, …);
//! - `index` (only from `applyBatch` and `applyBatchAs`): the command that failed;
//! - `report` (from `importRosters`): every problem found, as an object; (for
//!   `journal_tampered`, from `verifyJournal` and `fromJson`): `{seq, kind}`.
//!
//! A rejected command leaves the registry exactly as it was, and the registry keeps working
//! after any error.
//!
//! ## Scoped operators
//! The `…As` methods (`applyAs`, `applyBatchAs`, `queryAs`, `statsAs`, `statsCsvAs`,
//! `rulesAs`, `exportRostersAs`, `exportPopoloAs`) act as an operator registered by the
//! `set_operator` command: the operator is `meta.actor` where the method takes a `Meta`, else
//! its id given first. What its grants do not cover throws `access_denied` (601); the rules
//! are the core's (`tongxin::access`). The methods without `As` stay the host's own, trusted
//! access.
//!
//! ## Panics
//! The module is built with `panic = "abort"` (`immediate-abort` where `scripts/build-wasm.sh`
//! builds the standard library for the target): a Rust panic would trap and leave this WASM
//! instance unusable. The core returns typed errors for every input instead of panicking, every
//! argument is type-checked here before use, and the tests drive every method with garbage
//! (wrong types, missing fields, huge strings, invalid JSON) and check that the registry still
//! answers afterwards.

#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use std::cell::OnceCell;
use tongxin::api::{
    self, ApiError, BatchError, PopoloExportOptions, PopoloImportOptions, RosterBytes,
    RosterExportOptions, RosterImportOptions,
};
use tongxin::ids::{DivisionError, DivisionTable};
use tongxin::interchange::RosterExport;
use tongxin::rules::{self, CompiledBook, RuleBook};
use tongxin::{stats, MemberRef, MemberScope, Meta};
use wasm_bindgen::prelude::*;

// The TypeScript declarations of every plain-data type, added to the generated `.d.ts`:
// `generated.d.ts` is written from the core's own names (checked by `tests/types.rs`),
// `api.d.ts` holds the shapes.
#[wasm_bindgen(typescript_custom_section)]
const TS_GENERATED: &str = include_str!("../types/generated.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_API: &str = include_str!("../types/api.d.ts");

// ---------------------------------------------------------------------------------------------
// Errors

/// Builds the thrown `Error`: message, `name`, `code` and `status`.
fn js_error(code: &str, status: u32, message: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    e.set_name("TongxinError");
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    let _ = Reflect::set(&e, &"status".into(), &status.into());
    e
}

/// The thrown form of a core request error (with its report as an object, if any).
fn api_error(e: ApiError) -> JsValue {
    let err = js_error(e.code.as_str(), e.code.number(), &e.message);
    if let Some(report) = &e.report {
        if let Ok(report) = JSON::parse(report) {
            let _ = Reflect::set(&err, &"report".into(), &report);
        }
    }
    err.into()
}

/// An argument of the wrong type or value.
fn invalid(arg: &str, reason: impl std::fmt::Display) -> JsValue {
    api_error(ApiError::invalid(&format!("argument `{arg}`"), reason))
}

/// Prefixes a core request error with the argument it came from.
fn in_arg(arg: &str) -> impl Fn(ApiError) -> JsValue + '_ {
    move |e| api_error(e.context(&format!("argument `{arg}`")))
}

/// What a JavaScript value is, for messages.
fn type_name(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        format!("a {}", v.js_typeof().as_string().unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------------------------
// Arguments in

/// A string argument.
fn text(arg: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| invalid(arg, format!("must be a string, not {}", type_name(v))))
}

/// A date argument, `YYYY-MM-DD`.
fn date(arg: &str, v: &JsValue) -> Result<NaiveDate, JsValue> {
    let s = text(arg, v)?;
    tongxin::date::parse_day(&s).ok_or_else(|| {
        let shown: String = s.chars().take(64).collect();
        invalid(
            arg,
            format!("`{shown}` is not a date of the form YYYY-MM-DD"),
        )
    })
}

/// The JSON text of an object argument (`JSON.stringify`); `undefined`, functions and symbols
/// are refused, and so is what `JSON.stringify` throws on (cycles, BigInt).
fn json_text(arg: &str, v: &JsValue) -> Result<String, JsValue> {
    if v.is_undefined() || v.is_function() || v.is_symbol() {
        return Err(invalid(
            arg,
            format!("must be a plain object, not {}", type_name(v)),
        ));
    }
    match JSON::stringify(v) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| invalid(arg, format!("cannot be written as JSON ({})", type_name(v)))),
        Err(e) => {
            let why = Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            Err(api_error(
                ApiError::from(tongxin::Error::Json {
                    line: 0,
                    column: 0,
                    message: format!("JSON.stringify failed: {why}"),
                })
                .context(&format!("argument `{arg}`")),
            ))
        }
    }
}

/// An object argument read as a core request type.
fn object<T: serde::de::DeserializeOwned>(arg: &str, v: &JsValue) -> Result<T, JsValue> {
    api::parse(&json_text(arg, v)?).map_err(in_arg(arg))
}

/// An optional options object (`undefined` or `null` for the defaults).
fn options<T: serde::de::DeserializeOwned + Default>(arg: &str, v: &JsValue) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    let text = json_text(arg, v)?;
    api::parse_options(Some(&text)).map_err(in_arg(arg))
}

/// File contents: a string (its UTF-8 bytes) or a `Uint8Array` (the bytes as given, e.g. GBK
/// text or an `.xlsx` workbook); `undefined`/`null` when absent.
fn bytes(arg: &str, v: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else if let Some(s) = v.as_string() {
        Ok(Some(s.into_bytes()))
    } else if v.is_instance_of::<Uint8Array>() {
        Ok(Some(Uint8Array::from(v.clone()).to_vec()))
    } else {
        Err(invalid(
            arg,
            format!("must be a string or a Uint8Array, not {}", type_name(v)),
        ))
    }
}

/// The roster files object `{orgs?, persons?, memberships?, enterprises?}`.
struct Files {
    orgs: Option<Vec<u8>>,
    persons: Option<Vec<u8>>,
    memberships: Option<Vec<u8>>,
    enterprises: Option<Vec<u8>>,
}

impl Files {
    fn read(v: &JsValue) -> Result<Files, JsValue> {
        if !v.is_object() || Array::is_array(v) {
            return Err(invalid(
                "files",
                format!(
                    "must be an object {{orgs?, persons?, memberships?, enterprises?}}, not {}",
                    type_name(v)
                ),
            ));
        }
        const KNOWN: [&str; 4] = ["orgs", "persons", "memberships", "enterprises"];
        for key in Object::keys(&Object::from(v.clone())).iter() {
            let key = key.as_string().unwrap_or_default();
            if !KNOWN.contains(&key.as_str()) {
                return Err(invalid(
                    "files",
                    format!("unknown table `{key}` (expected orgs, persons, memberships or enterprises)"),
                ));
            }
        }
        let get = |k: &str| -> Result<Option<Vec<u8>>, JsValue> {
            let value = Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
            bytes(&format!("files.{k}"), &value)
        };
        Ok(Files {
            orgs: get("orgs")?,
            persons: get("persons")?,
            memberships: get("memberships")?,
            enterprises: get("enterprises")?,
        })
    }

    fn borrow(&self) -> RosterBytes<'_> {
        RosterBytes {
            orgs: self.orgs.as_deref(),
            persons: self.persons.as_deref(),
            memberships: self.memberships.as_deref(),
            enterprises: self.enterprises.as_deref(),
        }
    }
}

/// The JSON text of the commands array argument of `applyBatch` and `applyBatchAs`.
fn commands_text(v: &JsValue) -> Result<String, JsValue> {
    if !Array::is_array(v) {
        return Err(invalid(
            "commands",
            format!("must be an array of commands, not {}", type_name(v)),
        ));
    }
    json_text("commands", v)
}

// ---------------------------------------------------------------------------------------------
// Answers out

/// The thrown form of a batch failure, with `index` set when a command is to blame.
fn batch_error(e: BatchError) -> JsValue {
    let (index, err) = match e {
        BatchError::NotCommands { index, error } => {
            (index, api_error(error.context("argument `commands`")))
        }
        BatchError::Rejected { index, error } => (Some(index), api_error(error)),
    };
    if let Some(i) = index {
        let _ = Reflect::set(&err, &"index".into(), &(i as f64).into());
    }
    err
}

/// The files of a roster export, each as a `Uint8Array`.
fn roster_export(export: &RosterExport) -> JsValue {
    let out = Object::new();
    for (name, data) in [
        ("orgs", &export.orgs),
        ("persons", &export.persons),
        ("memberships", &export.memberships),
        ("enterprises", &export.enterprises),
    ] {
        let _ = Reflect::set(&out, &name.into(), &Uint8Array::from(data.as_slice()));
    }
    out.into()
}

/// The optional `onProgress` argument: absent (`undefined`/`null`) or a function.
fn progress_callback(f: Option<JsValue>) -> Result<Option<js_sys::Function>, JsValue> {
    match f {
        None => Ok(None),
        Some(v) if v.is_undefined() || v.is_null() => Ok(None),
        Some(v) => v
            .dyn_into::<js_sys::Function>()
            .map(Some)
            .map_err(|_| invalid("onProgress", "is not a function")),
    }
}

/// Calls the progress callback, if any, with `{stage, done, total}`; what it throws is
/// ignored (the import goes on).
fn report_progress(f: Option<&js_sys::Function>, p: tongxin::interchange::ImportProgress) {
    if let Some(f) = f {
        let o = Object::new();
        let _ = Reflect::set(&o, &"stage".into(), &p.stage.as_str().into());
        let _ = Reflect::set(&o, &"done".into(), &(p.done as f64).into());
        let _ = Reflect::set(&o, &"total".into(), &(p.total as f64).into());
        let _ = f.call1(&JsValue::NULL, &o);
    }
}

/// A core answer (JSON text) as a JavaScript value.
fn answer(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json).map_err(|_| {
        js_error(
            "unknown_error",
            98,
            "internal error: the core's answer is not JSON; this is a bug, please report it",
        )
        .into()
    })
}

thread_local! {
    /// The core's bundled division table, read on first use.
    static BUNDLED: OnceCell<Result<DivisionTable, DivisionError>> = const { OnceCell::new() };
}

/// Runs `f` with the bundled division table.
fn with_divisions<R>(f: impl FnOnce(&DivisionTable) -> Result<R, ApiError>) -> Result<R, JsValue> {
    let run = |cell: &OnceCell<Result<DivisionTable, DivisionError>>| match cell
        .get_or_init(DivisionTable::bundled)
    {
        Ok(table) => f(table).map_err(api_error),
        Err(e) => Err(api_error(
            tongxin::Error::Division {
                detail: e.to_string(),
            }
            .into(),
        )),
    };
    BUNDLED.with(run)
}

// ---------------------------------------------------------------------------------------------
// The registry

/// A registry of organizations, persons, enterprises and memberships, with its journal.
///
/// Methods that change it (`apply`, `applyBatch`, `applyAs`, `applyBatchAs`, `importRosters`,
/// `importPopolo`) are atomic: a rejected call leaves it exactly as it was. Call `free()` when
/// done with it (or rely on the garbage collector where `FinalizationRegistry` exists).
#[wasm_bindgen]
pub struct Registry {
    inner: tongxin::Registry,
    /// The rule book `checkEligibility` uses when set by `setRuleBook` (else the registry's
    /// own, else the standard book).
    book: Option<CompiledBook>,
    /// The standard book, compiled on first use.
    standard: OnceCell<CompiledBook>,
}

impl Registry {
    fn wrap(inner: tongxin::Registry) -> Registry {
        Registry {
            inner,
            book: None,
            standard: OnceCell::new(),
        }
    }

    fn meta(v: &JsValue) -> Result<Meta, JsValue> {
        object("meta", v)
    }
}

#[wasm_bindgen]
impl Registry {
    /// An empty registry.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Registry {
        Registry::wrap(tongxin::Registry::new())
    }

    /// A registry from a snapshot (the text `toJson` gives, or the parsed object), validated
    /// by replaying its journal.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | object")] snapshot: JsValue,
    ) -> Result<Registry, JsValue> {
        let text = match snapshot.as_string() {
            Some(s) => s,
            None => json_text("snapshot", &snapshot)?,
        };
        tongxin::Registry::from_json(&text)
            .map(Registry::wrap)
            .map_err(|e| api_error(ApiError::from(e).context("argument `snapshot`")))
    }

    /// The snapshot of the registry as JSON text (`schema_version` 2: each journal event with
    /// its `prev` hash, and the `head`).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Applies one command; the answer is the journal event. A rejected command throws and
    /// leaves the registry unchanged.
    #[wasm_bindgen(unchecked_return_type = "JournalEvent")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let command = object("command", &command)?;
        let event = api::apply(&mut self.inner, &meta, command).map_err(api_error)?;
        answer(&event)
    }

    /// Applies a list of commands, all or nothing; the answer is how many were applied. On
    /// failure the error's `index` is the command that failed (absent when `meta` or the list
    /// itself is bad) and the registry is unchanged.
    #[wasm_bindgen(js_name = applyBatch)]
    pub fn apply_batch(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command[]")] commands: JsValue,
    ) -> Result<usize, JsValue> {
        let meta = Registry::meta(&meta)?;
        let commands = commands_text(&commands)?;
        api::apply_batch(&mut self.inner, &meta, &commands).map_err(batch_error)
    }

    /// Applies one command as a scoped operator: `meta.actor` names the operator, whose grants
    /// must allow the command (else `access_denied`, 601); otherwise as `apply`. A refused or
    /// rejected command throws and leaves the registry unchanged.
    #[wasm_bindgen(js_name = applyAs, unchecked_return_type = "JournalEvent")]
    pub fn apply_as(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let command = object("command", &command)?;
        let event = api::apply_as(&mut self.inner, &meta, command).map_err(api_error)?;
        answer(&event)
    }

    /// Applies a list of commands, all or nothing, as a scoped operator: `meta.actor` names
    /// the operator, and each command is authorized against the registry as the earlier ones
    /// left it. On a refusal (`access_denied`, 601) or rejection the error's `index` is the
    /// command that failed and the registry is unchanged; otherwise as `applyBatch`.
    #[wasm_bindgen(js_name = applyBatchAs)]
    pub fn apply_batch_as(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Command[]")] commands: JsValue,
    ) -> Result<usize, JsValue> {
        let meta = Registry::meta(&meta)?;
        let commands = commands_text(&commands)?;
        api::apply_batch_as(&mut self.inner, &meta, &commands).map_err(batch_error)
    }

    /// The head of the journal: the SHA-256 hash chaining every event, 64 lowercase hex digits
    /// (all zeros for an empty journal). Keep it elsewhere; `verifyJournal` with it later shows
    /// any change to history.
    #[wasm_bindgen(js_name = journalHead)]
    pub fn journal_head(&self) -> String {
        self.inner.journal_head()
    }

    /// Answers a read-only query (`{type: "organization", id}`, `{type: "subtree", org,
    /// date}`, `{type: "members", org, date, scope}`, `{type: "journal", after}`, …).
    #[wasm_bindgen(unchecked_return_type = "any")]
    pub fn query(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let query = object("query", &query)?;
        answer(&api::query(&self.inner, query).map_err(api_error)?)
    }

    /// Answers a read-only query as a scoped operator (`operator` is its id): the answer of
    /// `query` restricted to what its grants cover, resident IDs masked where it is only a
    /// viewer; a record outside its grants throws `access_denied` (601).
    #[wasm_bindgen(js_name = queryAs, unchecked_return_type = "any")]
    pub fn query_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] operator: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Query")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let operator = text("operator", &operator)?;
        let query = object("query", &query)?;
        answer(&api::query_as(&self.inner, &operator, query).map_err(api_error)?)
    }

    /// Computes a statistic (`{stat: "rollup", as_of, by}`, `{stat: "coverage", …}`,
    /// `{stat: "series", …}`, …); the answer is the core's result.
    #[wasm_bindgen(unchecked_return_type = "any")]
    pub fn stats(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Stat")] stat: JsValue,
    ) -> Result<JsValue, JsValue> {
        let stat = object("stat", &stat)?;
        let json = with_divisions(|table| api::stats_json(&self.inner, table, stat))?;
        answer(&json)
    }

    /// Computes a statistic as its CSV table (rollup, org_rollup, coverage, growth,
    /// suppressed_rollup).
    #[wasm_bindgen(js_name = statsCsv)]
    pub fn stats_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Stat")] stat: JsValue,
    ) -> Result<String, JsValue> {
        let stat = object("stat", &stat)?;
        with_divisions(|table| api::stats_csv(&self.inner, table, stat))
    }

    /// Computes a statistic as a scoped operator (`operator` is its id): the rows of the
    /// organizations its grants cover, with their unscoped values; a statistic about a subtree
    /// it does not cover throws `access_denied` (601).
    #[wasm_bindgen(js_name = statsAs, unchecked_return_type = "any")]
    pub fn stats_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] operator: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Stat")] stat: JsValue,
    ) -> Result<JsValue, JsValue> {
        let operator = text("operator", &operator)?;
        let stat = object("stat", &stat)?;
        let json = with_divisions(|table| api::stats_json_as(&self.inner, table, &operator, stat))?;
        answer(&json)
    }

    /// Computes a statistic as its CSV table as a scoped operator (`operator` is its id),
    /// covering what `statsAs` covers.
    #[wasm_bindgen(js_name = statsCsvAs)]
    pub fn stats_csv_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] operator: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Stat")] stat: JsValue,
    ) -> Result<String, JsValue> {
        let operator = text("operator", &operator)?;
        let stat = object("stat", &stat)?;
        with_divisions(|table| api::stats_csv_as(&self.inner, table, &operator, stat))
    }

    /// Answers a question about the membership rules (`{question: "check", member, org,
    /// as_of}`, `{question: "audit", as_of, root?}`, `{question: "candidates", org, as_of}`).
    #[wasm_bindgen(unchecked_return_type = "any")]
    pub fn rules(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RulesQuestion")] question: JsValue,
    ) -> Result<JsValue, JsValue> {
        let question = object("question", &question)?;
        answer(&api::rules(&self.inner, question).map_err(api_error)?)
    }

    /// Answers a question about the membership rules as a scoped operator (`operator` is its
    /// id): the organization and member asked about must be covered by its grants (else
    /// `access_denied`, 601); audits and candidates keep only what they cover.
    #[wasm_bindgen(js_name = rulesAs, unchecked_return_type = "any")]
    pub fn rules_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] operator: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RulesQuestion")] question: JsValue,
    ) -> Result<JsValue, JsValue> {
        let operator = text("operator", &operator)?;
        let question = object("question", &question)?;
        answer(&api::rules_as(&self.inner, &operator, question).map_err(api_error)?)
    }

    /// Sets the rule book `checkEligibility` uses (a `RuleBook` object); `null` or
    /// `undefined` removes it, and the check uses the registry's own book (set by the
    /// `set_rule_book` command, the one joins obey), else the standard book. A book that does not compile throws and
    /// leaves the current one in place.
    #[wasm_bindgen(js_name = setRuleBook)]
    pub fn set_rule_book(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RuleBook | null | undefined")] book: JsValue,
    ) -> Result<(), JsValue> {
        if book.is_undefined() || book.is_null() {
            self.book = None;
            return Ok(());
        }
        let book: RuleBook = object("book", &book)?;
        let compiled = book
            .compile()
            .map_err(|e| api_error(ApiError::from(e).context("argument `book`")))?;
        self.book = Some(compiled);
        Ok(())
    }

    /// Whether a person may join an organization on a day under the registry's rule book (the
    /// `eligible` of `rules({question: "check", …})`, without the explanation).
    #[wasm_bindgen(js_name = checkEligibility)]
    pub fn check_eligibility(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] person_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] org_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
    ) -> Result<bool, JsValue> {
        let person = text("personId", &person_id)?;
        let org = text("orgId", &org_id)?;
        let day = self::date("date", &date)?;
        let book = self
            .book
            .as_ref()
            .or(self.inner.rule_book())
            .unwrap_or_else(|| self.standard.get_or_init(CompiledBook::standard));
        rules::check(&self.inner, book, &MemberRef::Person(person), &org, day)
            .map(|c| c.eligible)
            .map_err(|e| api_error(e.into()))
    }

    /// Whether a person is a member of an organization or any organization under it on a day.
    #[wasm_bindgen(js_name = isMemberInSubtree)]
    pub fn is_member_in_subtree(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] person_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] org_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
    ) -> Result<bool, JsValue> {
        let person = text("personId", &person_id)?;
        let org = text("orgId", &org_id)?;
        let day = self::date("date", &date)?;
        self.inner
            .is_member_within(&MemberRef::Person(person), &org, day)
            .map_err(|e| api_error(e.into()))
    }

    /// Distinct members of an organization on a day under a scope (`direct` by default,
    /// `with_branches`, `subtree`).
    #[wasm_bindgen(js_name = memberCount)]
    pub fn member_count(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] org_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MemberScope")] scope: Option<JsValue>,
    ) -> Result<usize, JsValue> {
        let org = text("orgId", &org_id)?;
        let day = self::date("date", &date)?;
        let scope = scope.unwrap_or(JsValue::UNDEFINED);
        let scope = if scope.is_undefined() {
            MemberScope::Direct
        } else {
            let s = text("scope", &scope)?;
            s.parse::<MemberScope>().map_err(|e| invalid("scope", e))?
        };
        self.inner
            .members(&org, day, scope)
            .map(|m| m.len())
            .map_err(|e| api_error(e.into()))
    }

    /// Distinct persons active on a day anywhere in an organization's subtree (the `total` of
    /// its row in `stats({stat: "rollup", as_of})`; 0 when it does not exist that day).
    #[wasm_bindgen(js_name = rollupTotal)]
    pub fn rollup_total(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] org_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
    ) -> Result<f64, JsValue> {
        let org = text("orgId", &org_id)?;
        let day = self::date("date", &date)?;
        stats::rollup_total(&self.inner, &org, day)
            .map(|t| t as f64)
            .map_err(|e| api_error(e.into()))
    }

    /// The subtree total of every organization on a day in one pass, indexed in the order
    /// organizations were added (dissolved ones included; `organizationIdAt` maps an index
    /// back to its id): the same numbers as `rollupTotal` for each.
    #[wasm_bindgen(js_name = rollupTotals)]
    pub fn rollup_totals(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
    ) -> Result<js_sys::Float64Array, JsValue> {
        let day = self::date("date", &date)?;
        let totals: Vec<f64> = stats::rollup_totals(&self.inner, day)
            .into_iter()
            .map(|t| t as f64)
            .collect();
        Ok(js_sys::Float64Array::from(totals.as_slice()))
    }

    /// The id of the organization at an index of `rollupTotals`.
    #[wasm_bindgen(js_name = organizationIdAt)]
    pub fn organization_id_at(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue,
    ) -> Result<String, JsValue> {
        let n = self.inner.organization_count();
        let out_of_range = || {
            invalid(
                "index",
                format!("is out of range, the registry has {n} organizations"),
            )
        };
        let i = index
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < n as f64)
            .ok_or_else(out_of_range)?;
        self.inner
            .organization_at(tongxin::tree::OrgIdx(i as u32))
            .map(|o| o.id.clone())
            .ok_or_else(out_of_range)
    }

    /// Number of organizations.
    #[wasm_bindgen(js_name = organizationCount)]
    pub fn organization_count(&self) -> usize {
        self.inner.organization_count()
    }

    /// Imports roster files (`{orgs?, persons?, memberships?, enterprises?}`, each a string or
    /// a `Uint8Array`), all or nothing; the answer is what was added. A rejection throws an
    /// error with `code` `"import"`, the first problem as its message (file, line, column,
    /// value, reason) and `report` listing every problem found; the registry is unchanged.
    /// With `as_operator: true` every row is authorized as a scoped command of the operator
    /// `meta.actor` names, and a row outside its grants rejects the import. `onProgress`, if
    /// given, is called with `{stage, done, total}`: `"reading"` rows, then `"applying"`
    /// commands, at each stage's start and end and every 16,384 between (an exception it
    /// throws is ignored; the import goes on).
    #[wasm_bindgen(js_name = importRosters, unchecked_return_type = "ImportSummary")]
    pub fn import_rosters(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RosterFiles")] files: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RosterImportOptions")] options: Option<JsValue>,
        #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "ProgressCallback")]
        on_progress: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let files = Files::read(&files)?;
        let opts = import_options(options)?;
        let callback = progress_callback(on_progress)?;
        let summary = api::import_rosters_with_progress(
            &mut self.inner,
            &meta,
            files.borrow(),
            &opts,
            &mut |p| report_progress(callback.as_ref(), p),
        )
        .map_err(api_error)?;
        answer(&summary)
    }

    /// Checks roster files against the registry without changing it; the answer is the
    /// report of every problem (`{errors, rows_ok, rows_skipped}`). `onProgress` as for
    /// `importRosters`.
    #[wasm_bindgen(js_name = checkRosters, unchecked_return_type = "ImportReport")]
    pub fn check_rosters(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RosterFiles")] files: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RosterImportOptions")] options: Option<JsValue>,
        #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "ProgressCallback")]
        on_progress: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let files = Files::read(&files)?;
        let opts = import_options(options)?;
        let callback = progress_callback(on_progress)?;
        let report =
            api::check_rosters_with_progress(&self.inner, &meta, files.borrow(), &opts, &mut |p| {
                report_progress(callback.as_ref(), p)
            })
            .map_err(api_error)?;
        answer(&report)
    }

    /// Writes the registry as roster CSV files, each a `Uint8Array` in the encoding asked
    /// for (resident IDs masked unless `unmask_resident_ids`).
    #[wasm_bindgen(js_name = exportRosters, unchecked_return_type = "RosterExport")]
    pub fn export_rosters(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RosterExportOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts: RosterExportOptions =
            self::options("options", &options.unwrap_or(JsValue::UNDEFINED))?;
        let export = api::export_rosters(&self.inner, &opts).map_err(api_error)?;
        Ok(roster_export(&export))
    }

    /// Writes roster CSV files as a scoped operator: `meta.actor` names the operator, and the
    /// files hold what its grants cover (resident IDs masked unless `unmask_resident_ids`).
    /// Resident IDs in full need an administrator grant (else `access_denied`, 601), cover
    /// only its administrator grants, and are journaled first (a `record_unmasked_export`
    /// event at `meta.at`), which is why this changes the registry.
    #[wasm_bindgen(js_name = exportRostersAs, unchecked_return_type = "RosterExport")]
    pub fn export_rosters_as(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RosterExportOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let opts: RosterExportOptions =
            self::options("options", &options.unwrap_or(JsValue::UNDEFINED))?;
        let export = api::export_rosters_as(&mut self.inner, &meta, &opts).map_err(api_error)?;
        Ok(roster_export(&export))
    }

    /// Writes the registry as a Popolo JSON document (as an object).
    #[wasm_bindgen(js_name = exportPopolo, unchecked_return_type = "any")]
    pub fn export_popolo(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PopoloExportOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts: PopoloExportOptions =
            self::options("options", &options.unwrap_or(JsValue::UNDEFINED))?;
        answer(&api::export_popolo(&self.inner, &opts))
    }

    /// Writes a Popolo JSON document (as an object) as a scoped operator: `meta.actor` names
    /// the operator; what is covered, refused and journaled is as for `exportRostersAs`.
    #[wasm_bindgen(js_name = exportPopoloAs, unchecked_return_type = "any")]
    pub fn export_popolo_as(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PopoloExportOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let opts: PopoloExportOptions =
            self::options("options", &options.unwrap_or(JsValue::UNDEFINED))?;
        answer(&api::export_popolo_as(&mut self.inner, &meta, &opts).map_err(api_error)?)
    }

    /// Imports a Popolo JSON document (an object, its text, or its bytes), all or nothing;
    /// the answer is what was added.
    #[wasm_bindgen(js_name = importPopolo, unchecked_return_type = "ImportSummary")]
    pub fn import_popolo(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Meta")] meta: JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | string | Uint8Array")] document: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PopoloImportOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let meta = Registry::meta(&meta)?;
        let data = if document.as_string().is_some() || document.is_instance_of::<Uint8Array>() {
            bytes("document", &document)?.unwrap_or_default()
        } else {
            json_text("document", &document)?.into_bytes()
        };
        let opts: PopoloImportOptions =
            self::options("options", &options.unwrap_or(JsValue::UNDEFINED))?;
        answer(&api::import_popolo(&mut self.inner, &meta, &data, &opts).map_err(api_error)?)
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

/// The roster import options argument: parsed, and its fields checked against each other.
fn import_options(v: Option<JsValue>) -> Result<RosterImportOptions, JsValue> {
    let opts: RosterImportOptions = options("options", &v.unwrap_or(JsValue::UNDEFINED))?;
    opts.validate().map_err(in_arg("options"))?;
    Ok(opts)
}

// ---------------------------------------------------------------------------------------------
// Identifiers and version

/// Reads a resident ID number (18 characters, or the old 15 digits):
/// `{number, birth_date, sex, masked}`; throws `invalid_identifier` naming what is wrong.
#[wasm_bindgen(js_name = residentIdCheck, unchecked_return_type = "ResidentIdInfo")]
pub fn resident_id_check(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    let t = self::text("text", &text)?;
    answer(&api::resident_id_info(&t).map_err(in_arg("text"))?)
}

/// Reads a unified social credit code: `{code, authority, authority_name, category,
/// category_name, division_code, organization_code}`; throws `invalid_identifier`.
#[wasm_bindgen(js_name = creditCodeCheck, unchecked_return_type = "CreditCodeInfo")]
pub fn credit_code_check(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    let t = self::text("text", &text)?;
    answer(&api::credit_code_info(&t).map_err(in_arg("text"))?)
}

/// Reads a division code (2, 4, 6, 9 or 12 digits): `{code, level, padded6, name}` with the
/// name from the bundled table (`null` when it lacks the code); throws `invalid_identifier`.
#[wasm_bindgen(js_name = divisionCodeCheck, unchecked_return_type = "DivisionCodeInfo")]
pub fn division_code_check(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    let t = self::text("text", &text)?;
    let json = with_divisions(|table| {
        api::division_code_info(&t, table).map_err(|e| e.context("argument `text`"))
    })?;
    answer(&json)
}

/// Verifies a journal: its events each with `prev` (as `query({type: "journal"})` answers them,
/// from event 1), given as an array or its JSON text, and optionally the head kept from before.
/// Answers `{head, events}`; throws `journal_tampered` (905) naming the first altered, inserted,
/// removed or moved event (or a head mismatch), with `report: {seq, kind}`.
#[wasm_bindgen(js_name = verifyJournal, unchecked_return_type = "JournalCheck")]
pub fn verify_journal(
    #[wasm_bindgen(unchecked_param_type = "ChainedJournalEvent[] | string")] events: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] expected_head: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let events = match events.as_string() {
        Some(s) => s,
        None if Array::is_array(&events) => json_text("events", &events)?,
        None => {
            return Err(invalid(
                "events",
                format!(
                    "must be an array of journal events, not {}",
                    type_name(&events)
                ),
            ))
        }
    };
    let expected = match expected_head {
        Some(h) if !h.is_undefined() && !h.is_null() => Some(text("expectedHead", &h)?),
        _ => None,
    };
    let events = api::parse_journal(&events).map_err(in_arg("events"))?;
    if let Some(h) = &expected {
        api::check_head(h).map_err(in_arg("expectedHead"))?;
    }
    let check = api::check_journal(&events, expected.as_deref()).map_err(api_error)?;
    answer(&api::to_json(&check).map_err(api_error)?)
}

/// The library version (`MAJOR.MINOR.PATCH`), the same as the C front's `tx_version()`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
