//! Inputs the fuzz targets (fuzz/) crashed on, minimized and committed
//! under tests/fuzz_regressions/: each must now fail with an error.

use std::path::Path;

use precis_infer::tokenize::{MarianTokenizer, TextTokenizer};
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

#[test]
fn sentencepiece_model_with_a_damaged_charsmap_is_refused_at_load() {
    // The `marian_spm` target: a changed unit of the normalization trie
    // sent spm_precompiled 0.1.4 past the end of its array (index 1478924
    // of 256) while encoding, a panic, not an error.
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/marian-tiny");
    std::fs::copy(fixture.join("vocab.json"), dir.path().join("vocab.json")).unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions/marian-spm-damaged-charsmap.spm");
    std::fs::copy(input, dir.path().join("source.spm")).unwrap();
    match MarianTokenizer::from_dir(dir.path()) {
        Err(InferError::BadConfig { detail, .. }) => {
            assert!(
                detail.contains("normalization table is damaged"),
                "{detail}"
            )
        }
        Err(other) => panic!("expected BadConfig, got {other}"),
        Ok(_) => panic!("a damaged charsmap loaded"),
    }
    // The intact fixture still loads and encodes.
    let tokenizer = MarianTokenizer::from_dir(&fixture).unwrap();
    assert!(
        tokenizer
            .encode("A ferry crossed the river.")
            .unwrap()
            .len()
            > 1
    );
}
