/**
 * \file tongxin.h
 * \brief libtongxin: the C ABI of tongxin (同心), the registry of united-front organizations.
 *
 * Conventions
 * -----------
 * - Names: every symbol starts with `tx_`, every macro and enum value with `TX_`.
 * - Handles: a registry is an opaque `tx_registry*` from `tx_registry_new()` or
 *   `tx_registry_from_json()`, released with `tx_registry_free()` (NULL is a no-op).
 * - Status: fallible functions return a `tx_status`; `TX_STATUS_OK` is 0. Numbers are stable:
 *   1-99 are binding-level (NULL argument, invalid UTF-8, invalid argument, buffer too small,
 *   invalid identifier, import, export, rule, unknown error, panic); 100 and up are the core library's error codes, same numbers and
 *   same snake_case names (`tx_status_name()`): 1xx lookups, 2xx fields and dates, 3xx tree,
 *   4xx memberships, 5xx history, 9xx documents. Retired values are never reused. Functions
 *   returning a status are marked TX_MUST_USE.
 * - Out-parameters are written only when the function returns TX_STATUS_OK, except where a
 *   function's documentation names an exception (`tx_last_error_message`,
 *   `tx_registry_apply_batch_json`, and the optional `out_report_json` of
 *   `tx_registry_import_rosters`, written only on TX_STATUS_IMPORT). Every pointer parameter
 *   is checked: NULL where not allowed gives TX_STATUS_NULL_ARGUMENT, never a crash.
 * - Strings in: NUL-terminated UTF-8, borrowed for the duration of the call only (invalid
 *   UTF-8 gives TX_STATUS_INVALID_UTF8). Dates are "YYYY-MM-DD", timestamps
 *   "YYYY-MM-DDTHH:MM:SS". Vocabulary values (levels, kinds, relations, parties, titles,
 *   strata, roles, scopes) are their stable snake_case English names, the same as in JSON.
 * - Bytes in: `(const uint8_t *p, size_t p_len)` pairs, borrowed for the call; NULL is
 *   allowed only where documented and only with length 0 (NULL with a length gives
 *   TX_STATUS_NULL_ARGUMENT).
 * - Strings out: `char**` out-parameters receive a NUL-terminated UTF-8 string that the caller
 *   owns and must release with `tx_string_free()` — never `free()`. Static strings
 *   (`tx_version()`, `tx_status_name()`) are never freed.
 * - Bytes out: `tx_bytes` out-parameters receive `{data, len}` that the caller owns and must
 *   release with `tx_bytes_free(data, len)` — never `free()`.
 * - JSON: commands, metadata, snapshots and query answers use the core library's serde JSON.
 * - Statistics (`tx_registry_stats_json`, `tx_registry_stats_csv`, `tx_registry_rollup_total`)
 *   are the core's `stats` functions, by the same snake_case names; their answers are the
 *   core's results as serde JSON or as the core's CSV tables. Identifier checks
 *   (`tx_resident_id_check`, `tx_credit_code_check`, `tx_division_code_check`) use the core's
 *   parsers and give TX_STATUS_INVALID_IDENTIFIER with the core's message for a bad one.
 * - Interchange (`tx_registry_import_rosters`, `tx_registry_check_rosters`,
 *   `tx_registry_export_rosters`, `tx_registry_import_popolo`, `tx_registry_export_popolo`)
 *   is the core's `interchange` module: roster CSV (UTF-8 or GBK/GB18030) or `.xlsx` sheets,
 *   and Popolo JSON. Imports are all or nothing; a rejected one gives TX_STATUS_IMPORT with
 *   the core's message naming file, line, column and value, and can hand out a report of
 *   every problem with the core's stable interchange codes (1000s).
 *
 * Error messages: why a per-thread last error
 * -------------------------------------------
 * After a call returns a status other than TX_STATUS_OK, `tx_last_error_message()` copies a
 * message into a buffer the caller owns, e.g. "organization `bad` (municipal) cannot be
 * part_of `futian` (district): a branch or committee must be at its parent's level or
 * below". Read it on the same thread before the next status-returning `tx_` call (each one
 * clears it on entry). We chose this over rustls-ffi's message-per-code function because our
 * messages carry the ids, dates and values a clerk needs to fix a record, which a code alone
 * cannot; and over automerge-c's result objects because those give every call a second thing
 * to free, which is exactly how JNA, P/Invoke and ctypes hosts leak. A thread-local message
 * costs nothing on success and no pointer changes owner. Hosts that hop OS threads between
 * calls (e.g. Go goroutines) must pin the thread around a call and its message read.
 *
 * Threads
 * -------
 * A `tx_registry` is not internally synchronized: use a handle from one thread at a time.
 * Functions taking `const tx_registry*` only read it. A handle may move between threads.
 * Different handles may be used concurrently from different threads. Functions that take no
 * handle are safe from any thread.
 *
 * Panics
 * ------
 * No Rust panic ever unwinds into the caller: each function contains it and returns
 * TX_STATUS_PANIC (a bug; the message says where), or a documented default. After a panic the
 * handle involved is in an unspecified state: free it, or reload it from a snapshot.
 *
 * Versions
 * --------
 * TX_VERSION_MAJOR/MINOR/PATCH give the version of the header; `tx_version()` that of the
 * library loaded at run time; they must match.
 */

#ifndef TONGXIN_H
#define TONGXIN_H

/* Generated by cbindgen from bindings-c/src; do not edit. Regenerate as bindings-c/cbindgen.toml says. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__GNUC__) || defined(__clang__)
#define TX_MUST_USE __attribute__((warn_unused_result))
#else
#define TX_MUST_USE
#endif


/**
 * Major version of this library (the `MAJOR` of the Cargo version). Changes when the ABI
 * breaks once past 1.0; during 0.x a change of minor version may break it too.
 */
#define TX_VERSION_MAJOR 0

/**
 * Minor version of this library.
 */
#define TX_VERSION_MINOR 1

/**
 * Patch version of this library.
 */
#define TX_VERSION_PATCH 0

/**
 * The outcome of a call. Numbers are stable and grouped by family; a retired value is kept as
 * reserved and never reused.
 *
 * | range | family |
 * |---|---|
 * | 0 | success |
 * | 1–99 | binding level: the arguments as C passed them, identifiers, imports and exports, buffers, panics, rules |
 * | 100–199 | lookups (the core's numbers, the core's `ErrorCode::number`) |
 * | 200–299 | field and date checks |
 * | 300–399 | tree structure |
 * | 400–499 | memberships |
 * | 500–599 | history |
 * | 900–999 | documents (JSON, snapshots, journals) |
 *
 * Codes 100 and up are the core library's `ErrorCode` numbers, one to one, with the same
 * snake_case names (`tx_status_name`). A core code newer than this
 * header arrives as `TX_STATUS_UNKNOWN_ERROR`, with the core's name and number in the message.
 */
