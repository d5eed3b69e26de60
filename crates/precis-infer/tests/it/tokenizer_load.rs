//! Damaged `tokenizer.json` files are refused when they are loaded, with
//! the file, the token and the fix named, instead of panicking inside
//! tokenizers on the first encode; and a tokenizer is checked against the
//! model's vocabulary size.

use std::str::FromStr;

use precis_infer::tokenize::TextTokenizer;
use precis_infer::InferError;
use serde_json::{json, Value};

use crate::support::fixture_dir;

/// A word-level tokenizer of four words with `post_processor`.
fn tokenizer_json(post_processor: Value) -> Value {
    json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": null,
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": post_processor,
        "decoder": null,
        "model": {
            "type": "WordLevel",
            "vocab": {"<unk>": 0, "</s>": 1, "ferry": 2, "river": 3},
            "unk_token": "<unk>"
        }
    })
}

/// T5's template: the input, then `</s>`, whose definition is `special`.
fn template(single: Value, special: Value) -> Value {
    json!({
        "type": "TemplateProcessing",
        "single": single,
        "pair": [
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": "</s>", "type_id": 0}},
            {"Sequence": {"id": "B", "type_id": 0}},
            {"SpecialToken": {"id": "</s>", "type_id": 0}}
        ],
        "special_tokens": special
    })
}

fn a_then_eos() -> Value {
    json!([
        {"Sequence": {"id": "A", "type_id": 0}},
        {"SpecialToken": {"id": "</s>", "type_id": 0}}
    ])
}

fn eos_as(ids: Value) -> Value {
    json!({"</s>": {"id": "</s>", "ids": ids, "tokens": ["</s>"]}})
}

/// Loads `tokenizer` from a folder of its own; the error's text on failure.
fn load(tokenizer: &Value) -> Result<TextTokenizer, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokenizer.json");
    std::fs::write(&path, tokenizer.to_string()).unwrap();
    TextTokenizer::from_dir(dir.path(), 0).map_err(|err| {
        assert!(
            matches!(&err, InferError::BadConfig { path: p, .. } if *p == path),
            "{err:?}"
        );
        err.to_string()
    })
}

fn refused(tokenizer: &Value) -> String {
    match load(tokenizer) {
        Ok(_) => panic!("loaded: {tokenizer}"),
        Err(message) => {
            assert!(
                message.ends_with(
                    "; the file is damaged or was edited by hand: download the model's tokenizer.json again"
                ),
                "{message}"
            );
            message
        }
    }
}

#[test]
fn a_sound_template_appends_its_special_token() {
    let tokenizer = load(&tokenizer_json(template(a_then_eos(), eos_as(json!([1]))))).unwrap();
    assert_eq!(tokenizer.encode("river ferry").unwrap(), [3, 2, 1]);
}

#[test]
fn template_naming_an_undefined_special_token_is_refused() {
    let message = refused(&tokenizer_json(template(a_then_eos(), json!({}))));
    assert!(
        message.contains("the post_processor's `single` template names the special token `</s>`, which its `special_tokens` map does not define"),
        "{message}"
    );
}

#[test]
fn single_template_using_the_second_sequence_is_refused() {
    let single = json!([
        {"Sequence": {"id": "B", "type_id": 0}},
        {"SpecialToken": {"id": "</s>", "type_id": 0}}
    ]);
    let message = refused(&tokenizer_json(template(single, eos_as(json!([1])))));
    assert!(
        message.contains("uses the second sequence `$B`"),
        "{message}"
    );
}

#[test]
fn special_token_ids_outside_the_vocabulary_are_refused() {
    let message = refused(&tokenizer_json(template(a_then_eos(), eos_as(json!([99])))));
    assert!(
        message.contains(
            "gives the special token `</s>` the id 99, which is not in the vocabulary of 4 tokens"
        ),
        "{message}"
    );
    let bert = json!({"type": "BertProcessing", "sep": ["</s>", 1], "cls": ["<cls>", 7]});
    let message = refused(&tokenizer_json(bert));
    assert!(
        message.contains("the special token `<cls>` the id 7"),
        "{message}"
    );
}

#[test]
fn a_bad_template_inside_a_sequence_is_refused() {
    let sequence = json!({
        "type": "Sequence",
        "processors": [{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}, template(a_then_eos(), json!({}))]
    });
    let message = refused(&tokenizer_json(sequence));
    assert!(message.contains("`</s>`"), "{message}");
}

/// Why the checks exist: tokenizers itself loads these files and panics
/// on encode. When an upgrade stops panicking, the checks may go.
#[test]
fn tokenizers_still_panics_on_the_files_refused() {
    let undefined = tokenizer_json(template(a_then_eos(), json!({})));
    let second_sequence = tokenizer_json(template(
        json!([{"Sequence": {"id": "B", "type_id": 0}}]),
        eos_as(json!([1])),
    ));
    for file in [undefined, second_sequence] {
        let tokenizer = tokenizers::Tokenizer::from_str(&file.to_string()).unwrap();
        // (The panic's message on stderr is expected.)
        let encoded = std::panic::catch_unwind(|| tokenizer.encode("river", true));
        assert!(encoded.is_err(), "tokenizers no longer panics on {file}");
    }
}

#[test]
fn tokenizer_with_ids_past_the_model_embeddings_is_refused() {
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0).unwrap();
    let err = tokenizer.fit_model(100).unwrap_err();
    assert!(
        matches!(&err, InferError::BadConfig { path, .. } if path.ends_with("t5-tiny/tokenizer.json")),
        "{err:?}"
    );
    assert!(
        err.to_string().ends_with("the tokenizer has token ids up to 159 but the model has only 100 embeddings (vocab_size in config.json): the tokenizer belongs to another model; use the model's own"),
        "{err}"
    );
    // config.json's 256 rows leave room (T5 pads its embedding table).
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0)
        .unwrap()
        .fit_model(256)
        .unwrap();
    assert_eq!(tokenizer.encode("the").unwrap().last(), Some(&1));
}

#[test]
fn special_token_past_the_embeddings_is_refused_in_the_text() {
    // bart-large-cnn's quirk on the tiny BART: `<mask>` (id 419) one past
    // a 419-row table loads, but text that spells it cannot be encoded.
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("bart-tiny"), 1)
        .unwrap()
        .fit_model(419)
        .unwrap();
    assert!(tokenizer.encode("the river").is_ok());
    let err = tokenizer.encode("the <mask> river").unwrap_err();
    assert_eq!(
        err.to_string(),
        "tokenizer: the text contains `<mask>`, a special token this model has no embedding for; remove it from the input"
    );
    assert!(TextTokenizer::from_dir(&fixture_dir("bart-tiny"), 1)
        .unwrap()
        .fit_model(400)
        .is_err());
}
