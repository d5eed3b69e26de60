//! Inputs the fuzz targets (fuzz/) crashed on, minimized and committed
//! under tests/fuzz_regressions/: each must now fail with an error.

use std::path::Path;

use precis_infer::tokenize::TextTokenizer;
use precis_infer::InferError;

#[test]
fn tokenizer_with_a_json_error_inside_decoder_is_an_error() {
    // The `tokenizer` target: tokenizers 0.23.2 panicked in
    // decoders/mod.rs (`expect("Helper")`) on `"use_regex": urue`.
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions/tokenizer-bad-decoder.json");
    std::fs::copy(input, dir.path().join("tokenizer.json")).unwrap();
    match TextTokenizer::from_dir(dir.path(), 0) {
        Err(InferError::BadConfig { detail, .. }) => {
            assert!(
                detail.contains("download the model's tokenizer.json again"),
                "{detail}"
            )
        }
        other => panic!("expected BadConfig, got {other:?}"),
    }
}
