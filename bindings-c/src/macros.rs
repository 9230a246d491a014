//! The panic boundary and the argument-checking macros every export uses.
//!
//! The policy is written once here: a panic becomes `TX_STATUS_PANIC` (or a documented default
//! for functions that return no status), a NULL pointer becomes `TX_STATUS_NULL_ARGUMENT`, text
//! that is not UTF-8 becomes `TX_STATUS_INVALID_UTF8`.

/// Runs an exported function's body inside `catch_unwind`.
///
/// - `ffi_boundary!(status { … })`: the body evaluates to `Result<(), Failure>`; the function
///   returns a `tx_status`. The thread's last error is cleared on entry and set on failure.
/// - `ffi_boundary!(status_keep_error { … })`: the same, but the last error is neither cleared
///   nor set (for the functions that read it).
/// - `ffi_boundary!(value DEFAULT, { … })`: the body evaluates to the return value; a panic
///   records a message and returns `DEFAULT`.
macro_rules! ffi_boundary {
    (status $body:block) => {
        $crate::error::run_status(
            move || -> ::core::result::Result<(), $crate::error::Failure> { $body },
        )
    };
    (status_keep_error $body:block) => {
        $crate::error::run_status_keep_error(
            move || -> ::core::result::Result<(), $crate::error::Failure> { $body },
        )
    };
    (value $default:expr, $body:block) => {
        $crate::error::run_value($default, move || $body)
    };
}

/// Borrows `*const tx_registry` (or any `*const T`) as `&T`, or returns a null-argument failure
/// naming the parameter.
macro_rules! try_ref {
    ($p:ident) => {
        // SAFETY: the caller promises a non-NULL pointer is valid for the call (documented
        // on every function); NULL is checked here.
        match unsafe { $p.as_ref() } {
            Some(r) => r,
            None => return Err($crate::error::Failure::null(stringify!($p))),
        }
    };
}

/// Borrows `*mut T` as `&mut T`, or returns a null-argument failure naming the parameter.
macro_rules! try_mut {
    ($p:ident) => {
        // SAFETY: as for `try_ref!`, and the caller promises no other thread uses the handle.
        match unsafe { $p.as_mut() } {
            Some(r) => r,
            None => return Err($crate::error::Failure::null(stringify!($p))),
        }
    };
}

/// Reads a NUL-terminated UTF-8 `const char*` as `&str`; NULL or invalid UTF-8 fail, naming
/// the parameter.
macro_rules! try_str {
    ($p:ident) => {
        // SAFETY: the caller promises a non-NULL pointer points to a NUL-terminated string
        // valid for the call.
        match unsafe { $crate::strings::read_str($p, stringify!($p)) } {
            Ok(Some(s)) => s,
            Ok(None) => return Err($crate::error::Failure::null(stringify!($p))),
            Err(f) => return Err(f),
        }
    };
}

/// Like `try_str!` for a parameter that may be NULL: gives `Option<&str>`.
macro_rules! try_opt_str {
    ($p:ident) => {
        // SAFETY: as for `try_str!`.
        match unsafe { $crate::strings::read_str($p, stringify!($p)) } {
            Ok(s) => s,
            Err(f) => return Err(f),
        }
    };
}

/// Checks an out-parameter for NULL and wraps it so it can be written once, on success.
macro_rules! try_out {
    ($p:ident) => {
        // SAFETY: the caller promises a non-NULL out-pointer is valid for writes of its type.
        match unsafe { $crate::error::Out::new($p) } {
            Some(o) => o,
            None => return Err($crate::error::Failure::null(stringify!($p))),
        }
    };
}

/// Reads a `(const uint8_t*, size_t)` pair as `Option<&[u8]>`: `None` for NULL with length 0,
/// a null-argument failure for NULL with a length.
macro_rules! try_bytes {
    ($p:ident, $len:ident) => {
        // SAFETY: the caller promises a non-NULL pointer is valid for reads of `$len` bytes
        // for the call.
        match unsafe { $crate::strings::read_bytes($p, $len, stringify!($p)) } {
            Ok(b) => b,
            Err(f) => return Err(f),
        }
    };
}

/// Like `try_out!` for an out-parameter that may be NULL: gives `Option<Out<T>>`.
macro_rules! opt_out {
    ($p:ident) => {
        // SAFETY: the caller promises a non-NULL out-pointer is valid for writes of its type.
        unsafe { $crate::error::Out::new($p) }
    };
}