typedef enum tx_status {
    /**
     * Success.
     */
    TX_STATUS_OK = 0,
    /**
     * A pointer argument that must not be NULL was NULL (the message names it).
     */
    TX_STATUS_NULL_ARGUMENT = 1,
    /**
     * A string argument is not valid UTF-8 (the message names it and the byte offset).
     */
    TX_STATUS_INVALID_UTF8 = 2,
    /**
     * A string argument is not a valid date, timestamp or vocabulary name, or asks for what
     * the function does not offer (a CSV of a statistic that has no table form); the message
     * names the argument, the value and what is accepted.
     */
    TX_STATUS_INVALID_ARGUMENT = 3,
    /**
     * The caller's buffer is too small; the needed size was written (see
     * `tx_last_error_message`).
     */
    TX_STATUS_BUFFER_TOO_SMALL = 4,
    /**
     * A text given to an identifier check (`tx_resident_id_check`, `tx_credit_code_check`,
     * `tx_division_code_check`) is not a valid identifier of that kind. The message is the core
     * library's, naming the character (1-based) or part that is wrong, followed by the core's
     * stable snake_case reason in parentheses, e.g. `(resident_id_check)`. A binding-level
     * number: the core reports these as typed identifier errors, not as `ErrorCode`s.
     */
    TX_STATUS_INVALID_IDENTIFIER = 5,
    /**
     * Roster or Popolo files were not imported (`tx_registry_import_rosters`,
     * `tx_registry_import_popolo`): a file cannot be read (encoding, CSV, `.xlsx`, JSON), a
     * header or cell is wrong, rows refer to records that do not exist, or the registry's
     * rules reject a row. The registry is unchanged. The message is the core's interchange
     * error, naming file, line (header = 1), column and value, e.g. "orgs.csv, line 3, column
     * `founded`, value `2010-13-01`: is not a date YYYY-MM-DD (or YYYY/M/D)"; the optional
     * report (`out_report_json`) lists every problem with the core's stable code and number
     * (1000s). A binding-level number: the core reports these as interchange errors, not as
     * `ErrorCode`s.
     */
    TX_STATUS_IMPORT = 6,
    /**
     * The registry cannot be exported as asked (`tx_registry_export_rosters`): e.g. a name
     * with a character the chosen encoding (GBK) lacks. The message is the core's interchange
     * error naming the file. A binding-level number.
     */
    TX_STATUS_EXPORT = 7,
    /**
     * A membership rule question (`tx_registry_rules_json`) the core's rules engine refuses:
     * a rule book whose rules do not compile, or an unknown organization or member. The message
     * is the core's `RuleError`, followed by its stable snake_case code in parentheses, e.g.
     * `(rule_unknown_attribute)`. A binding-level number: the core reports these as rule
     * errors, not as `ErrorCode`s.
     */
    TX_STATUS_RULE = 8,
    /**
     * A core error this version of the binding does not know (a newer core); the message
     * carries its name and number.
     */
    TX_STATUS_UNKNOWN_ERROR = 98,
    /**
     * A bug: Rust code panicked. The panic was contained; the registry handle involved, if
     * any, may be in an unspecified state and should be freed.
     */
    TX_STATUS_PANIC = 99,
    /**
     * An id is already taken (core `duplicate_id`).
     */
    TX_STATUS_DUPLICATE_ID = 101,
    /**
     * A referenced record does not exist (core `not_found`).
     */
    TX_STATUS_NOT_FOUND = 102,
    /**
     * A field's value is not acceptable (core `invalid_field`).
     */
    TX_STATUS_INVALID_FIELD = 201,
    /**
     * An interval ends on or before it starts (core `date_order`).
     */
    TX_STATUS_DATE_ORDER = 202,
    /**
     * A dated fact lies outside its organization's lifetime (core `outside_lifetime`).
     */
    TX_STATUS_OUTSIDE_LIFETIME = 203,
    /**
     * A field an update may not change (core `immutable_field`).
     */
    TX_STATUS_IMMUTABLE_FIELD = 204,
    /**
     * A division code that is malformed, unknown, or does not fit the organization's level
     * (core `division`).
     */
    TX_STATUS_DIVISION = 205,
    /**
     * A rule book given to a `set_rule_book` command does not compile; the registry keeps its
     * book (core `invalid_rule_book`). The message is the rules engine's, naming the rule,
     * line and column, followed by its stable code in parentheses.
     */
    TX_STATUS_INVALID_RULE_BOOK = 206,
    /**
     * A move would make a cycle (core `cycle`).
     */
    TX_STATUS_CYCLE = 301,
    /**
     * A child's level does not fit its parent's (core `level_order`).
     */
    TX_STATUS_LEVEL_ORDER = 302,
    /**
     * A branch's kind differs from its parent's (core `kind_mismatch`).
     */
    TX_STATUS_KIND_MISMATCH = 303,
    /**
     * Children would outlive their parent (core `has_active_children`).
     */
    TX_STATUS_HAS_ACTIVE_CHILDREN = 304,
    /**
     * Overlapping memberships of one member in one organization (core
     * `overlapping_membership`).
     */
    TX_STATUS_OVERLAPPING_MEMBERSHIP = 401,
    /**
     * Two presidents at once (core `president_conflict`).
     */
    TX_STATUS_PRESIDENT_CONFLICT = 402,
    /**
     * No active membership to end or change (core `no_active_membership`).
     */
    TX_STATUS_NO_ACTIVE_MEMBERSHIP = 403,
    /**
     * A join refused by a `reject` rule of the registry's rule book (core `rule_violation`);
     * the message names the member, the organization, the rule id and the rule's message in
     * English and Chinese, then the clauses.
     */
    TX_STATUS_RULE_VIOLATION = 404,
    /**
     * A change dated before the last recorded one (core `history_order`).
     */
    TX_STATUS_HISTORY_ORDER = 501,
    /**
     * Already dissolved (core `already_dissolved`).
     */
    TX_STATUS_ALREADY_DISSOLVED = 502,
    /**
     * A term out of order (core `term_order`).
     */
    TX_STATUS_TERM_ORDER = 503,
    /**
     * A scoped call (`tx_registry_*_as*`) by an operator whose grants do not allow it, or an
     * operator id no `set_operator` command registered (core `access_denied`). The message
     * names the operator, the action, the role it lacks and where.
     */
    TX_STATUS_ACCESS_DENIED = 601,
    /**
     * A snapshot of a schema version this library does not read (core
     * `unsupported_schema_version`).
     */
    TX_STATUS_UNSUPPORTED_SCHEMA_VERSION = 901,
    /**
     * A JSON argument is not valid JSON or not of the expected shape (core `invalid_json`).
     */
    TX_STATUS_INVALID_JSON = 902,
    /**
     * A snapshot's records differ from those its journal rebuilds (core `snapshot_mismatch`).
     */
    TX_STATUS_SNAPSHOT_MISMATCH = 903,
    /**
     * A snapshot's journal does not replay (core `replay_failed`).
     */
    TX_STATUS_REPLAY_FAILED = 904,
    /**
     * A journal's hash chain is broken (core `journal_tampered`): an event altered,
     * inserted, removed or moved, or a head other than the one expected. The message names the
     * first such event and what was found (`tx_verify_journal_json`, and
     * `tx_registry_from_json` for a snapshot of `schema_version` 2).
     */
    TX_STATUS_JOURNAL_TAMPERED = 905,
} tx_status;

/**
 * Stage of a roster import reported to a `tx_progress_fn`.
 */
typedef enum tx_import_stage {
    /**
     * Reading and checking rows (`done` rows of about `total`, every file together).
     */
    TX_IMPORT_STAGE_READING = 0,
    /**
     * Applying the commands the rows became (`done` of `total`).
     */
    TX_IMPORT_STAGE_APPLYING = 1,
} tx_import_stage;

/**
 * A registry of organizations, persons and memberships (opaque).
 *
 * Created by `tx_registry_new` or `tx_registry_from_json`, released by `tx_registry_free`.
 *
 * Thread safety: a handle is not internally synchronized. Use it from one thread at a time
 * (functions taking `const tx_registry*` only read it, but still must not run while another
 * thread mutates it). A handle may be moved between threads: create it on one thread, use it
 * on another, free it on a third.
 */
typedef struct tx_registry tx_registry;

/**
 * An owned byte buffer handed out by the library (e.g. an exported CSV file).
 *
 * Ownership: the caller owns `data` and must release it with `tx_bytes_free(data, len)` —
 * never `free()`. An empty buffer is `{NULL, 0}`. The bytes are not NUL-terminated.
 */
typedef struct tx_bytes {
    /**
     * The first byte, or NULL when `len` is 0.
     */
    uint8_t *data;
    /**
     * Number of bytes.
     */
    size_t len;
} tx_bytes;

/**
 * A progress callback for roster imports and checks (`tx_registry_set_import_progress`):
 * called with the caller's `user_data`, the stage, and how far it has come — at each stage's
 * start (`done` 0) and end (`done == total`) and every 16,384 rows or commands between. It
 * runs on the calling thread, inside the import; it must return normally (no `longjmp`, no
 * C++ exception) and must not call back into the same handle.
 */
typedef void (*tx_progress_fn)(void *user_data,
                               enum tx_import_stage stage,
                               uint64_t done,
                               uint64_t total);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * `tx_registry_apply_json` as the operator named by the `actor` of `meta_json`: refused with
 * `TX_STATUS_ACCESS_DENIED` unless its grants allow the command. What each command needs:
 * editor rights at the organization it changes (at both the old and the new parent for
 * `move_organization`; over the whole registry for a root), editor rights over a person or
 * enterprise to update it, administrator rights over every grant given or taken for
 * `set_operator`/`remove_operator`, and over the whole registry for `set_rule_book`.
 *
 * \param reg            non-NULL handle; mutated on success only.
 * \param meta_json      `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"<operator id>"}`.
 * \param command_json   the command (see `tx_registry_apply_json`).
 * \param out_event_json non-NULL; receives the journal event JSON on success (its `actor` is
 *                       the operator).
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_apply_json`.
 *
 * Ownership: on success the caller owns `*out_event_json` (`tx_string_free`).
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_apply_as_json(struct tx_registry *reg,
                                         const char *meta_json,
                                         const char *command_json,
                                         char **out_event_json);

/**
 * `tx_registry_apply_batch_json` as the operator named by the `actor` of `meta_json`: each
 * command is authorized against the registry as the earlier ones left it; a refusal fails the
 * batch like a rejection (`out_failed_index` names it) and nothing is applied.
 *
 * \param reg              non-NULL handle; mutated on success only.
 * \param meta_json        `{"at":…,"actor":"<operator id>"}`, for every command.
 * \param commands_json    a JSON array of commands.
 * \param out_applied      non-NULL; receives the number applied on success.
 * \param out_failed_index non-NULL; on failure, the index of the command to blame (as
 *                         `tx_registry_apply_batch_json`).
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as
 *         `tx_registry_apply_batch_json`.
 *
 * Ownership: nothing is handed out.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_apply_batch_as_json(struct tx_registry *reg,
                                               const char *meta_json,
                                               const char *commands_json,
                                               size_t *out_applied,
                                               size_t *out_failed_index);

/**
 * `tx_registry_query_json` as operator `operator`: a record outside its grants is
 * `TX_STATUS_ACCESS_DENIED`; tree lists, searches, member lists and counts keep only what the
 * grants cover; parent ids outside them read as `null`; resident IDs are masked where the
 * operator is only a viewer; `journal` needs administrator rights over the whole registry.
 *
 * \param reg        non-NULL handle; only read.
 * \param operator   the operator id.
 * \param query_json the query (see `tx_registry_query_json`).
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_query_json`.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_query_as_json(const struct tx_registry *reg,
                                         const char *operator_,
                                         const char *query_json,
                                         char **out_json);

