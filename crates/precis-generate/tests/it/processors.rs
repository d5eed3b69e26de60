//! The logits processors against Hugging Face's own LogitsProcessor classes:
//! `tests/fixtures/generation/processors.json` holds a random score matrix,
//! token histories and what each HF class (and each processor list that
//! `generate` builds) made of them; recorded by
//! `scripts/make_generation_fixtures.py`.

use precis_generate::processors::{
    log_softmax_in_place, BadWords, ForcedBos, ForcedEos, LogitsProcessor, LogitsProcessorList,
    MinLength, MinNewTokens, NoRepeatNGram, RepetitionPenalty, Temperature, TopK, TopP,
};
use precis_generate::{GenerationConfig, GenerationOverrides};
use serde_json::Value;

use crate::support::{fixture_json, floats};

fn fixture() -> Value {
    fixture_json("generation/processors.json")
}

fn ids(value: &Value) -> Vec<Vec<u32>> {
    serde_json::from_value(value.clone()).expect("token id rows")
}

fn eos(params: &Value) -> Vec<u32> {
    serde_json::from_value(params["eos_token_id"].clone()).expect("eos ids")
}

fn usize_param(params: &Value, key: &str) -> usize {
    params[key].as_u64().expect("integer parameter") as usize
}

fn build(kind: &str, params: &Value) -> Option<Box<dyn LogitsProcessor>> {
    let float = |key: &str| params[key].as_f64().expect("float parameter");
    Some(match kind {
        "repetition_penalty" => Box::new(RepetitionPenalty {
            penalty: float("penalty") as f32,
        }),
        "no_repeat_ngram" => Box::new(NoRepeatNGram {
            size: usize_param(params, "size"),
        }),
        "bad_words" => {
            let words: Vec<Vec<u32>> =
                serde_json::from_value(params["bad_words_ids"].clone()).unwrap();
            Box::new(BadWords::new(&words, &eos(params)))
        }
        "min_length" => Box::new(MinLength {
            min_length: usize_param(params, "min_length"),
            eos: eos(params),
        }),
        "min_new_tokens" => Box::new(MinNewTokens {
            prompt_length: usize_param(params, "prompt_length"),
            min_new_tokens: usize_param(params, "min_new_tokens"),
            eos: eos(params),
        }),
        "forced_bos" => Box::new(ForcedBos {
            token: usize_param(params, "token_id") as u32,
        }),
        "forced_eos" => Box::new(ForcedEos {
            max_length: usize_param(params, "max_length"),
            eos: eos(params),
        }),
        "temperature" => Box::new(Temperature {
            temperature: float("temperature") as f32,
        }),
        "top_k" => Box::new(TopK {
            top_k: usize_param(params, "top_k"),
            min_tokens_to_keep: usize_param(params, "min_tokens_to_keep"),
        }),
        "top_p" => Box::new(TopP {
            top_p: float("top_p"),
            min_tokens_to_keep: usize_param(params, "min_tokens_to_keep"),
        }),
        "log_softmax" => return None,
        other => panic!("fixture names an unknown processor `{other}`"),
    })
}

/// Equal, both -inf, or (for computed log-probabilities) within `tolerance`.
fn assert_scores(case: &str, got: &[f32], expected: &[f32], tolerance: f32) {
    assert_eq!(got.len(), expected.len(), "{case}: length");
    for (i, (&g, &e)) in got.iter().zip(expected).enumerate() {
        let same = if e.is_infinite() {
            g == e
        } else {
            (g - e).abs() <= tolerance
        };
        assert!(same, "{case}: score {i} is {g}, HF has {e}");
    }
}

#[test]
fn each_processor_matches_its_hf_class() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "fixture lost cases");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input_ids = ids(&case["input_ids"]);
        let mut scores = floats(&case["scores"]);
        let expected = floats(&case["expected"]);
        let vocab = scores.len() / input_ids.len();
        let processor = build(case["processor"].as_str().unwrap(), &case["params"]);
        for (row, row_scores) in input_ids.iter().zip(scores.chunks_exact_mut(vocab)) {
            match &processor {
                Some(processor) => processor.process(row, row_scores),
                None => log_softmax_in_place(row_scores),
            }
        }
        // torch's vectorised exp/log differ from ours in the last bit;
        // everything else is the same f32 arithmetic and must be exact.
        let tolerance = if processor.is_none() { 2e-6 } else { 0.0 };
        assert_scores(name, &scores, &expected, tolerance);
    }
}

#[test]
fn processor_lists_match_hf_order_and_output() {
    let fixture = fixture();
    for case in fixture["lists"].as_array().unwrap() {
        let overrides = GenerationOverrides::from_json(&case["config"]).unwrap();
        let config = GenerationConfig::default().with(&overrides);
        let eos = config.eos_token_id.clone().unwrap();
        let list = LogitsProcessorList::from_config(&config, &eos, config.max_length.unwrap_or(20));
        let expected_names: Vec<&str> = case["processors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(list.names(), expected_names, "order for {}", case["config"]);

        let input_ids = ids(&case["input_ids"]);
        let mut scores = floats(&case["scores"]);
        let vocab = scores.len() / input_ids.len();
        for (row, row_scores) in input_ids.iter().zip(scores.chunks_exact_mut(vocab)) {
            list.process(row, row_scores);
        }
        assert_scores(
            &case["config"].to_string(),
            &scores,
            &floats(&case["expected"]),
            0.0,
        );
    }
}

#[test]
fn fixture_cases_are_not_trivial() {
    // Guards the fixture itself: a processor that changed nothing would make
    // its comparison meaningless.
    let fixture = fixture();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let unchanged = floats(&case["scores"]) == floats(&case["expected"]);
        let may_be_identity = [
            "forced_bos_later",
            "min_length_7",
            "min_new_tokens_6",
            "forced_eos_max_9",
            "top_k_50_keep_1",
        ];
        assert_eq!(
            unchanged,
            may_be_identity.contains(&name),
            "{name}: unchanged = {unchanged}"
        );
    }
}
