//! The Summarizer end to end on the tiny T5: parity of its output with HF,
//! chunking of long inputs, requested truncation, and load errors that name
//! the problem and the fix.

use precis_infer::generate::GenerationOverrides;
use precis_infer::quantize::Precision;
use precis_infer::summarizer::BUDGET_CALLS;
use precis_infer::tokenize::TextTokenizer;
use precis_infer::{Family, InferError, Seq2SeqOptions, Seq2SeqSummarizer};

use crate::support::{expected, fixture_copy, fixture_dir, load_summarizer};

fn tiny(options: &Seq2SeqOptions) -> Seq2SeqSummarizer {
    load_summarizer(&fixture_dir("t5-tiny"), options).unwrap()
}

/// Sentences written for this test, long enough together to need chunks.
fn long_article() -> String {
    let topics = [
        "library", "bridge", "market", "school", "river", "harbour", "bakery", "museum",
    ];
    let paragraphs: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            format!(
                "The {topic} of Arnwick reopened on day {i}. Volunteers painted the walls of the {topic} again. \
                 Farmers from the valley visited the {topic} after the rain. The mayor thanked everyone at the {topic}."
            )
        })
        .collect();
    paragraphs.join("\n\n")
}

#[test]
fn summaries_are_hf_generate_outputs_decoded() {
    let summarizer = tiny(&Seq2SeqOptions::default());
    let want = expected("t5-tiny");
    let case = want.case("task_summarization");
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0).unwrap();
    // The case's inputs are the first tokenizer texts, "summarize: " included;
    // the summarizer adds that prefix itself (task_specific_params).
    let texts: Vec<String> = want.tokenizer[..case.input_ids.len()]
        .iter()
        .map(|c| c.text.strip_prefix("summarize: ").unwrap().to_string())
        .collect();
    let expected: Vec<String> = case
        .output_ids
        .iter()
        .map(|ids| tokenizer.decode(&ids[1..]).unwrap().trim().to_string())
        .collect();
    assert_eq!(summarizer.summarize_batch(&texts).unwrap(), expected);
    let one = summarizer.summarize_text(&texts[0]).unwrap();
    assert_eq!(
        (one.text.as_str(), one.chunks, one.warnings.len()),
        (expected[0].as_str(), 1, 0)
    );
    assert_eq!(one.model.family, Family::T5);
}

#[test]
fn one_token_budget_bounds_every_chunk_and_round_of_an_article() {
    // A config asking for 10⁹ tokens and banning eos until then: only the
    // caps can stop it.
    let window = 150;
    let summarizer = tiny(&Seq2SeqOptions {
        window: Some(window),
        generation: GenerationOverrides {
            max_length: Some(1_000_000_000),
            min_length: Some(1_000_000_000),
            ..GenerationOverrides::default()
        },
        ..Seq2SeqOptions::default()
    });
    assert_eq!(summarizer.token_budget(), window * BUDGET_CALLS);
    let article = vec![long_article(); 8].join("\n\n");
    let chunks = summarizer.chunks(&article).unwrap().len();
    assert!(chunks > BUDGET_CALLS, "{chunks} chunks");
    let summary = summarizer.summarize_text(&article).unwrap();
    assert_eq!(summary.chunks, chunks);
    // Each call writes the window (eos is banned that long), so the budget
    // pays for BUDGET_CALLS chunk summaries and no reduce round.
    assert_eq!(summary.text.split("\n\n").count(), BUDGET_CALLS);
    assert_eq!(
        summary.warnings,
        [
            "the model's settings ask for summaries of up to 999999999 tokens (max_length); they were capped at 150, the model's input window".to_string(),
            format!("the article is too long to summarize whole: the generation budget of 2400 tokens per article covered its first {BUDGET_CALLS} of {chunks} chunks (150 tokens each), and the rest was not summarized"),
            "the generation budget of 2400 tokens per article ran out before the partial summaries were combined; they are returned joined".to_string(),
        ]
    );
}

#[test]
fn a_passed_deadline_stops_the_summarizer() {
    let summarizer = tiny(&Seq2SeqOptions::default());
    let past = Some(std::time::Instant::now());
    assert!(matches!(
        summarizer.summarize_text_until(&long_article(), past),
        Err(InferError::TimedOut)
    ));
}

#[test]
fn long_inputs_are_split_into_overlapping_chunks_that_fit_the_window() {
    // The tiny tokenizer spends ~40 tokens on a sentence: a window of 150
    // holds a few, so chunks can overlap.
    let window = 150;
    let summarizer = tiny(&Seq2SeqOptions {
        window: Some(window),
        ..Seq2SeqOptions::default()
    });
    let tokenizer = TextTokenizer::from_dir(&fixture_dir("t5-tiny"), 0).unwrap();
    let article = long_article();
    let chunks = summarizer.chunks(&article).unwrap();
    assert!(chunks.len() >= 3, "{} chunks", chunks.len());
    for chunk in &chunks {
        let tokens = tokenizer
            .encode(&format!("summarize: {chunk}"))
            .unwrap()
            .len();
        assert!(
            tokens <= window,
            "chunk of {tokens} tokens exceeds the {window}-token window: {chunk:?}"
        );
    }
    for pair in chunks
        .windows(2)
        .filter(|pair| precis_clean::sentences(&pair[0]).len() > 1)
    {
        let last_sentence = precis_clean::sentences(&pair[0]).pop().unwrap();
        assert!(
            pair[1].starts_with(last_sentence),
            "no overlap between {:?} and {:?}",
            pair[0],
            pair[1]
        );
    }
    for sentence in precis_clean::sentences(&article) {
        assert!(
            chunks.iter().any(|c| c.contains(sentence)),
            "lost {sentence:?}"
        );
    }
    let summary = summarizer.summarize_text(&article).unwrap();
    assert_eq!(summary.chunks, chunks.len());
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert!(!summary.text.is_empty());
}