/**
 * `tx_registry_stats_json` as operator `operator`: a statistic about one subtree needs viewer
 * rights at its root; rollups, series and suppressed rollups keep the rows of covered
 * organizations (suppressed over the whole registry first, so a hidden cell stays hidden);
 * coverage lists and counts only covered organizations.
 *
 * \param reg        non-NULL handle; only read.
 * \param operator   the operator id.
 * \param query_json the statistic (see `tx_registry_stats_json`).
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_stats_json`.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_stats_as_json(const struct tx_registry *reg,
                                         const char *operator_,
                                         const char *query_json,
                                         char **out_json);

/**
 * `tx_registry_stats_csv` as operator `operator` (what it covers: `tx_registry_stats_as_json`).
 *
 * \param reg        non-NULL handle; only read.
 * \param operator   the operator id.
 * \param query_json the statistic.
 * \param out_csv    non-NULL; receives the CSV text on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_stats_csv`.
 *
 * Ownership: on success the caller owns `*out_csv` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_stats_as_csv(const struct tx_registry *reg,
                                        const char *operator_,
                                        const char *query_json,
                                        char **out_csv);

/**
 * `tx_registry_rules_json` as operator `operator`: `check` needs viewer rights at the
 * organization and over the member (unless it has no membership yet); `audit` viewer rights
 * at its root (over the whole registry without one) and keeps covered organizations'
 * violations; `candidates` lists only members the operator covers.
 *
 * \param reg        non-NULL handle; only read.
 * \param operator   the operator id.
 * \param query_json the question (see `tx_registry_rules_json`).
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_rules_json`.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_rules_as_json(const struct tx_registry *reg,
                                         const char *operator_,
                                         const char *query_json,
                                         char **out_json);

/**
 * `tx_registry_export_rosters` as the operator named by the `actor` of `meta_json`: the
 * organizations (a parent outside the grants left empty), members and memberships its grants
 * cover. With `"unmask_resident_ids":true` it needs an administrator grant, covers only the
 * administrator grants, and first appends a `record_unmasked_export` event to the journal
 * (at the meta's `at`) — so the handle is mutable.
 *
 * \param reg             non-NULL handle; gains one journal event for an unmasked export.
 * \param meta_json       `{"at":…,"actor":"<operator id>"}`.
 * \param options_json    NULL or the options of `tx_registry_export_rosters`.
 * \param out_orgs        non-NULL; receives `orgs.csv` on success; likewise `out_persons`,
 *                        `out_memberships`, `out_enterprises`.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED` (nothing journaled); otherwise as
 *         `tx_registry_export_rosters`.
 *
 * Ownership: on success the caller owns the four buffers (`tx_bytes_free` each).
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_export_rosters_as(struct tx_registry *reg,
                                             const char *meta_json,
                                             const char *options_json,
                                             struct tx_bytes *out_orgs,
                                             struct tx_bytes *out_persons,
                                             struct tx_bytes *out_memberships,
                                             struct tx_bytes *out_enterprises);

/**
 * `tx_registry_export_popolo` as the operator named by the `actor` of `meta_json`, covering
 * and journaling as `tx_registry_export_rosters_as` does.
 *
 * \param reg          non-NULL handle; gains one journal event for an unmasked export.
 * \param meta_json    `{"at":…,"actor":"<operator id>"}`.
 * \param options_json NULL or `{"unmask_resident_ids":false}`.
 * \param out_json     non-NULL; receives the document on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED` (nothing journaled);
 *         `TX_STATUS_INVALID_JSON` for bad arguments; binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_export_popolo_as(struct tx_registry *reg,
                                            const char *meta_json,
                                            const char *options_json,
                                            char **out_json);

/**
 * Copies the message of the last failed call made on this thread into `buf`.
 *
 * Every function that returns a `tx_status` first clears this thread's last error and, when it
 * fails, records a message naming the argument, id, field, date or value involved (in
 * English; core rule messages as the core words them). Read it on the same thread, before the
 * next `tx_` call that returns a status. After a successful call the message is empty.
 * This function and `tx_status_name` never change it.
 *
 * \param buf    caller-owned buffer of `len` bytes; may be NULL only when `len` is 0 (to ask
 *               for the size).
 * \param len    capacity of `buf` in bytes, including the terminating NUL.
 * \param out_len non-NULL; receives the message length in bytes, without the NUL.
 * \return `TX_STATUS_OK` when the whole message and its NUL fit: `buf` holds them.
 *         `TX_STATUS_BUFFER_TOO_SMALL` when not (a documented exception to "out-params only on
 *         success"): `*out_len` receives the capacity needed (length + 1) and, if `len > 0`,
 *         `buf` holds as much of the message as fits, cut at a UTF-8 character boundary and
 *         NUL-terminated. `TX_STATUS_NULL_ARGUMENT` when `out_len` is NULL, or `buf` is NULL
 *         with `len > 0`.
 *
 * Ownership: nothing changes owner; the library keeps its copy.
 * Thread safety: reads the calling thread's message only; safe from any thread.
 *
 * # Safety
 * `buf` must be valid for writes of `len` bytes; `out_len` must be valid for one write.
 */
TX_MUST_USE
enum tx_status tx_last_error_message(char *buf,
                                     size_t len,
                                     size_t *out_len);

