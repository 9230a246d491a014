//! Timing shared by the benchmark binaries.

use std::time::{Duration, Instant};

/// The best wall time of `runs` calls of `f` (at least one), and the last call's answer (dropped
/// outside the timed part).
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut last = f();
    let mut best = start.elapsed();
    for _ in 1..runs {
        let start = Instant::now();
        let answer = f();
        best = best.min(start.elapsed());
        last = answer;
    }
    (best, last)
}
