//! Generation settings: HF's defaults, loading from a model's
//! `generation_config.json` / `config.json` with `task_specific_params`,
//! caller overrides on top, and errors that name the bad field.

use std::path::Path;

use precis_generate::{EarlyStopping, GenerateError, GenerationConfig, GenerationOverrides};
use serde_json::json;

use crate::support::shared;

/// A config.json shaped like t5-small's (our own copy of its structure).
fn t5_like_config() -> serde_json::Value {
    json!({
        "model_type": "t5",
        "d_model": 64,
        "decoder_start_token_id": 0,
        "eos_token_id": 1,
        "pad_token_id": 0,
        "task_specific_params": {
            "summarization": {
                "early_stopping": true,
                "length_penalty": 2.0,
                "max_length": 200,
                "min_length": 30,
                "no_repeat_ngram_size": 3,
                "num_beams": 4,
                "prefix": "summarize: "
            },
            "translation_en_to_de": {
                "early_stopping": true,
                "max_length": 300,
                "num_beams": 4,
                "prefix": "translate English to German: "
            }
        }
    })
}

#[test]
fn defaults_are_hf_defaults() {
    let config = GenerationConfig::default();
    assert_eq!(
        config.max_length, None,
        "unset: 20 new tokens, as transformers 5"
    );
    assert_eq!(
        (config.num_beams, config.num_return_sequences, config.top_k),
        (1, 1, 50)
    );
    assert_eq!(
        (
            config.length_penalty,
            config.temperature,
            config.top_p,
            config.repetition_penalty
        ),
        (1.0, 1.0, 1.0, 1.0)
    );
    assert_eq!(config.early_stopping, EarlyStopping::Heuristic);
    assert!(!config.do_sample);
}

#[test]
fn task_specific_params_override_the_model_defaults() {
    let defaults =
        GenerationConfig::from_hf_json(&t5_like_config(), None, Some("summarization")).unwrap();
    let config = &defaults.generation;
    assert_eq!(defaults.prefix.as_deref(), Some("summarize: "));
    assert_eq!(config.num_beams, 4);
    assert_eq!(config.length_penalty, 2.0);
    assert_eq!(config.max_length, Some(200));
    assert_eq!(config.min_length, 30);
    assert_eq!(config.no_repeat_ngram_size, 3);
    assert_eq!(config.early_stopping, EarlyStopping::Enabled);
    assert_eq!(config.eos_token_id, Some(vec![1]));
    assert_eq!(
        (config.decoder_start_token_id, config.pad_token_id),
        (Some(0), Some(0))
    );

    let german =
        GenerationConfig::from_hf_json(&t5_like_config(), None, Some("translation_en_to_de"))
            .unwrap();
    assert_eq!(
        german.prefix.as_deref(),
        Some("translate English to German: ")
    );
    assert_eq!(
        (german.generation.max_length, german.generation.min_length),
        (Some(300), 0)
    );

    let untasked =
        GenerationConfig::from_hf_json(&t5_like_config(), None, Some("question_answering"))
            .unwrap();
    assert_eq!(untasked.prefix, None);
    assert_eq!(untasked.generation.num_beams, 1);
}

#[test]
fn generation_config_json_replaces_config_json_fields() {
    let mut config = t5_like_config();
    config["num_beams"] = json!(6);
    config["max_length"] = json!(64);
    let from_config = GenerationConfig::from_hf_json(&config, None, None).unwrap();
    assert_eq!(
        (
            from_config.generation.num_beams,
            from_config.generation.max_length
        ),
        (6, Some(64))
    );

    // As transformers: with generation_config.json, config.json's own
    // generation fields are not read; task params still are.
    let generation = json!({"decoder_start_token_id": 0, "eos_token_id": [1, 2], "pad_token_id": 0, "max_new_tokens": null});
    let both =
        GenerationConfig::from_hf_json(&config, Some(&generation), Some("summarization")).unwrap();
    assert_eq!(both.generation.eos_token_id, Some(vec![1, 2]));
    assert_eq!(both.generation.max_length, Some(200));
    assert_eq!(both.generation.num_beams, 4);
    let plain = GenerationConfig::from_hf_json(&config, Some(&generation), None).unwrap();
    assert_eq!(
        (plain.generation.num_beams, plain.generation.max_length),
        (1, None)
    );
}

#[test]
fn caller_overrides_win() {
    let defaults =
        GenerationConfig::from_hf_json(&t5_like_config(), None, Some("summarization")).unwrap();
    let overrides = GenerationOverrides {
        num_beams: Some(2),
        max_new_tokens: Some(60),
        early_stopping: Some(EarlyStopping::Never),
        ..Default::default()
    };
    let config = defaults.generation.with(&overrides);
    assert_eq!(
        (
            config.num_beams,
            config.max_new_tokens,
            config.early_stopping
        ),
        (2, Some(60), EarlyStopping::Never)
    );
    assert_eq!(config.min_length, 30, "fields not overridden stay");
}