/**
 * Checks a resident ID number (公民身份号码, GB 11643-1999) with the core's parser: 18
 * characters (a lower-case `x` is accepted) or a 15-digit legacy number, which is converted.
 *
 * On success `*out_normalized_json` receives
 * `{"number":"…18 characters…","birth_date":"YYYY-MM-DD","sex":"male"|"female","masked":"…"}`:
 * the number in its 18-character form with an upper-case `X`, the birth date and sex it
 * encodes, and the masked form (characters 7–14 hidden), the only form fit for publication.
 *
 * \param text                NUL-terminated UTF-8; borrowed for the call. Surrounding spaces
 *                            are not removed.
 * \param out_normalized_json non-NULL; receives the JSON on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` when the core refuses the text (the
 *         message names the character or part, e.g. "argument `text`: check character 18 of
 *         the resident ID number is `2`, expected `1` (resident_id_check)"; reasons:
 *         `resident_id_length`, `resident_id_character`, `resident_id_province`,
 *         `resident_id_birth_date`, `resident_id_check`); binding-level codes.
 *
 * Ownership: on success the caller owns `*out_normalized_json` (`tx_string_free`). The number
 * is sensitive personal data: free the answer when done with it.
 * Thread safety: takes no handle; safe from any thread.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_resident_id_check(const char *text,
                                    char **out_normalized_json);

/**
 * Checks a unified social credit code (统一社会信用代码, GB 32100-2015) with the core's parser,
 * including both check characters (18 over the first 17, 17 over the organization code).
 *
 * On success `*out_json` receives `{"code","authority","authority_name","category",
 * "category_name","division_code","organization_code"}`: the code upper-cased; the
 * registration authority (character 1) and its name (e.g. `民政`); the category (characters
 * 1–2, e.g. `51`) and its name (e.g. `社会团体`; `null` when the standard names none); the
 * registering division (characters 3–8, six digits); the organization code (characters 9–17).
 *
 * \param text     NUL-terminated UTF-8; borrowed for the call. Lower-case letters are accepted.
 * \param out_json non-NULL; receives the JSON on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` with the core's message (reasons:
 *         `credit_code_length`, `credit_code_character`, `credit_code_authority`,
 *         `credit_code_division`, `credit_code_check`, `credit_code_organization_check`);
 *         binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: takes no handle; safe from any thread.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_credit_code_check(const char *text,
                                    char **out_json);

/**
 * Checks a division code (统计用区划代码) with the core's parser: 2, 4, 6, 9 or 12 digits, or
 * a padded form (`440300` reads as the city `4403`, `440305003000` as the township
 * `440305003`).
 *
 * On success `*out_json` receives `{"code","level","padded6","name"}`: the normalized short
 * form; its level (`province`, `city`, `county`, `township`, `village`, or `national` for the
 * pseudo-code `00`); the six-digit GB/T 2260 form (`null` for township and village codes); and
 * the name from the bundled division table (provinces, cities and counties of NBS 2023), or
 * `null` when the table does not have the code. A well-formed code the table lacks is not an
 * error here.
 *
 * \param text     NUL-terminated UTF-8; borrowed for the call.
 * \param out_json non-NULL; receives the JSON on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` with the core's message (reasons:
 *         `division_character`, `division_length`); binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: takes no handle; safe from any thread. The first call on a thread reads the
 * bundled table (a few milliseconds); the thread keeps it until it ends.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_division_code_check(const char *text,
                                      char **out_json);

/**
 * Imports roster files into a registry, all or nothing: organizations (parents first),
 * enterprises, persons, then memberships, through the same validated commands as
 * `tx_registry_apply_json` (the core's `interchange::import_rosters`, or
 * `import_rosters_report` with `"report": true`).
 *
 * The files are the core's roster tables (a header row, columns in any order, matched by
 * name): `orgs` (`id, parent_id, level, kind, division_code, founded, dissolved` + optional
 * `name, name_en, carrier, category, relation, area_m2, rooms`), `persons` (`id, party,
 * title, stratum`, `birth_year` or `birth` + optional `name, sex, ethnicity, resident_id,
 * returned_overseas, education, employer, profession`), `memberships` (`person_id, org_id,
 * role, start, end` + optional `founding, source, member_type`), `enterprises` (`id, name,
 * credit_code`). Each buffer is `(pointer, length)`; the bytes need no NUL. A NULL pointer
 * with length 0 means "no such file"; a non-NULL pointer with length 0 is an empty file (an
 * `empty_file` problem).
 *
 * `options_json` (NULL for the defaults), every field optional:
 * `{"format":"csv"|"xlsx", "sheet":"…", "sheets":{"orgs":"…","persons":"…","memberships":"…",
 * "enterprises":"…"}, "encoding":"auto"|"utf8"|"gbk"|"gb18030", "unknown_columns":
 * "reject"|"ignore", "drop_masked_resident_ids":false, "report":false, "limits":{…}}`.
 * - `format` `xlsx`: each buffer is an `.xlsx` workbook (the same one may be given for every
 *   table); the table is read from its sheet in `sheets`, else `sheet`, else the first sheet.
 *   `sheet`/`sheets` with `csv` are an invalid argument.
 * - `encoding` of CSV: `auto` (default) reads a BOM or valid UTF-8 as UTF-8, anything else as
 *   GB18030 (which reads GBK).
 * - `unknown_columns`: a header column a table does not know is a problem (`reject`, default)
 *   or skipped (`ignore`).
 * - `drop_masked_resident_ids`: a masked resident ID (as exports write) becomes no resident ID
 *   instead of a problem.
 * - `report`: `false` stops at the first problem; `true` reads every row and reports every
 *   problem (rows depending on a rejected row are counted as skipped, not checked).
 * - `limits`: bounds against hostile files, each optional (an absent one keeps its default):
 *   `{"max_file_bytes":536870912, "max_unpacked_bytes":2147483648, "max_rows":10000000,
 *   "max_columns":256, "max_field_bytes":65536}` — bytes per buffer (checked before
 *   decoding), bytes an `.xlsx` workbook unpacks to, data rows per file or sheet, columns of a
 *   header or sheet, UTF-8 bytes per cell. Passing one is a problem with the code
 *   `limit_exceeded` (1009) naming the limit, the value seen, the file and the line, e.g.
 *   "persons.csv, line 3: data row 2, over the limit max_rows = 1".
 *
 * On success `*out_summary_json` receives `{"organizations":n,"enterprises":n,"persons":n,
 * "memberships":n}`: what was added.
 *
 * On `TX_STATUS_IMPORT` the registry is unchanged, the message (`tx_last_error_message`) is
 * the first problem as the core words it — file, line (header = 1; an `.xlsx` sheet's row),
 * column, value and reason, e.g. "orgs.csv, line 3, column `founded`, value `2010-13-01`: is
 * not a date YYYY-MM-DD (or YYYY/M/D)" — followed by "(and N more problem(s); see the
 * report)" when there are more, and, when `out_report_json` is not NULL, `*out_report_json`
 * receives the report: `{"errors":[{"file","line","column","value","code","number",
 * "message","rule"}…],"rows_ok":n,"rows_skipped":n}`. `line`, `column`, `value` are `null`
 * when the problem has none; `code`/`number` are the core's stable interchange codes
 * (`encoding` 1001 … `limit_exceeded` 1009 … `invalid_value` 1202 … `rule_violation` 1401);
 * `rule` is `{"code","number"}` of the registry's own error (e.g. `level_order`, 302) for a
 * `rule_violation`, else `null`; `message` is the problem's full text. Without `"report":true`
 * the report holds the one problem found and `rows_ok`/`rows_skipped` are 0 (not counted).
 *
 * \param reg                 non-NULL handle; mutated on success only.
 * \param meta_json           `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` for every command.
 * \param orgs                `orgs_len` bytes, or NULL with 0 (no file); likewise `persons`,
 *                            `memberships`, `enterprises`.
 * \param options_json        NULL or the options above.
 * \param out_summary_json    non-NULL; receives the summary on success.
 * \param out_report_json     NULL (no report wanted) or receives the report, written only
 *                            when the function returns `TX_STATUS_IMPORT` — a documented
 *                            exception to "out-params only on success".
 * \return `TX_STATUS_OK`; `TX_STATUS_IMPORT`; `TX_STATUS_INVALID_JSON` for `meta_json` or
 *         `options_json` that is not JSON or has an unknown field or value;
 *         `TX_STATUS_INVALID_ARGUMENT` (a sheet with CSV); `TX_STATUS_NULL_ARGUMENT`
 *         (including a NULL buffer with a non-zero length); `TX_STATUS_INVALID_UTF8`.
 *
 * Ownership: the buffers and strings are borrowed for the call. The caller owns
 * `*out_summary_json` after success and `*out_report_json` after `TX_STATUS_IMPORT`; release
 * each with `tx_string_free`, never `free()`.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described; each non-NULL buffer valid for reads of its
 * length.
 */
TX_MUST_USE
enum tx_status tx_registry_import_rosters(struct tx_registry *reg,
                                          const char *meta_json,
                                          const uint8_t *orgs,
                                          size_t orgs_len,
                                          const uint8_t *persons,
                                          size_t persons_len,
                                          const uint8_t *memberships,
                                          size_t memberships_len,
                                          const uint8_t *enterprises,
                                          size_t enterprises_len,
                                          const char *options_json,
                                          char **out_summary_json,
                                          char **out_report_json);

/**
 * Checks roster files against a registry without changing it (a dry run of
 * `tx_registry_import_rosters` in report mode; the core's `interchange::check_rosters`) and
 * lists every problem.
 *
 * Arguments as `tx_registry_import_rosters` (the `report` option has no effect: a check
 * always reports everything). On success `*out_report_json` receives the report in the shape
 * `tx_registry_import_rosters` documents, `{"errors":[…],"rows_ok":n,"rows_skipped":n}`;
 * `errors` is empty exactly when the import would succeed. Problems in the files are not a
 * failure of this function: it returns `TX_STATUS_OK` with them in the report.
 *
 * \param reg             non-NULL handle; only read.
 * \param meta_json       `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` the commands are checked
 *                        with.
 * \param orgs            `orgs_len` bytes, or NULL with 0 (no file); likewise the others.
 * \param options_json    NULL or the options of `tx_registry_import_rosters`.
 * \param out_report_json non-NULL; receives the report on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON`; `TX_STATUS_INVALID_ARGUMENT`;
 *         binding-level codes.
 *
 * Ownership: inputs are borrowed for the call; on success the caller owns `*out_report_json`
 * (`tx_string_free`).
 * Thread safety: reads `reg` (the check works on a copy); see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described; each non-NULL buffer valid for reads of its
 * length.
 */
TX_MUST_USE
enum tx_status tx_registry_check_rosters(const struct tx_registry *reg,
                                         const char *meta_json,
                                         const uint8_t *orgs,
                                         size_t orgs_len,
                                         const uint8_t *persons,
                                         size_t persons_len,
                                         const uint8_t *memberships,
                                         size_t memberships_len,
                                         const uint8_t *enterprises,
                                         size_t enterprises_len,
                                         const char *options_json,
                                         char **out_report_json);

/**
 * Writes the registry as the four roster CSV files (the core's `interchange::export_rosters`):
 * the tables `tx_registry_import_rosters` reads, so that exporting with unmasked resident IDs
 * and importing into an empty registry gives the same organizations, persons, enterprises and
 * memberships. The files do not carry designations, activities, advice, affiliations, terms,
 * tags, political posts, parent histories (an organization is written with its current
 * parent) or the journal.
 *
 * `options_json` (NULL for the defaults), every field optional:
 * `{"encoding":"utf8"|"gbk"|"gb18030", "bom":false, "unmask_resident_ids":false}`.
 * `encoding` `auto` (the default) writes UTF-8; `bom` starts UTF-8 files with a byte-order
 * mark (Excel needs one). Resident IDs are masked (`440305********123X`) unless
 * `unmask_resident_ids` is true — masked numbers cannot be imported again except with
 * `drop_masked_resident_ids`.
 *
 * \param reg             non-NULL handle; only read.
 * \param options_json    NULL or the options above.
 * \param out_orgs        non-NULL; receives `orgs.csv` on success; likewise `out_persons`,
 *                        `out_memberships`, `out_enterprises` (`enterprises.csv` is a header
 *                        only when the registry has no enterprise). Nothing is written on
 *                        failure.
 * \return `TX_STATUS_OK`; `TX_STATUS_EXPORT` (e.g. a character GBK lacks; the message names
 *         the file); `TX_STATUS_INVALID_JSON` for bad options; binding-level codes.
 *
 * Ownership: on success the caller owns the four buffers and must release each with
 * `tx_bytes_free(b.data, b.len)`, never `free()`. Resident IDs unmasked are sensitive
 * personal data.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_export_rosters(const struct tx_registry *reg,
                                          const char *options_json,
                                          struct tx_bytes *out_orgs,
                                          struct tx_bytes *out_persons,
                                          struct tx_bytes *out_memberships,
                                          struct tx_bytes *out_enterprises);

/**
 * Sets (or, with a NULL `callback`, removes) the progress callback of this handle's roster
 * imports and checks (`tx_registry_import_rosters`, `tx_registry_check_rosters`): rows read,
 * then commands applied (the core's `interchange::import_rosters_with_progress`). For a
 * progress bar; the imports are the same with or without it.
 *
 * \param reg       non-NULL handle.
 * \param callback  the callback (see `tx_progress_fn`), or NULL for none.
 * \param user_data handed back to every call, never dereferenced by the library.
 * \return `TX_STATUS_OK`; `TX_STATUS_NULL_ARGUMENT` for a NULL `reg`.
 *
 * Ownership: `user_data` stays the caller's; it must stay valid while the callback is set.
 * Thread safety: mutates `reg`; the callback runs on the thread that imports.
 *
 * # Safety
 * `reg` must be NULL or a live handle; `callback`, if not NULL, must be safe to call with
 * `user_data` during every later import or check on this handle.
 */
