//! What the evaluation tests share: the committed reference scores and
//! `../shared`, which tests skip without.

use std::path::Path;

use serde_json::Value;

/// `tests/fixtures/<name>`, recorded by `scripts/make_eval_fixtures.py`.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

pub use precis_testdata::shared;
