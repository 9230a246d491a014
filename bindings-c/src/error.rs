//! Failures, the panic boundary, and the per-thread last error message.
//!
//! Why a per-thread last error: the core's messages carry the ids, dates and values involved
//! ("organization `bad` (municipal) cannot be part_of `futian` (district) …"), so a message per
//! status code (rustls-ffi's `rustls_error`) would lose what a clerk needs to fix the record;
//! and an error object returned through an out-parameter (automerge-c's result handles) would
//! give every call a second thing to free, which is how the legacy hosts this library serves
//! (JNA, P/Invoke, ctypes) leak. A thread-local message costs nothing on success and is copied
//! into a caller-owned buffer, so no pointer ever changes owner.

use crate::status::tx_status;
use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

/// A failed call: the status to return and the message to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: tx_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: tx_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }

    /// A NULL pointer where one is required.
    pub(crate) fn null(param: &str) -> Self {
        Failure::new(
            tx_status::NullArgument,
            format!("argument `{param}` is NULL"),
        )
    }

    /// A string argument that does not parse as what it should be.
    pub(crate) fn invalid(param: &str, reason: impl std::fmt::Display) -> Self {
        Failure::new(
            tx_status::InvalidArgument,
            format!("argument `{param}`: {reason}"),
        )
    }

    /// A JSON argument that is not valid JSON or not of the expected shape.
    pub(crate) fn json(param: &str, e: &serde_json::Error) -> Self {
        Failure::from(tongxin::Error::json(e)).context(&format!("argument `{param}`"))
    }

    /// A division code or division table problem, as the core's `division` error.
    pub(crate) fn division(e: &tongxin::ids::DivisionError) -> Self {
        Failure::from(tongxin::Error::Division {
            detail: e.to_string(),
        })
    }

    /// Prefixes the message with where the failure happened.
    pub(crate) fn context(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl From<tongxin::api::ApiError> for Failure {
    fn from(e: tongxin::api::ApiError) -> Self {
        let number = e.code.number();
        match tx_status::from_number(i64::from(number)) {
            Some(status) => Failure::new(status, e.message),
            None => Failure::new(
                tx_status::UnknownError,
                format!("[core error {number} `{}`] {}", e.code.as_str(), e.message),
            ),
        }
    }
}

impl From<tongxin::rules::RuleError> for Failure {
    fn from(e: tongxin::rules::RuleError) -> Self {
        Failure::from(tongxin::api::ApiError::from(e))
    }
}

/// Parses the JSON argument `param` as a `T` with the core's `api::parse` (an
/// `invalid_json` failure naming the argument).
pub(crate) fn parse_arg<T: serde::de::DeserializeOwned>(
    param: &str,
    text: &str,
) -> Result<T, Failure> {
    tongxin::api::parse(text).map_err(|e| Failure::from(e).context(&format!("argument `{param}`")))
}

/// Parses the optional options argument `param` with the core's `api::parse_options`.
pub(crate) fn parse_options_arg<T: serde::de::DeserializeOwned + Default>(
    param: &str,
    text: Option<&str>,
) -> Result<T, Failure> {
    tongxin::api::parse_options(text)
        .map_err(|e| Failure::from(e).context(&format!("argument `{param}`")))
}

impl From<tongxin::Error> for Failure {
    fn from(e: tongxin::Error) -> Self {
        let code = e.code();
        let status = tx_status::from_core(code);
        let message = if status == tx_status::UnknownError {
            format!("[core error {} `{}`] {e}", code.number(), code.as_str())
        } else {
            e.to_string()
        };
        Failure { status, message }
    }
}

thread_local! {
    /// The message of the last failed call on this thread, `None` after a successful one.
    static LAST_ERROR: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

fn set_last_error(f: Option<Failure>) {
    // `try_with` fails only while the thread is being torn down; there is nothing to record
    // into then.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = f;
        }
    });
}

/// Describes a panic payload.
fn panic_failure(payload: &(dyn std::any::Any + Send)) -> Failure {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    Failure::new(
        tx_status::Panic,
        format!("internal error: libtongxin panicked ({what}); this is a bug, please report it"),
    )
}

