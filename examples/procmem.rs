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
