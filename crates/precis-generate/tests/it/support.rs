//! What the tests share: the committed fixtures (what Hugging Face
//! transformers recorded, see scripts/make_generation_fixtures.py) and the
//! data outside the repository (`../shared`) that tests skip without.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `tests/fixtures/<relative>`, parsed; a panic that names the file otherwise.
pub fn fixture_json<T: DeserializeOwned>(relative: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub use precis_testdata::shared;

/// A JSON number list, with "inf"/"-inf" strings for infinities.
pub fn floats(value: &Value) -> Vec<f32> {
    let float = |v: &Value| match v.as_str() {
        Some("-inf") => f32::NEG_INFINITY,
        Some("inf") => f32::INFINITY,
        _ => v.as_f64().expect("number") as f32,
    };
    value
        .as_array()
        .expect("number list")
        .iter()
        .map(float)
        .collect()
}