/// Boundary for functions returning a status: clears the last error, runs the body, records a
/// failure or a panic.
pub(crate) fn run_status(body: impl FnOnce() -> Result<(), Failure>) -> tx_status {
    set_last_error(None);
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => tx_status::Ok,
        Ok(Err(f)) => {
            let status = f.status;
            set_last_error(Some(f));
            status
        }
        Err(payload) => {
            set_last_error(Some(panic_failure(&*payload)));
            // Dropping a payload can itself panic; keep that inside the boundary too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            tx_status::Panic
        }
    }
}

/// Boundary for the functions that read the last error: they must not change it.
pub(crate) fn run_status_keep_error(body: impl FnOnce() -> Result<(), Failure>) -> tx_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => tx_status::Ok,
        Ok(Err(f)) => f.status,
        Err(payload) => {
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            tx_status::Panic
        }
    }
}

/// Boundary for functions returning a value: a panic records a message and gives `default`.
pub(crate) fn run_value<T>(default: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            set_last_error(Some(panic_failure(&*payload)));
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            default
        }
    }
}

/// A checked, non-NULL out-parameter, written at most once (on success).
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Wraps `p`, or `None` when it is NULL.
    ///
    /// # Safety
    /// A non-NULL `p` must be valid for one write of `T` for the rest of the call.
    pub(crate) unsafe fn new(p: *mut T) -> Option<Out<T>> {
        NonNull::new(p).map(Out)
    }

    /// Writes the value (without reading or dropping what was there).
    pub(crate) fn write(self, value: T) {
        // SAFETY: `new`'s contract.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// The largest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix_at_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Copies the message of the last failed call made on this thread into `buf`.
///
/// Every function that returns a `tx_status` first clears this thread's last error and, when it
/// fails, records a message naming the argument, id, field, date or value involved (in
/// English; core rule messages as the core words them). Read it on the same thread, before the
/// next `tx_` call that returns a status. After a successful call the message is empty.
/// This function and `tx_status_name` never change it.
///
/// \param buf    caller-owned buffer of `len` bytes; may be NULL only when `len` is 0 (to ask
///               for the size).
/// \param len    capacity of `buf` in bytes, including the terminating NUL.
/// \param out_len non-NULL; receives the message length in bytes, without the NUL.
/// \return `TX_STATUS_OK` when the whole message and its NUL fit: `buf` holds them.
///         `TX_STATUS_BUFFER_TOO_SMALL` when not (a documented exception to "out-params only on
///         success"): `*out_len` receives the capacity needed (length + 1) and, if `len > 0`,
///         `buf` holds as much of the message as fits, cut at a UTF-8 character boundary and
///         NUL-terminated. `TX_STATUS_NULL_ARGUMENT` when `out_len` is NULL, or `buf` is NULL
///         with `len > 0`.
///
/// Ownership: nothing changes owner; the library keeps its copy.
/// Thread safety: reads the calling thread's message only; safe from any thread.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes; `out_len` must be valid for one write.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> tx_status {
    ffi_boundary!(status_keep_error {
        let out_len = try_out!(out_len);
        if buf.is_null() && len > 0 {
            return Err(Failure::null("buf"));
        }
        let message = LAST_ERROR
            .try_with(|cell| {
                cell.try_borrow()
                    .ok()
                    .and_then(|m| m.as_ref().map(|f| f.message.clone()))
            })
            .ok()
            .flatten()
            .unwrap_or_default();
        // A message could contain NUL only through a NUL in caller JSON; show it visibly.
        let message = message.replace('\0', "\u{FFFD}");
        let fits = message.len() < len;
        if len > 0 {
            let part = if fits {
                message.as_str()
            } else {
                prefix_at_boundary(&message, len - 1)
            };
            // SAFETY: `buf` is non-NULL here and valid for `len` bytes (the caller's promise);
            // `part.len() + 1 <= len`.
            unsafe {
                std::ptr::copy_nonoverlapping(part.as_ptr(), buf.cast::<u8>(), part.len());
                buf.add(part.len()).write(0);
            }
        }
        if fits {
            out_len.write(message.len());
            Ok(())
        } else {
            out_len.write(message.len() + 1);
            Err(Failure::new(tx_status::BufferTooSmall, ""))
        }
    })
}
