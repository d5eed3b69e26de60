//! End-to-end parity of the generation engine with Hugging Face `generate`
//! on the tiny random T5 and flan-T5 models: every `generate` case that
//! scripts/make_fixtures.py recorded (greedy, beam search with length
//! penalty, no_repeat_ngram, min_length, bad words, repetition penalty,
//! several return sequences, padded batches, t5-small's summarization
//! settings) must come out token for token.

mod t5_support;

use precis_infer::generate::{generate, GenerationConfig, GenerationOverrides};
use precis_infer::quantize::Precision;
use t5_support::{batch, expected, fixture_dir, load, MODELS};

#[test]
fn every_recorded_generate_case_matches_transformers_token_for_token() {
    let mut checked = 0;
    for name in MODELS {
        let model = load(name, Precision::F32);
        // HF starts from the model's generation_config.json, then applies
        // the keyword arguments.
        let defaults = GenerationConfig::from_model_dir(&fixture_dir(name), None).unwrap();
        for case in expected(name).generate {
            let kwargs = serde_json::Value::Object(case.kwargs.clone());
            let config = defaults
                .generation
                .clone()
                .with(&GenerationOverrides::from_json(&kwargs).unwrap());
            let generation = generate(
                &model,
                &batch(&case.input_ids),
                &batch(&case.attention_mask),
                &config,
            )
            .unwrap();
            let eos = config.eos_token_id.clone().unwrap_or_else(|| vec![1]);
            let ours: Vec<Vec<u32>> = generation
                .outputs
                .iter()
                .flatten()
                .map(|h| h.tokens.clone())
                .collect();
            let theirs: Vec<Vec<u32>> = case
                .output_ids
                .iter()
                .map(|row| {
                    // HF's rows start with the decoder start token; beam rows
                    // may carry fill ids after the first eos.
                    let mut row = row[1..].to_vec();
                    if let Some(end) = row.iter().position(|t| eos.contains(t)) {
                        row.truncate(end + 1);
                    }
                    row
                })
                .collect();
            assert_eq!(ours, theirs, "{name} {} ({kwargs})", case.name);
            checked += 1;
        }
    }
    assert!(
        checked >= 30,
        "only {checked} generate cases found in the fixtures"
    );
}