TX_MUST_USE
enum tx_status tx_registry_set_import_progress(struct tx_registry *reg,
                                               tx_progress_fn callback,
                                               void *user_data);

/**
 * Writes the registry as a Popolo JSON document (the core's `interchange::export_popolo`,
 * pretty-printed): persons, organizations (enterprises classified `enterprise`) and
 * memberships as Popolo names them, with what Popolo lacks under each record's `"tongxin"`
 * key, so `tx_registry_import_popolo` restores it.
 *
 * `options_json`: NULL, or `{"unmask_resident_ids":false}` (resident IDs are masked unless
 * true).
 *
 * \param reg          non-NULL handle; only read.
 * \param options_json NULL or the options above.
 * \param out_json     non-NULL; receives the document on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for bad options; binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_export_popolo(const struct tx_registry *reg,
                                         const char *options_json,
                                         char **out_json);

/**
 * Imports a Popolo JSON document (as `tx_registry_export_popolo` writes it) into a registry,
 * all or nothing, through the same commands and checks as a roster import (the core's
 * `interchange::import_popolo`); stops at the first problem.
 *
 * `options_json`: NULL, or `{"encoding":"utf8"|"gbk"|"gb18030", "drop_masked_resident_ids":
 * false}` (`auto`, the default, reads UTF-8).
 *
 * \param reg              non-NULL handle; mutated on success only.
 * \param meta_json        `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` for every command.
 * \param json             `json_len` bytes of the document (no NUL needed); non-NULL.
 * \param json_len         its length.
 * \param options_json     NULL or the options above.
 * \param out_summary_json non-NULL; receives `{"organizations","enterprises","persons",
 *                         "memberships"}` (counts added) on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_IMPORT` with the registry unchanged and the core's
 *         message naming `popolo.json`, the JSON path of the field as the column (e.g.
 *         `persons[3].tongxin.party`) and, for malformed JSON, the line;
 *         `TX_STATUS_INVALID_JSON` for bad `meta_json`/`options_json`; binding-level codes.
 *
 * Ownership: inputs are borrowed for the call; on success the caller owns
 * `*out_summary_json` (`tx_string_free`).
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described; `json` valid for reads of `json_len` bytes.
 */
TX_MUST_USE
enum tx_status tx_registry_import_popolo(struct tx_registry *reg,
                                         const char *meta_json,
                                         const uint8_t *json,
                                         size_t json_len,
                                         const char *options_json,
                                         char **out_summary_json);

/**
 * The head of the registry's journal: the SHA-256 hash chaining every event, as 64 lowercase
 * hex digits ("000…0" for an empty journal). Each event's hash is
 * SHA-256(previous hash as 32 bytes || the event's compact JSON); keep the head somewhere the
 * journal's writer cannot change, and a later `tx_verify_journal_json` with it shows any
 * change to history. Computed from the whole journal on each call (no cost while applying
 * commands).
 *
 * \param reg      non-NULL handle; only read.
 * \param out_head non-NULL; receives the head on success.
 * \return `TX_STATUS_OK`; binding-level codes.
 *
 * Ownership: on success the caller owns `*out_head` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_journal_head(const struct tx_registry *reg,
                                        char **out_head);

/**
 * Verifies a journal: a JSON array of events each with its `prev` hash, from event 1, as
 * `tx_registry_query_json` answers `{"type":"journal"}` (and as a snapshot's `journal`
 * holds them). Recomputes the hash chain and finds the first event altered, inserted,
 * removed or moved; with `expected_head`, also a journal that does not end at that head (its
 * last event altered, events removed from its end, or events added after it).
 *
 * \param journal_json  the events.
 * \param expected_head NULL (check the chain only) or the head kept from before: 64 hex
 *                      digits.
 * \param out_head      non-NULL; receives the journal's head (64 lowercase hex digits) on
 *                      success.
 * \param out_bad_seq   NULL, or receives the seq of the first tampered event (for a head
 *                      mismatch, the journal's last event), written only on
 *                      `TX_STATUS_JOURNAL_TAMPERED`.
 * \return `TX_STATUS_OK`; `TX_STATUS_JOURNAL_TAMPERED`, the message naming the event and what
 *         was found, e.g. "journal tampered at event 42 (altered): event 43's `prev` is
 *         `3fa0…` but event 42 hashes to `9bc1…`" (kinds: altered, inserted, removed,
 *         reordered, head_mismatch); `TX_STATUS_INVALID_JSON` (not an array of events, the
 *         message naming the element); `TX_STATUS_INVALID_ARGUMENT` (an `expected_head` that
 *         is not 64 hex digits); binding-level codes.
 *
 * Ownership: inputs are borrowed for the call; on success the caller owns `*out_head`
 * (`tx_string_free`).
 * Thread safety: safe from any thread.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_verify_journal_json(const char *journal_json,
                                      const char *expected_head,
                                      char **out_head,
                                      uint64_t *out_bad_seq);

/**
 * Creates an empty registry.
 *
 * \return a new handle, or NULL only if the library panicked (then `tx_last_error_message`
 * says why).
 *
 * Ownership: the caller owns the handle and must release it with `tx_registry_free`.
 * Thread safety: safe from any thread; see `tx_registry` for using the handle.
 */
struct tx_registry *tx_registry_new(void);

/**
 * Releases a registry. `reg` may be NULL (a no-op).
 *
 * Ownership: takes back ownership; `reg` must not be used afterwards, nor freed twice.
 * Thread safety: no other thread may be using `reg`.
 *
 * # Safety
 * `reg` must be NULL or a handle from `tx_registry_new`/`tx_registry_from_json` not yet freed.
 */
void tx_registry_free(struct tx_registry *reg);