#[test]
fn truncation_happens_only_on_request_and_is_reported() {
    let options = Seq2SeqOptions {
        truncate: true,
        ..Seq2SeqOptions::default()
    };
    let summary = tiny(&options).summarize_text(&long_article()).unwrap();
    assert_eq!(summary.chunks, 1);
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("truncated on request")),
        "{:?}",
        summary.warnings
    );
    let short = tiny(&options).summarize_text("Rain fell all day.").unwrap();
    assert!(
        short.warnings.is_empty(),
        "nothing was cut, so nothing to report"
    );
}

#[test]
fn caller_settings_override_the_model_defaults() {
    let options = Seq2SeqOptions {
        generation: GenerationOverrides {
            num_beams: Some(1),
            max_new_tokens: Some(3),
            ..Default::default()
        },
        ..Seq2SeqOptions::default()
    };
    let summarizer = tiny(&options);
    assert_eq!(summarizer.generation().num_beams, 1);
    assert_eq!(
        summarizer.generation().no_repeat_ngram_size,
        3,
        "task_specific_params still apply"
    );
}

#[test]
fn q8_summarizer_runs() {
    let options = Seq2SeqOptions {
        precision: Precision::Q8,
        ..Seq2SeqOptions::default()
    };
    let summary = tiny(&options).summarize_text("Rain fell all day.").unwrap();
    assert_eq!(summary.chunks, 1);
    // The tiny model's logits are far apart enough that 8-bit weights pick
    // the same greedy tokens as f32: the q8 path really decodes the model.
    let f32 = tiny(&Seq2SeqOptions::default())
        .summarize_text("Rain fell all day.")
        .unwrap();
    assert!(!summary.text.is_empty());
    assert_eq!(summary.text, f32.text);
}

#[test]
fn empty_input_is_an_error() {
    let err = tiny(&Seq2SeqOptions::default())
        .summarize_text(" \n\n ")
        .unwrap_err();
    assert!(matches!(err, InferError::EmptyInput), "{err}");
}

/// Why loading a copy of the tiny model that `breaks` changed fails.
fn load_err(breaks: impl FnOnce(&std::path::Path)) -> String {
    let dir = fixture_copy("t5-tiny");
    breaks(dir.path());
    load_summarizer(dir.path(), &Seq2SeqOptions::default())
        .unwrap_err()
        .to_string()
}

/// Why loading fails once the tiny model's config.json says `to` for `from`.
fn load_err_with_config(from: &str, to: &str) -> String {
    load_err(|dir| {
        let path = dir.join("config.json");
        let config = std::fs::read_to_string(&path).unwrap().replace(from, to);
        std::fs::write(path, config).unwrap();
    })
}

#[test]
fn missing_weights_name_the_file_and_the_fix() {
    let err = load_err(|dir| std::fs::remove_file(dir.join("model.safetensors")).unwrap());
    assert!(
        err.contains("model.safetensors") && err.contains("download"),
        "{err}"
    );
}

#[test]
fn truncated_weights_are_bad_weights_not_a_panic() {
    let err = load_err(|dir| {
        let path = dir.join("model.safetensors");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    });
    assert!(err.contains("corrupt or do not match"), "{err}");
}

#[test]
fn weights_of_another_shape_are_bad_weights() {
    let err = load_err_with_config("\"d_ff\": 64", "\"d_ff\": 96");
    assert!(
        err.contains("corrupt or do not match") && err.contains("shape"),
        "{err}"
    );
}

#[test]
fn a_tokenizer_bigger_than_the_model_is_refused() {
    let err = load_err_with_config("\"vocab_size\": 256", "\"vocab_size\": 100");
    assert!(err.contains("belongs to another model"), "{err}");
}

#[test]
fn sharded_weights_load_like_a_single_file() {
    let dir = fixture_copy("t5-tiny");
    let single = std::fs::read(dir.path().join("model.safetensors")).unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&single).unwrap();
    let mut names: Vec<String> = tensors.names().into_iter().map(str::to_string).collect();
    names.sort();
    let (first, second) = names.split_at(names.len() / 2);
    let mut weight_map = serde_json::Map::new();
    for (shard, part) in [
        ("model-00001-of-00002.safetensors", first),
        ("model-00002-of-00002.safetensors", second),
    ] {
        let views: Vec<(String, safetensors::tensor::TensorView)> = part
            .iter()
            .map(|name| (name.clone(), tensors.tensor(name).unwrap()))
            .collect();
        safetensors::serialize_to_file(views, None, &dir.path().join(shard)).unwrap();
        for name in part {
            weight_map.insert(name.clone(), shard.into());
        }
    }
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let index = serde_json::json!({ "metadata": {}, "weight_map": weight_map });
    std::fs::write(
        dir.path().join("model.safetensors.index.json"),
        index.to_string(),
    )
    .unwrap();

    let text = "Rain fell all day, but the queue at the door grew longer.";
    let sharded = load_summarizer(dir.path(), &Seq2SeqOptions::default()).unwrap();
    let want = tiny(&Seq2SeqOptions::default())
        .summarize_text(text)
        .unwrap()
        .text;
    assert_eq!(sharded.summarize_text(text).unwrap().text, want);
}

#[test]
fn summarizers_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Seq2SeqSummarizer>();
}
