//! Loading the bundled dataset (shared by `seed-demo` and `web-expect`): one JSON command per
//! line, applied as one atomic batch with the dataset's meta.

use chrono::NaiveDate;
use std::path::Path;
use tongxin::prelude::*;

/// Reads the dataset and applies it as one atomic batch; errors name the file and line.
pub fn load(path: &Path) -> Result<Registry, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut commands = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: Command =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
        commands.push((i + 1, c));
    }
    let lines: Vec<usize> = commands.iter().map(|(l, _)| *l).collect();
    let meta = Meta {
        at: NaiveDate::from_ymd_opt(2025, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default(),
        actor: "seed-dataset".into(),
    };
    let mut reg = Registry::new();
    reg.apply_batch(&meta, commands.into_iter().map(|(_, c)| c))
        .map_err(|(i, e)| {
            format!(
                "{}:{}: {e} [{}]",
                path.display(),
                lines.get(i).copied().unwrap_or(0),
                e.code()
            )
        })?;
    Ok(reg)
}
