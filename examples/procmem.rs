//! Memory figures of the running process from `/proc/self/status` (Linux), shared by the
//! benchmark binaries.

/// A `/proc/self/status` figure such as `VmRSS:` or `VmHWM:` (peak), in bytes; `None` where
/// the file or the key is missing.
pub fn status(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb * 1024)
}

/// Resets the peak (`VmHWM:`) to the present resident size through `/proc/self/clear_refs`;
/// whether the kernel allowed it. (Not every benchmark that includes this module uses it.)
#[allow(dead_code)]
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
