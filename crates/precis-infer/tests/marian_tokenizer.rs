//! precis's Marian tokenizer (SentencePiece protobuf read in Rust, ids from
//! vocab.json) against transformers' `MarianTokenizer` on the tiny opus-mt
//! style folder: accents, Cyrillic, digits, punctuation, unknown characters,
//! odd whitespace, a `>>lang<<` prefix; and on FLORES sentences when
//! ../shared has them.

#[path = "t5_support/mod.rs"]
mod t5_support;

use precis_infer::tokenize::MarianTokenizer;
use serde::Deserialize;
use t5_support::fixture_dir;

#[derive(Deserialize)]
struct Expected {
    marian_tokenizer: Vec<Case>,
    flores_ids: Vec<FloresCase>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    decoded: String,
}

#[derive(Deserialize)]
struct FloresCase {
    line: usize,
    ids: Vec<u32>,
}

fn expected(name: &str) -> Expected {
    let path = fixture_dir(name).join("expected.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// marian-sep-tiny has separate vocabularies: source ids from vocab.json,
/// decoding through target_vocab.json, as transformers does with
/// `separate_vocabs=True`.
#[test]
fn encodes_and_decodes_like_transformers() {
    for name in ["marian-tiny", "marian-sep-tiny"] {
        let tokenizer = MarianTokenizer::from_dir(&fixture_dir(name)).unwrap();
        let cases = expected(name).marian_tokenizer;
        assert!(cases.len() >= 15, "{name}");
        for case in cases {
            assert_eq!(
                tokenizer.encode(&case.text).unwrap(),
                case.ids,
                "{name}: {:?}",
                case.text
            );
            assert_eq!(
                tokenizer.decode(&case.ids),
                case.decoded,
                "{name}: {:?}",
                case.text
            );
        }
    }
}

#[test]
fn separate_vocabularies_need_target_vocab_json() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = fixture_dir("marian-sep-tiny");
    for file in ["source.spm", "vocab.json", "tokenizer_config.json"] {
        std::fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
    }
    let err = MarianTokenizer::from_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no target_vocab.json"), "{err}");
}

#[test]
fn flores_sentences_encode_like_transformers() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval/flores200-devtest/eng.devtest");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture_dir("marian-tiny").join("source.spm"),
        dir.path().join("source.spm"),
    )
    .unwrap();
    let err = MarianTokenizer::from_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("vocab.json"), "{err}");
}
