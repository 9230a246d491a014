//! Strings and bytes across the boundary: reading caller text and bytes, handing out owned text
//! and bytes, the version.

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

/// Reads a `(ptr, len)` byte buffer: `Ok(None)` for NULL with `len == 0` (nothing given), a
/// null-argument failure for NULL with `len > 0`.
///
/// # Safety
/// A non-NULL `p` must be valid for reads of `len` bytes that stay unchanged for `'a`.
pub(crate) unsafe fn read_bytes<'a>(
    p: *const u8,
    len: usize,
    param: &str,
) -> Result<Option<&'a [u8]>, Failure> {
    if p.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Failure::new(
                tx_status::NullArgument,
                format!("argument `{param}` is NULL but `{param}_len` is {len}"),
            ))
        };
    }
    if isize::try_from(len).is_err() {
        return Err(Failure::invalid(
            &format!("{param}_len"),
            format!("{len} bytes is more than any buffer can hold"),
        ));
    }
    // SAFETY: non-NULL, valid for `len` bytes (the caller's contract), `len <= isize::MAX`.
    Ok(Some(unsafe { std::slice::from_raw_parts(p, len) }))
}

/// An owned byte buffer handed out by the library (e.g. an exported CSV file).
///
/// Ownership: the caller owns `data` and must release it with `tx_bytes_free(data, len)` —
/// never `free()`. An empty buffer is `{NULL, 0}`. The bytes are not NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tx_bytes {
    /// The first byte, or NULL when `len` is 0.
    pub data: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

impl tx_bytes {
    /// Hands `bytes` over as a boxed slice (`into_boxed_slice`, so capacity == length).
    pub(crate) fn from_vec(bytes: Vec<u8>) -> tx_bytes {
        if bytes.is_empty() {
            return tx_bytes {
                data: std::ptr::null_mut(),
                len: 0,
            };
        }
        let len = bytes.len();
        let data = Box::into_raw(bytes.into_boxed_slice()).cast::<u8>();
        tx_bytes { data, len }
    }
}

/// Releases a byte buffer this library handed out (a `tx_bytes`).
///
/// \param data the buffer's `data`, or NULL (a no-op).
/// \param len  the buffer's `len`, exactly as handed out.
///
/// Ownership: takes back ownership of `data`; it must not be used afterwards. Never pass such a
/// buffer to `free()`, and never pass this function memory the library did not hand out, a
/// buffer twice, or another length.
/// Thread safety: any thread may free a buffer, whichever thread received it.
///
/// # Safety
/// `data` must be NULL or the `data` of a `tx_bytes` from this library, not yet freed, with
/// its `len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_bytes_free(data: *mut u8, len: usize) {
    ffi_boundary!(value(), {
        if !data.is_null() && len > 0 {
            // SAFETY: `data` and `len` came from `tx_bytes::from_vec`, i.e. from
            // `Box::into_raw` of a boxed slice of exactly `len` bytes (caller's promise).
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(data, len)) });
        }
    })
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
