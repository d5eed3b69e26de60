//! The BART byte-level BPE tokenizer against transformers on the tiny
//! BART (recorded by scripts/make_fixtures_seq2seq.py), id for id, from
//! tokenizer.json and from vocab.json + merges.txt.

use precis_infer::tokenize::TextTokenizer;

use crate::support::{assert_tokenizes_like_transformers, expected, fixture_dir, fixture_files};

#[test]
fn bart_tokenizer_matches_transformers() {
    let dir = fixture_dir("bart-tiny");
    let tokenizer = TextTokenizer::from_dir(&dir, 1).unwrap();
    let cases = expected("bart-tiny").tokenizer;
    assert!(cases.len() > 10);
    assert_tokenizes_like_transformers("bart-tiny", &tokenizer, &cases);
}

/// Checkpoints without tokenizer.json: the BPE built from vocab.json +
/// merges.txt gives transformers' ids and text.
#[test]
fn bart_tokenizer_from_vocab_and_merges_matches_transformers() {
    let dir = fixture_files(
        "bart-tiny",
        &["vocab.json", "merges.txt", "tokenizer_config.json"],
    );
    let tokenizer = TextTokenizer::from_dir(dir.path(), 1).unwrap();
    let cases = expected("bart-tiny").tokenizer;
    assert_tokenizes_like_transformers("bart-tiny", &tokenizer, &cases);
}
