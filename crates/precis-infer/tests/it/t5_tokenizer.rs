//! Tokenizer and config parity with transformers: the tiny models'
//! tokenizer always, the real t5-small tokenizer and config when
//! `../shared/tokenizers/t5-small` is present.

use precis_infer::generate::{EarlyStopping, GenerationConfig};
use precis_infer::models::t5::Config;
use precis_infer::tokenize::TextTokenizer;

use crate::support::{
    assert_tokenizes_like_transformers, expected, fixture_dir, fixture_json, shared, TokenizerCase,
};

#[test]
fn tiny_tokenizer_encodes_and_decodes_like_transformers() {
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0).unwrap();
    let cases = expected("t5-tiny").tokenizer;
    assert!(
        cases
            .iter()
            .any(|c| c.decoded_raw.as_ref() != Some(&c.decoded)),
        "no case exercises the space clean-up"
    );
    assert_tokenizes_like_transformers("t5-tiny", &tokenizer, &cases);
}

#[test]
fn padding_is_on_the_right_with_a_mask() {
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0).unwrap();
    let batch = tokenizer.pad(&[vec![5, 6, 1], vec![7, 1]]);
    assert_eq!((batch.rows(), batch.width()), (2, 3));
    assert_eq!(batch.input_ids(), [5, 6, 1, 7, 1, 0]);
    assert_eq!(batch.attention_mask(), [1, 1, 1, 1, 1, 0]);
    assert_eq!(batch.tokens(1), [7, 1]);
}

#[test]
fn missing_tokenizer_names_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let err = TextTokenizer::from_dir(dir.path(), 0)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tokenizer.json") && err.contains("save_pretrained"),
        "{err}"
    );
}

#[test]
fn real_t5_small_tokenizer_round_trips_like_transformers() {
    let Some(dir) = shared("tokenizers/t5-small") else {
        return;
    };
    let tokenizer = TextTokenizer::from_dir(&dir, 0).unwrap();
    let cases: Vec<TokenizerCase> = fixture_json("t5-small-tokenizer.json");
    assert!(!cases.is_empty());
    assert_tokenizes_like_transformers("t5-small", &tokenizer, &cases);
}

#[test]
fn real_t5_small_config_and_task_params_parse() {
    let Some(dir) = shared("tokenizers/t5-small") else {
        return;
    };
    let config = Config::load(&dir.join("config.json")).unwrap();
    assert_eq!(
        (config.d_model, config.num_layers, config.num_heads),
        (512, 6, 8)
    );
    let special = config.special_tokens();
    assert_eq!(
        (special.pad, special.eos.clone(), special.decoder_start),
        (0, vec![1], 0)
    );
    let tokenizer = TextTokenizer::from_dir(&dir, special.pad).unwrap();
    assert!(tokenizer.vocab_size() <= config.vocab_size);

    let summarize = GenerationConfig::from_model_dir(&dir, Some("summarization")).unwrap();
    assert_eq!(summarize.prefix.as_deref(), Some("summarize: "));
    let g = &summarize.generation;
    assert_eq!(
        (
            g.num_beams,
            g.min_length,
            g.max_length,
            g.no_repeat_ngram_size
        ),
        (4, 30, Some(200), 3)
    );
    assert_eq!(
        (g.length_penalty, g.early_stopping),
        (2.0, EarlyStopping::Enabled)
    );
    let german = GenerationConfig::from_model_dir(&dir, Some("translation_en_to_de")).unwrap();
    assert_eq!(
        german.prefix.as_deref(),
        Some("translate English to German: ")
    );
}