/**
 * Loads a registry from snapshot JSON (as written by `tx_registry_to_json`).
 *
 * A snapshot of `schema_version` 2 first has its journal's hash chain checked against its
 * `head` (see `tx_verify_journal_json`); then the journal is replayed through the same
 * validated commands and the records it rebuilds must equal the ones written, so a
 * hand-edited snapshot cannot smuggle in a state the rules forbid. Version 1 snapshots (no
 * hashes) are replayed and compared.
 *
 * \param json   NUL-terminated UTF-8 snapshot text; borrowed for the call.
 * \param out    non-NULL; receives the new handle on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` (not JSON, or not a snapshot's shape);
 *         `TX_STATUS_UNSUPPORTED_SCHEMA_VERSION` (a snapshot from another version);
 *         `TX_STATUS_JOURNAL_TAMPERED` (naming the first altered, inserted, removed or moved
 *         event); `TX_STATUS_REPLAY_FAILED`, `TX_STATUS_SNAPSHOT_MISMATCH`; binding-level
 *         codes.
 *
 * Ownership: on success the caller owns `*out` (free with `tx_registry_free`).
 * Thread safety: safe from any thread.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_from_json(const char *json,
                                     struct tx_registry **out);

/**
 * Writes the whole registry as snapshot JSON (pretty-printed, deterministic: the same
 * registry gives the same bytes, through C and through Rust).
 *
 * \param reg non-NULL handle; only read.
 * \param out non-NULL; receives the JSON text on success.
 *
 * Ownership: on success the caller owns `*out`; release it with `tx_string_free`, never
 * `free()`.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_to_json(const struct tx_registry *reg,
                                   char **out);

/**
 * Applies one command, given as the core's command JSON, e.g.
 * `{"type":"leave","member":{"person":"p1"},"org":"o1","date":"2024-01-01"}`.
 *
 * Every command the core knows is accepted (`add_organization`, `update_organization`,
 * `dissolve_organization`, `move_organization`, `add_affiliation`, `end_affiliation`,
 * `start_term`, `add_person`, `update_person`, `add_enterprise`, `update_enterprise`, `join`,
 * `leave`, `change_role`, `record_designation`, `revoke_designation`, `record_activity`,
 * `record_advice`, `set_rule_book`). A rejected command leaves the registry exactly as it was.
 *
 * `{"type":"set_rule_book","book":{…}}` gives the registry a membership rule book (the core's
 * `RuleBook` JSON; `"book":null` removes it): from then on a `join` that fails one of the
 * organization's `reject` eligibility rules is refused with `TX_STATUS_RULE_VIOLATION`, and the
 * `warn` rules it fails are listed in the event's `"warnings"` (absent when there are none).
 * A book that does not compile is refused with `TX_STATUS_INVALID_RULE_BOOK`. This book is
 * journaled registry state, kept in snapshots; it is not the handle's eligibility-check book
 * (`tx_registry_set_rule_book_json`).
 *
 * \param reg            non-NULL handle; mutated on success.
 * \param meta_json      `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}`: who issues it and when.
 * \param command_json   the command.
 * \param out_event_json non-NULL; receives the journal event JSON
 *                       (`{"seq":…,"at":…,"actor":…,"command":{…}}`, plus `"warnings":[…]`
 *                       for a join that failed `warn` rules) on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not a meta or command;
 *         a core rule's status (e.g. `TX_STATUS_LEVEL_ORDER`, `TX_STATUS_RULE_VIOLATION`) when
 *         rejected.
 *
 * Ownership: on success the caller owns `*out_event_json` (`tx_string_free`).
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_apply_json(struct tx_registry *reg,
                                      const char *meta_json,
                                      const char *command_json,
                                      char **out_event_json);

/**
 * Applies a JSON array of commands atomically: all are applied, or none.
 *
 * \param reg              non-NULL handle; mutated on success only.
 * \param meta_json        `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}`, for every command.
 * \param commands_json    a JSON array of commands (see `tx_registry_apply_json`).
 * \param out_applied      non-NULL; receives the number of commands applied on success.
 * \param out_failed_index non-NULL; written only on failure, and only when one element is to
 *                         blame: the 0-based index of the command that is malformed
 *                         (`TX_STATUS_INVALID_JSON`) or was rejected (its rule's status). A
 *                         documented exception to "out-params only on success". The message
 *                         names the index and the command's type as well.
 * \return `TX_STATUS_OK`, or the failing command's status with the registry unchanged.
 *
 * Ownership: nothing is handed out.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_apply_batch_json(struct tx_registry *reg,
                                            const char *meta_json,
                                            const char *commands_json,
                                            size_t *out_applied,
                                            size_t *out_failed_index);

/**
 * Adds an organization (typed form of the `add_organization` command; other fields — English
 * name, carrier, category, facilities, tags, dissolution — through `tx_registry_apply_json`).
 *
 * \param reg           non-NULL handle; mutated on success.
 * \param at            timestamp `YYYY-MM-DDTHH:MM:SS` of the command.
 * \param actor         who issues it.
 * \param id            the new organization's id.
 * \param name          its Chinese name.
 * \param kind          `zhilianhui`, `xinlianhui`, `wanglianhui`, `returned_scholars`,
 *                      `tongxinhui`, `base`, `democratic_party_branch`, `party_committee`,
 *                      `party_branch`, `chamber`, `advisory_studio`, `special_committee`,
 *                      `online_group` or `other`.
 * \param level         `national`, `provincial`, `municipal`, `district`, `subdistrict` or
 *                      `community`.
 * \param division_code division code (2, 4, 6, 9 or 12 digits).
 * \param founded       founding day `YYYY-MM-DD`.
 * \param parent_id     the parent's id, or NULL for a root.
 * \param relation      `guidance` or `part_of` (ignored for a root, but must still be valid).
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT` for a bad date or name; a core rule's
 *         status, e.g. `TX_STATUS_DUPLICATE_ID`, `TX_STATUS_NOT_FOUND` (parent),
 *         `TX_STATUS_LEVEL_ORDER`, `TX_STATUS_KIND_MISMATCH`.
 *
 * Ownership: all strings are borrowed for the call.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL (only `parent_id` may be) or valid NUL-terminated strings.
 */
TX_MUST_USE
enum tx_status tx_registry_add_organization(struct tx_registry *reg,
                                            const char *at,
                                            const char *actor,
                                            const char *id,
                                            const char *name,
                                            const char *kind,
                                            const char *level,
                                            const char *division_code,
                                            const char *founded,
                                            const char *parent_id,
                                            const char *relation);

/**
 * Adds a person (typed form of the `add_person` command; sex, birth, ethnicity, education,
 * employer, resident ID and political posts through `tx_registry_apply_json`).
 *
 * \param reg     non-NULL handle; mutated on success.
 * \param at      timestamp `YYYY-MM-DDTHH:MM:SS`.
 * \param actor   who issues it.
 * \param id      the person's id.
 * \param name    the name, or NULL when the registry does not keep it.
 * \param party   `cpc`, `non_party`, `min_ge`, `min_meng`, `min_jian`, `min_jin`, `nong_gong`,
 *                `zhi_gong`, `jiu_san`, `tai_meng` or `mass`.
 * \param title   `none`, `junior`, `intermediate`, `associate_senior` or `senior`.
 * \param stratum `none`, `private_enterprise_staff`, `intermediary_staff`, `freelancer` or
 *                `new_media`.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_DUPLICATE_ID`,
 *         `TX_STATUS_INVALID_FIELD`.
 *
 * Ownership: all strings are borrowed for the call.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL (only `name` may be) or valid NUL-terminated strings.
 */
TX_MUST_USE
enum tx_status tx_registry_add_person(struct tx_registry *reg,
                                      const char *at,
                                      const char *actor,
                                      const char *id,
                                      const char *name,
                                      const char *party,
                                      const char *title,
                                      const char *stratum);

/**
 * A person joins an organization from `start_date` (typed form of the `join` command, for an
 * open-ended, non-founding membership; others through `tx_registry_apply_json`).
 *
 * \param reg        non-NULL handle; mutated on success.
 * \param at         timestamp `YYYY-MM-DDTHH:MM:SS`.
 * \param actor      who issues it.
 * \param person_id  the person.
 * \param org_id     the organization.
 * \param role       `president`, `vice_president`, `secretary_general`,
 *                   `deputy_secretary_general`, `standing_council`, `council`, `member`,
 *                   `secretary`, `deputy_secretary`, `committee_member` or `member_unit`.
 * \param start_date first day `YYYY-MM-DD`.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_NOT_FOUND`,
 *         `TX_STATUS_OVERLAPPING_MEMBERSHIP`, `TX_STATUS_PRESIDENT_CONFLICT`,
 *         `TX_STATUS_OUTSIDE_LIFETIME`.
 *
 * Ownership: all strings are borrowed for the call.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid NUL-terminated strings.
 */
TX_MUST_USE
enum tx_status tx_registry_join(struct tx_registry *reg,
                                const char *at,
                                const char *actor,
                                const char *person_id,
                                const char *org_id,
                                const char *role,
                                const char *start_date);

/**
 * A person leaves an organization: `date` is the first day no longer a member (typed form of
 * the `leave` command).
 *
 * \param reg       non-NULL handle; mutated on success.
 * \param at        timestamp `YYYY-MM-DDTHH:MM:SS`.
 * \param actor     who issues it.
 * \param person_id the person.
 * \param org_id    the organization.
 * \param date      first day no longer a member, `YYYY-MM-DD`.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT`; `TX_STATUS_NOT_FOUND`,
 *         `TX_STATUS_NO_ACTIVE_MEMBERSHIP` (e.g. leaving twice), `TX_STATUS_DATE_ORDER`.
 *
 * Ownership: all strings are borrowed for the call.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid NUL-terminated strings.
 */
TX_MUST_USE
enum tx_status tx_registry_leave(struct tx_registry *reg,
                                 const char *at,
                                 const char *actor,
                                 const char *person_id,
                                 const char *org_id,
                                 const char *date);

