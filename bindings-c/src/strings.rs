//! Strings across the boundary: reading caller text, handing out owned text, the version.

use crate::error::{Failure, Out};
use crate::status::tx_status;
use std::ffi::{c_char, CStr, CString};

/// Reads a NUL-terminated string as UTF-8; `Ok(None)` for NULL.
///
/// # Safety
/// A non-NULL `p` must point to a NUL-terminated string that stays valid and unchanged for `'a`.
pub(crate) unsafe fn read_str<'a>(
    p: *const c_char,
    param: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) };
    match bytes.to_str() {
        Ok(s) => Ok(Some(s)),
        Err(e) => Err(Failure::new(
            tx_status::InvalidUtf8,
            format!(
                "argument `{param}` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )),
    }
}

/// Hands `text` to the caller through `out` as an owned, NUL-terminated string.
pub(crate) fn write_string(out: Out<*mut c_char>, text: String) -> Result<(), Failure> {
    match CString::new(text) {
        Ok(c) => {
            out.write(c.into_raw());
            Ok(())
        }
        // JSON escapes NUL, so only a bug could get here.
        Err(_) => Err(Failure::new(
            tx_status::UnknownError,
            "internal error: output text contains a NUL byte",
        )),
    }
}

/// Releases a string this library handed out (`char**` out-parameters).
///
/// \param s a string returned by a `tx_` function, or NULL (a no-op).
///
/// Ownership: takes back ownership of `s`; it must not be used afterwards. Never pass such a
/// string to `free()`, and never pass this function memory the library did not hand out, a
/// string twice, or a string whose bytes were modified.
/// Thread safety: any thread may free a string, whichever thread received it.
///
/// # Safety
/// `s` must be NULL or a string from this library not yet freed and not modified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_string_free(s: *mut c_char) {
    ffi_boundary!(value(), {
        if !s.is_null() {
            // SAFETY: `s` came from `CString::into_raw` in `write_string` (caller's promise).
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

/// The library's version, e.g. `"0.1.0"` — the crate's Cargo version; it equals
/// `TX_VERSION_MAJOR.TX_VERSION_MINOR.TX_VERSION_PATCH` of the header it was built with.
///
/// \return a static NUL-terminated string. Ownership: borrowed, valid for the life of the
/// process; never free it.
/// Thread safety: safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn tx_version() -> *const c_char {
    ffi_boundary!(value c"".as_ptr(), {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast::<c_char>()
    })
}