#[test]
fn overrides_read_catalog_toml() {
    let overrides: GenerationOverrides = toml::from_str(
        "num_beams = 4\nearly_stopping = \"never\"\neos_token_id = [1, 5]\nlength_penalty = 0.8\n",
    )
    .unwrap();
    assert_eq!(overrides.num_beams, Some(4));
    assert_eq!(overrides.early_stopping, Some(EarlyStopping::Never));
    assert_eq!(overrides.eos_token_id, Some(vec![1, 5]));
    assert_eq!(overrides.length_penalty, Some(0.8));
}

#[test]
fn bad_fields_are_named() {
    for (fields, field) in [
        (json!({"num_beams": -2}), "num_beams"),
        (json!({"early_stopping": "sometimes"}), "early_stopping"),
        (json!({"eos_token_id": "</s>"}), "eos_token_id"),
    ] {
        let err = GenerationOverrides::from_json(&fields).unwrap_err();
        assert!(
            err.contains(&format!("`{field}`")),
            "`{err}` should name {field}"
        );
    }
    let mut config = t5_like_config();
    config["task_specific_params"]["summarization"]["num_beams"] = json!("four");
    let err = GenerationConfig::from_hf_json(&config, None, Some("summarization")).unwrap_err();
    assert!(
        err.contains("task_specific_params.summarization") && err.contains("`num_beams`"),
        "{err}"
    );
}

#[test]
fn settings_round_trip_through_json() {
    for early_stopping in [
        EarlyStopping::Enabled,
        EarlyStopping::Heuristic,
        EarlyStopping::Never,
    ] {
        let config = GenerationConfig {
            early_stopping,
            eos_token_id: Some(vec![1, 3]),
            ..Default::default()
        };
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(
            serde_json::from_str::<GenerationConfig>(&text).unwrap(),
            config,
            "{text}"
        );
    }
    let text = serde_json::to_string(&GenerationConfig {
        early_stopping: EarlyStopping::Never,
        ..Default::default()
    })
    .unwrap();
    assert!(text.contains(r#""early_stopping":"never""#), "{text}");
}

#[test]
fn unsupported_hf_settings_are_reported_not_dropped_silently() {
    let generation = json!({"eos_token_id": 1, "typical_p": 0.9, "epsilon_cutoff": 0.0, "suppress_tokens": [3, 4],
        "renormalize_logits": false, "min_p": null, "num_beam_groups": 1});
    let defaults =
        GenerationConfig::from_hf_json(&t5_like_config(), Some(&generation), None).unwrap();
    assert_eq!(
        defaults.ignored,
        vec![
            "typical_p = 0.9".to_string(),
            "suppress_tokens = [3,4]".to_string()
        ]
    );
    let mut config = t5_like_config();
    config["task_specific_params"]["summarization"]["diversity_penalty"] = json!(0.5);
    let defaults = GenerationConfig::from_hf_json(&config, None, Some("summarization")).unwrap();
    assert_eq!(
        defaults.ignored,
        vec!["diversity_penalty = 0.5".to_string()]
    );
    let plain =
        GenerationConfig::from_hf_json(&t5_like_config(), None, Some("summarization")).unwrap();
    assert!(plain.ignored.is_empty(), "{:?}", plain.ignored);
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn model_folders_are_read_and_their_problems_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = GenerationConfig::from_model_dir(dir.path(), None).unwrap_err();
    assert!(
        matches!(err, GenerateError::MissingFile { ref file, .. } if file == "config.json"),
        "{err}"
    );

    write(dir.path(), "config.json", &t5_like_config().to_string());
    write(
        dir.path(),
        "generation_config.json",
        r#"{"eos_token_id": 1, "num_beams": 3}"#,
    );
    let defaults = GenerationConfig::from_model_dir(dir.path(), Some("summarization")).unwrap();
    assert_eq!(
        defaults.generation.num_beams, 4,
        "task params over generation_config.json"
    );
    assert_eq!(defaults.prefix.as_deref(), Some("summarize: "));

    write(dir.path(), "generation_config.json", r#"{"num_beams": 3,"#);
    let err = GenerationConfig::from_model_dir(dir.path(), None).unwrap_err();
    assert!(
        matches!(err, GenerateError::BadConfig { ref path, .. } if path.ends_with("generation_config.json")),
        "{err}"
    );
}

#[test]
fn real_t5_small_summarization_settings() {
    let Some(dir) = shared("tokenizers/t5-small") else {
        return;
    };
    let defaults = GenerationConfig::from_model_dir(&dir, Some("summarization")).unwrap();
    let config = &defaults.generation;
    assert_eq!(defaults.prefix.as_deref(), Some("summarize: "));
    assert_eq!(
        (
            config.num_beams,
            config.length_penalty,
            config.max_length,
            config.min_length,
            config.no_repeat_ngram_size
        ),
        (4, 2.0, Some(200), 30, 3)
    );
    assert_eq!(config.early_stopping, EarlyStopping::Enabled);
    assert_eq!(
        (config.eos_token_id.clone(), config.decoder_start_token_id),
        (Some(vec![1]), Some(0))
    );
}