/**
 * Whether a person has an active membership, on `date`, in the organization or anywhere in
 * its subtree that day (guidance and part-of children alike).
 *
 * \param reg       non-NULL handle; only read.
 * \param person_id the person.
 * \param org_id    the organization.
 * \param date      the day asked, `YYYY-MM-DD`.
 * \param out       non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown person or organization;
 *         `TX_STATUS_INVALID_ARGUMENT` for a bad date.
 *
 * Ownership: nothing is handed out.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_is_member_in_subtree(const struct tx_registry *reg,
                                                const char *person_id,
                                                const char *org_id,
                                                const char *date,
                                                bool *out);

/**
 * Number of distinct members (persons and enterprises, each counted once) active on `date`
 * in an organization under a scope.
 *
 * \param reg    non-NULL handle; only read.
 * \param org_id the organization.
 * \param date   the day asked, `YYYY-MM-DD`.
 * \param scope  `direct` (its own memberships), `with_branches` (and its part-of branches and
 *               committees, recursively) or `subtree` (every organization under it that day).
 * \param out    non-NULL; receives the count on success (0 when the organization does not
 *               exist that day).
 * \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND`; `TX_STATUS_INVALID_ARGUMENT`.
 *
 * Ownership: nothing is handed out.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_member_count(const struct tx_registry *reg,
                                        const char *org_id,
                                        const char *date,
                                        const char *scope,
                                        size_t *out);

/**
 * Number of organizations in the registry, dissolved ones included.
 *
 * \param reg non-NULL handle; only read.
 * \param out non-NULL; receives the count on success.
 *
 * Ownership: nothing is handed out.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_organization_count(const struct tx_registry *reg,
                                              size_t *out);

/**
 * Answers a query given as a small JSON object tagged by `"type"`; the answer is JSON.
 *
 * | query | fields | answer |
 * |---|---|---|
 * | `organization` | `id` | the organization object |
 * | `person` | `id` | the person object |
 * | `enterprise` | `id` | the enterprise object |
 * | `counts` | — | `{"organizations":n,"persons":n,"enterprises":n,"memberships":n}` |
 * | `parent_history` | `org` | `[{"parent":…,"relation":…,"from":…,"to":…}]` |
 * | `terms` | `org` | the council terms |
 * | `children` | `org`, `date` | ids, in the order added |
 * | `ancestors` | `org`, `date` | ids, parent first |
 * | `subtree` | `org`, `date` | ids in pre-order, itself first |
 * | `roots` | `date` | ids |
 * | `members` | `org`, `date`, `scope`? | distinct members, e.g. `[{"person":"p1"}]` |
 * | `active_memberships` | `org`, `date`, `scope`? | membership objects |
 * | `memberships_of` | `member` (`{"person":id}` or `{"enterprise":id}`) | membership objects |
 * | `search_organizations` | `prefix` | organizations whose name starts with it |
 * | `search_persons` | `prefix` | persons whose name starts with it |
 * | `designations_of`, `activities_of`, `advice_of`, `affiliations_of` | `org` | records |
 * | `journal` | `after`? (a seq, default 0) | events with a greater seq, each with `prev`, the hash of the event before it |
 * | `journal_head` | — | `{"head":"<64 hex digits>","events":n}` |
 *
 * `scope` is `direct` (default), `with_branches` or `subtree`; dates are `YYYY-MM-DD`.
 * Example: `{"type":"subtree","org":"sz","date":"2024-05-07"}` → `["sz","futian"]`.
 *
 * \param reg        non-NULL handle; only read.
 * \param query_json the query.
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for an unknown type or a missing field;
 *         `TX_STATUS_NOT_FOUND` for an unknown id.
 *
 * Ownership: on success the caller owns `*out_json` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_query_json(const struct tx_registry *reg,
                                      const char *query_json,
                                      char **out_json);

/**
 * Answers a question about the membership rules, given as a JSON object tagged by
 * `"question"`; the answer is the core result's serde JSON (compact; the same bytes as
 * `serde_json::to_string` of the core's result in Rust).
 *
 * | question | fields | answer (core) |
 * |---|---|---|
 * | `check` | `member` (`{"person":id}` or `{"enterprise":id}`), `org`, `as_of`, `book`? | `rules::check`: `{"member","org","as_of","eligible","already_member","rules","explanation_zh","explanation_en"}` |
 * | `audit` | `as_of`, `root`?, `book`? | `rules::audit`: the violations in the subtree (every organization without `root`) |
 * | `candidates` | `org`, `as_of`, `limit`?, `keys`?, `book`? | `rules::candidates`: `[{"id","enterprise","title","education","age","warnings"}]` |
 *
 * - `book` is a rule book as the core's `RuleBook` JSON (`common`, `defaults`, `overrides`;
 *   conditions as text); without it the registry's own book (`set_rule_book`), else the core's standard book.
 * - `keys` are the core's `OrderKey` names (`title_desc`, `title_asc`, `education_desc`,
 *   `education_asc`, `age_asc`, `age_desc`, `id`); default `title_desc, age_asc, id`.
 * - Example: `{"question":"check","member":{"person":"p1"},"org":"o1","as_of":"2024-06-01"}`.
 *
 * Cost: that of the core function, plus compiling `book` when given.
 *
 * \param reg        non-NULL handle; only read.
 * \param query_json the question, NUL-terminated UTF-8; borrowed for the call.
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not JSON, an unknown
 *         `question`, a missing or unknown field, a bad value, or a `book` that is not a rule
 *         book (including condition text that does not parse); `TX_STATUS_RULE` for a book
 *         whose rules do not compile (unknown attribute or value, type mismatch …) or an
 *         unknown organization or member, with the core's message and its stable code in
 *         parentheses, e.g. `(rule_unknown_attribute)`; binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json`; release it with `tx_string_free`, never
 * `free()`.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_rules_json(const struct tx_registry *reg,
                                      const char *query_json,
                                      char **out_json);

/**
 * Computes a statistic given as a JSON object tagged by `"stat"`; the answer is the core
 * result's serde JSON (compact; the same bytes as `serde_json::to_string` of the core's result
 * in Rust). Field names and values are the core's snake_case names; dates are `YYYY-MM-DD`.
 *
 * | stat | fields | answer (core) |
 * |---|---|---|
 * | `rollup` | `as_of`, `by`? | `stats::rollup`: `{"as_of","dimension","columns","rows":[{"org_id","total","enterprises","counts"}]}` |
 * | `org_rollup` | `as_of`, `by` | `stats::org_rollup` (organizations per subtree) |
 * | `coverage` | `kind`, `within`, `level`, `org_level`?, `as_of`, `streets_csv`?, `villages_csv`? | `stats::coverage` |
 * | `coverage_areas` | as `coverage`, with `within` a list of division codes | `stats::coverage_areas`: one coverage per area, in order, from one pass over the organizations |
 * | `series` | `from`, `to`, `every`, `by`? | `stats::rollup_series` at `stats::period_ends(from, to, every)`: an array of rollups |
 * | `growth` | `root`, `periods` (`[{"from","to"}]`) | `stats::growth`: joins, leaves, net, returning per period |
 * | `activity_totals` | `root`, `from`, `to`, `kind`? | `stats::activity_totals` |
 * | `activities_in` | `root`, `from`, `to`, `kind`? | `stats::activities_in`: activity records |
 * | `advice_in` | `root`, `from`, `to`, `kinds`? | `stats::advice_in`: advice records |
 * | `designations_in_force` | `root`, `as_of` | `stats::designations_in_force`: `[[designation, certainty]]` |
 * | `designations_by_level_year` | `root` | `stats::designations_by_level_year` |
 * | `political_arrangements` | `root`, `as_of` | `stats::political_arrangements` |
 * | `suppressed_rollup` | `as_of`, `by`?, `k` | `stats::suppress(stats::rollup(as_of, by), k)`: hidden cells are `null` |
 *
 * - `by` (rollups): `party`, `title`, `stratum`, `sex`, `age`, `ethnicity`, `role`, `level`,
 *   `kind`; for `org_rollup`: `kind`, `level`, `carrier`. `every`: `month` or `year`.
 * - `coverage`: `kind` is an organization kind; `within` a division code (short or padded,
 *   `00` for the whole country); `level` a division level (`province`, `city`, `county`,
 *   `township`, `village`); `org_level` an organization level. The division table is the
 *   bundled one (provinces, cities, counties of NBS 2023), extended by `streets_csv` and then
 *   `villages_csv` when given: CSV text with header `code,name,parent_code`, as the core's
 *   `DivisionTable::load_level_csv` reads it (township and village coverage need them).
 * - Example: `{"stat":"rollup","as_of":"2024-05-31","by":"party"}`.
 *
 * Cost: that of the core function; a rollup is one pass over all memberships
 * (O(memberships × depth + organizations × columns)), a series is computed incrementally.
 *
 * \param reg        non-NULL handle; only read.
 * \param query_json the statistic, NUL-terminated UTF-8; borrowed for the call.
 * \param out_json   non-NULL; receives the answer on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not JSON, an unknown
 *         `stat`, a missing or unknown field, or a bad value (date, dimension, kind …);
 *         `TX_STATUS_NOT_FOUND` for an unknown `root`; `TX_STATUS_DIVISION` for a malformed
 *         `within`, a street/village CSV the core refuses, or a `level` the table lacks;
 *         binding-level codes.
 *
 * Ownership: on success the caller owns `*out_json`; release it with `tx_string_free`, never
 * `free()`.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_stats_json(const struct tx_registry *reg,
                                      const char *query_json,
                                      char **out_json);

/**
 * Computes a statistic (the same JSON query as `tx_registry_stats_json`) and gives the core's
 * CSV table of it (`stats::Table::to_csv`: a header row, then one row per line, RFC 4180
 * quoting, `\n` line ends, suppressed cells as `*`).
 *
 * Offered for the tabular statistics: `rollup` (`org_id,total,<columns>,enterprises`),
 * `org_rollup` (`org_id,organizations,<columns>`), `coverage`
 * (`division_code,name,covered,organizations`), `growth`
 * (`from,to,joins,leaves,net,returning`) and `suppressed_rollup`. The others have no table in
 * the core and give `TX_STATUS_INVALID_ARGUMENT` (before anything is computed).
 *
 * \param reg        non-NULL handle; only read.
 * \param query_json the statistic, NUL-terminated UTF-8; borrowed for the call.
 * \param out_csv    non-NULL; receives the CSV text on success.
 * \return as `tx_registry_stats_json`, and `TX_STATUS_INVALID_ARGUMENT` for a statistic
 *         without a CSV form.
 *
 * Ownership: on success the caller owns `*out_csv` (`tx_string_free`).
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_stats_csv(const struct tx_registry *reg,
                                     const char *query_json,
                                     char **out_csv);

/**
 * Number of distinct persons active on `date` anywhere in the subtree of an organization (the
 * tree of that day; a person in several of its organizations counts once; enterprises are not
 * counted): the `total` of the organization's row in the core's `stats::rollup`.
 *
 * Cost: each call runs the core's whole rollup, O(memberships × depth + organizations), for
 * one row. To read many organizations' totals for one day, ask `tx_registry_stats_json` for
 * `{"stat":"rollup","as_of":…}` once instead. (`tx_registry_member_count` with scope
 * `subtree` counts persons and enterprises together, from the subtree's memberships only.)
 *
 * \param reg    non-NULL handle; only read.
 * \param org_id the organization.
 * \param date   the day asked, `YYYY-MM-DD`.
 * \param out    non-NULL; receives the count on success (0 when the organization does not
 *               exist that day).
 * \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown organization;
 *         `TX_STATUS_INVALID_ARGUMENT` for a bad date; binding-level codes.
 *
 * Ownership: nothing is handed out.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_rollup_total(const struct tx_registry *reg,
                                        const char *org_id,
                                        const char *date,
                                        size_t *out);

/**
 * The stable snake_case name of a status, e.g. `"ok"`, `"null_argument"`, `"level_order"`.
 *
 * `status` is taken as an integer so that any value is safe to pass: a number that is no
 * status gives `"unknown_error"`.
 *
 * \return a static NUL-terminated string. Ownership: borrowed from the library, valid for the
 * life of the process; never free it.
 *
 * Thread safety: safe to call from any thread at any time.
 */
