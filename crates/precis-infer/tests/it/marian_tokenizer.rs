//! precis's Marian tokenizer (SentencePiece protobuf read in Rust, ids from
//! vocab.json) against transformers' `MarianTokenizer` on the tiny opus-mt
//! style folder: accents, Cyrillic, digits, punctuation, unknown characters,
//! odd whitespace, a `>>lang<<` prefix; and on FLORES sentences when
//! ../shared has them.

use precis_infer::tokenize::MarianTokenizer;

use crate::support::{
    assert_tokenizes_like_transformers, expected, fixture_dir, fixture_files, shared,
};

/// marian-sep-tiny has separate vocabularies: source ids from vocab.json,
/// decoding through target_vocab.json, as transformers does with
/// `separate_vocabs=True`.
#[test]
fn encodes_and_decodes_like_transformers() {
    for name in ["marian-tiny", "marian-sep-tiny"] {
        let tokenizer = MarianTokenizer::from_dir(&fixture_dir(name)).unwrap();
        let cases = expected(name).marian_tokenizer;
        assert!(cases.len() >= 15, "{name}");
        assert_tokenizes_like_transformers(name, &tokenizer, &cases);
    }
}

#[test]
fn separate_vocabularies_need_target_vocab_json() {
    let dir = fixture_files(
        "marian-sep-tiny",
        &["source.spm", "vocab.json", "tokenizer_config.json"],
    );
    let err = MarianTokenizer::from_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no target_vocab.json"), "{err}");
}

#[test]
fn flores_sentences_encode_like_transformers() {
    let Some(path) = shared("eval/flores200-devtest/eng.devtest") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let tokenizer = MarianTokenizer::from_dir(&fixture_dir("marian-tiny")).unwrap();
    let cases = expected("marian-tiny").flores_ids;
    assert_eq!(cases.len(), 20);
    for case in cases {
        let line = lines[case.line];
        assert_eq!(
            tokenizer.encode(line).unwrap(),
            case.ids,
            "FLORES line {}",
            case.line
        );
    }
}

#[test]
fn missing_vocab_names_the_file() {
    let dir = fixture_files("marian-tiny", &["source.spm"]);
    let err = MarianTokenizer::from_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("vocab.json"), "{err}");
}
