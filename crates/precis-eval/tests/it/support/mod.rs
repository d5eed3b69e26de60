//! What the evaluation tests share: the committed reference scores and
//! `../shared`, which tests skip without.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `tests/fixtures/<name>`, recorded by `scripts/make_eval_fixtures.py`.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// `../shared/<relative>` (the repository's sibling), or `None` with a notice.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} is absent (it is the shared eval data, see ../shared/README.md)",
            path.display()
        );
        None
    }
}