const char *tx_status_name(int32_t status);

/**
 * Releases a byte buffer this library handed out (a `tx_bytes`).
 *
 * \param data the buffer's `data`, or NULL (a no-op).
 * \param len  the buffer's `len`, exactly as handed out.
 *
 * Ownership: takes back ownership of `data`; it must not be used afterwards. Never pass such a
 * buffer to `free()`, and never pass this function memory the library did not hand out, a
 * buffer twice, or another length.
 * Thread safety: any thread may free a buffer, whichever thread received it.
 *
 * # Safety
 * `data` must be NULL or the `data` of a `tx_bytes` from this library, not yet freed, with
 * its `len`.
 */
void tx_bytes_free(uint8_t *data,
                   size_t len);

/**
 * Releases a string this library handed out (`char**` out-parameters).
 *
 * \param s a string returned by a `tx_` function, or NULL (a no-op).
 *
 * Ownership: takes back ownership of `s`; it must not be used afterwards. Never pass such a
 * string to `free()`, and never pass this function memory the library did not hand out, a
 * string twice, or a string whose bytes were modified.
 * Thread safety: any thread may free a string, whichever thread received it.
 *
 * # Safety
 * `s` must be NULL or a string from this library not yet freed and not modified.
 */
void tx_string_free(char *s);

/**
 * The library's version, e.g. `"0.1.0"` — the crate's Cargo version; it equals
 * `TX_VERSION_MAJOR.TX_VERSION_MINOR.TX_VERSION_PATCH` of the header it was built with.
 *
 * \return a static NUL-terminated string. Ownership: borrowed, valid for the life of the
 * process; never free it.
 * Thread safety: safe from any thread.
 */
const char *tx_version(void);

/**
 * Whether a person may belong to an organization on a day under the handle's rule book (the
 * core's `rules::check`): every eligibility rule of the organization, after defaults,
 * inheritance and overrides; warnings do not count. The answer equals the `eligible` field of
 * `tx_registry_rules_json` with `{"question":"check","member":{"person":…},"org":…,
 * "as_of":…}` (plus the same `book` when one was installed with
 * `tx_registry_set_rule_book_json`).
 *
 * The rule book is compiled once per handle (on first use), not on every call.
 *
 * \param reg                non-NULL handle; only read (its cached rule book may be filled
 *                           on first use).
 * \param person_id          the person.
 * \param org_id             the organization.
 * \param date               the day asked, `YYYY-MM-DD`.
 * \param out_eligible       non-NULL; receives the answer on success.
 * \param out_explanation_zh may be NULL (not wanted); else receives, on success, the verdict
 *                           and one line per rule with the values seen, in Chinese.
 * \param out_explanation_en may be NULL (not wanted); else the same in English.
 * \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown person or organization;
 *         `TX_STATUS_INVALID_ARGUMENT` for a bad date; binding-level codes.
 *
 * Ownership: strings in are borrowed for the call. On success the caller owns
 * `*out_explanation_zh` and `*out_explanation_en` (when asked for); release each with
 * `tx_string_free`, never `free()`.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL (only the explanations may be) or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_check_eligibility(const struct tx_registry *reg,
                                             const char *person_id,
                                             const char *org_id,
                                             const char *date,
                                             bool *out_eligible,
                                             char **out_explanation_zh,
                                             char **out_explanation_en);

/**
 * Installs the rule book `tx_registry_check_eligibility` uses on this handle, compiled once
 * here; NULL removes it. Without one, the check uses the registry's own book (the one its joins
 * obey, set by the journaled `set_rule_book` command through `tx_registry_apply_json`), else
 * the core's standard book. The JSON entry point `tx_registry_rules_json` is not affected (it
 * takes its book in each question, defaulting the same way but without this handle's book),
 * and neither are joins.
 *
 * \param reg       non-NULL handle; its rule book is replaced on success only.
 * \param book_json a rule book as the core's `RuleBook` JSON (`common`, `defaults`,
 *                  `overrides`; conditions as text), or NULL for the standard book.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not a rule book
 *         (including condition text that does not parse); `TX_STATUS_RULE` for rules that do
 *         not compile, with the core's message and code; binding-level codes.
 *
 * Ownership: `book_json` is borrowed for the call; the handle keeps its own compiled copy.
 * Thread safety: mutates `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL (only `book_json` may be) or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_set_rule_book_json(struct tx_registry *reg,
                                              const char *book_json);

/**
 * The subtree totals of every organization on a day, in one pass (the core's `stats::rollup`):
 * `out[i]` receives what `tx_registry_rollup_total` gives for the organization at index `i` —
 * distinct persons active on `date` anywhere in its subtree, 0 when it does not exist that
 * day.
 *
 * Order: the registry's organization indices, i.e. the order organizations were added, dissolved
 * ones included; `tx_registry_organization_id_at(reg, i, …)` names the organization at `i`,
 * and `tx_registry_organization_count` gives how many there are. The order does not depend on
 * the date and is kept by snapshots (`tx_registry_to_json` / `tx_registry_from_json`).
 *
 * Cost: one rollup (O(memberships × depth + organizations)), whatever the number of
 * organizations; no per-organization call.
 *
 * \param reg         non-NULL handle; only read.
 * \param date        the day asked, `YYYY-MM-DD`.
 * \param out         caller-owned array of `out_len` totals; may be NULL only when `out_len`
 *                    is 0 (to ask for the length).
 * \param out_len     capacity of `out`, in elements.
 * \param out_written non-NULL; on success receives the number of elements written (the
 *                    number of organizations); on `TX_STATUS_BUFFER_TOO_SMALL` receives the
 *                    length needed (a documented exception to "out-params only on success").
 * \return `TX_STATUS_OK`; `TX_STATUS_BUFFER_TOO_SMALL` when `out_len` is less than the number
 *         of organizations (nothing is computed and `out` is untouched);
 *         `TX_STATUS_INVALID_ARGUMENT` for a bad date; `TX_STATUS_NULL_ARGUMENT` when `out` is
 *         NULL with `out_len > 0`; binding-level codes.
 *
 * Ownership: nothing changes owner; only the first `*out_written` elements of `out` are
 * written.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * `out` must be NULL or valid for writes of `out_len` elements; the other pointers must be
 * NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_rollup_totals(const struct tx_registry *reg,
                                         const char *date,
                                         uint64_t *out,
                                         size_t out_len,
                                         size_t *out_written);

/**
 * The id of the organization at an index of the order `tx_registry_rollup_totals` uses (the
 * order organizations were added; `0 <= index < tx_registry_organization_count`).
 *
 * \param reg    non-NULL handle; only read.
 * \param index  the index.
 * \param out_id non-NULL; receives the id on success.
 * \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT` for an index past the last
 *         organization; binding-level codes.
 *
 * Ownership: on success the caller owns `*out_id`; release it with `tx_string_free`, never
 * `free()`.
 * Thread safety: reads `reg`; see `tx_registry`.
 *
 * # Safety
 * Pointers must be NULL or valid as described.
 */
TX_MUST_USE
enum tx_status tx_registry_organization_id_at(const struct tx_registry *reg,
                                              size_t index,
                                              char **out_id);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TONGXIN_H */
