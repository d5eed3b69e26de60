//! The generation engine on a mock model whose next-token logits are sums of
//! rows of small random tables (the same model `scripts/make_generation_fixtures.py`
//! gives to HF): token-for-token parity with HF `generate` for greedy and beam
//! search, plus the engine's own guarantees (batching, one beam, seeded
//! sampling, validation, the length cap).

use std::sync::atomic::{AtomicUsize, Ordering};

use precis_generate::{
    beam_search, generate, generate_until, Batch, GenerateError, Generation, GenerationConfig,
    GenerationOverrides, Seq2SeqModel, SpecialTokens, MAX_LENGTH_LIMIT,
};
use serde_json::{json, Value};

use crate::support::{fixture_json, floats};

fn fixture() -> Value {
    fixture_json("generation/mock_generate.json")
}

/// HF's mock: logits for decoder history `h` of a source with key `s` are
/// `last[h[-1]] + pos[(len(h) - 1) % positions] + source[s]`.
struct Mock {
    special: SpecialTokens,
    last: Vec<f32>,
    pos: Vec<f32>,
    source: Vec<f32>,
    positions: usize,
    sources: usize,
    /// Decoder rows computed so far, to see finished rows leave the batch.
    rows_stepped: AtomicUsize,
}

struct MockState {
    /// Per row: source key and decoder history.
    rows: Vec<(usize, Vec<u32>)>,
}

impl Mock {
    fn from_fixture(fixture: &Value) -> Self {
        let model = &fixture["model"];
        let tables = &fixture["tables"];
        Self {
            special: SpecialTokens {
                pad: model["pad_token_id"].as_u64().unwrap() as u32,
                eos: vec![model["eos_token_id"].as_u64().unwrap() as u32],
                decoder_start: model["decoder_start_token_id"].as_u64().unwrap() as u32,
                vocab_size: fixture["vocab_size"].as_u64().unwrap() as usize,
            },
            last: floats(&tables["last"]),
            pos: floats(&tables["pos"]),
            source: floats(&tables["source"]),
            positions: fixture["positions"].as_u64().unwrap() as usize,
            sources: fixture["sources"].as_u64().unwrap() as usize,
            rows_stepped: AtomicUsize::new(0),
        }
    }

    fn row<'a>(&self, table: &'a [f32], index: usize) -> &'a [f32] {
        let vocab = self.special.vocab_size;
        &table[index * vocab..(index + 1) * vocab]
    }
}

impl Seq2SeqModel for Mock {
    type State = MockState;
    type Error = GenerateError;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    /// The source key of a row is the sum of its tokens.
    fn start(&self, batch: &Batch) -> Result<MockState, GenerateError> {
        Ok(MockState {
            rows: (0..batch.rows())
                .map(|row| {
                    let sum: u32 = batch.tokens(row).iter().sum();
                    (sum as usize % self.sources, Vec::new())
                })
                .collect(),
        })
    }

    fn step(&self, state: &mut MockState, tokens: &[u32]) -> Result<Vec<f32>, GenerateError> {
        assert_eq!(tokens.len(), state.rows.len(), "one token per state row");
        self.rows_stepped.fetch_add(tokens.len(), Ordering::Relaxed);
        let vocab = self.special.vocab_size;
        let mut logits = Vec::with_capacity(tokens.len() * vocab);
        for ((key, history), &token) in state.rows.iter_mut().zip(tokens) {
            history.push(token);
            let position = (history.len() - 1) % self.positions;
            let (last, pos, source) = (
                self.row(&self.last, token as usize),
                self.row(&self.pos, position),
                self.row(&self.source, *key),
            );
            logits.extend((0..vocab).map(|v| last[v] + pos[v] + source[v]));
        }
        Ok(logits)
    }

    fn select_rows(&self, state: &mut MockState, rows: &[u32]) -> Result<(), GenerateError> {
        state.rows = rows
            .iter()
            .map(|&r| state.rows[r as usize].clone())
            .collect();
        Ok(())
    }
}

fn config(overrides: Value) -> GenerationConfig {
    GenerationConfig::default().with(&GenerationOverrides::from_json(&overrides).unwrap())
}

fn run(model: &Mock, rows: &[Vec<u32>], config: &GenerationConfig) -> Generation {
    generate(model, &Batch::pad(rows, 0), config).unwrap()
}

fn sources(fixture: &Value) -> Vec<Vec<u32>> {
    // The fixture's batch, unpadded again.
    let case = &fixture["cases"][0];
    let ids: Vec<Vec<u32>> = serde_json::from_value(case["input_ids"].clone()).unwrap();
    let mask: Vec<Vec<u32>> = serde_json::from_value(case["attention_mask"].clone()).unwrap();
    ids.iter()
        .zip(&mask)
        .map(|(ids, mask)| {
            ids.iter()
                .zip(mask)
                .filter(|(_, &m)| m == 1)
                .map(|(&t, _)| t)
                .collect()
        })
        .collect()
}

#[test]
fn greedy_and_beam_search_match_hf_generate_token_for_token() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 15, "fixture lost cases");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = config(case["kwargs"].clone());
        let ids: Vec<Vec<u32>> = serde_json::from_value(case["input_ids"].clone()).unwrap();
        let mask: Vec<Vec<u32>> = serde_json::from_value(case["attention_mask"].clone()).unwrap();
        let batch = Batch::from_rows(&ids, &mask).unwrap();
        let generation = generate(&model, &batch, &config).unwrap();

        let eos = config.eos_token_id.clone().unwrap_or(vec![1]);
        let hf: Vec<Vec<u32>> = serde_json::from_value(case["sequences"].clone()).unwrap();
        let per_input = config.num_return_sequences;
        let ours: Vec<_> = generation.outputs.iter().flatten().collect();
        assert_eq!(ours.len(), hf.len(), "{name}: number of sequences");
        for (i, (ours, hf_row)) in ours.iter().zip(&hf).enumerate() {
            // HF rows start with the decoder start token and are padded
            // after the first eos (greedy: pad id; beam search: pad id, or
            // eos[0] when the pad id is 0).
            let mut expected = hf_row[1..].to_vec();
            if let Some(end) = expected.iter().position(|t| eos.contains(t)) {
                expected.truncate(end + 1);
            }
            let at = format!("{name}: input {} sequence {}", i / per_input, i % per_input);
            assert_eq!(ours.tokens, expected, "{at}");
            assert_eq!(
                ours.finished,
                expected.last().is_some_and(|t| eos.contains(t)),
                "{at}: finished"
            );
            if let Some(scores) = case.get("sequences_scores") {
                let hf_score = floats(scores)[i];
                assert!(
                    (ours.score - hf_score).abs() <= 1e-5 * hf_score.abs().max(1.0),
                    "{at}: score {} vs HF {hf_score}",
                    ours.score
                );
            }
        }
    }
}

#[test]
fn batched_generation_equals_one_by_one() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let rows = sources(&fixture);
    let settings = [
        json!({"max_new_tokens": 12, "no_repeat_ngram_size": 2}),
        json!({"num_beams": 4, "num_return_sequences": 2, "max_new_tokens": 12, "length_penalty": 1.5}),
        json!({"num_beams": 3, "early_stopping": true, "eos_token_id": [1, 5], "max_new_tokens": 12}),
        json!({"do_sample": true, "num_return_sequences": 3, "seed": 9, "max_new_tokens": 12, "top_k": 6}),
        json!({"do_sample": true, "num_beams": 3, "seed": 4, "max_new_tokens": 10}),
    ];
    for settings in settings {
        let config = config(settings.clone());
        let batched = run(&model, &rows, &config);
        for (row, batched) in rows.iter().zip(&batched.outputs) {
            let alone = run(&model, std::slice::from_ref(row), &config);
            assert_eq!(&alone.outputs[0], batched, "{settings}: input {row:?}");
        }
    }
}

#[test]
fn one_beam_is_greedy_search() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let rows = sources(&fixture);
    for settings in [
        json!({"max_new_tokens": 12, "early_stopping": true}),
        json!({"max_new_tokens": 15, "early_stopping": true, "no_repeat_ngram_size": 2, "min_length": 6}),
        json!({"max_new_tokens": 9, "early_stopping": true, "eos_token_id": [1, 5], "bad_words_ids": [[4, 8]]}),
    ] {
        let config = config(settings.clone());
        let batch = Batch::pad(&rows, 0);
        let greedy = generate(&model, &batch, &config).unwrap();
        let beam = beam_search(&model, &batch, &config).unwrap();
        let tokens = |g: &Generation| {
            g.outputs
                .iter()
                .map(|o| o[0].tokens.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(tokens(&beam), tokens(&greedy), "{settings}");
    }
}

#[test]
fn finished_rows_leave_the_batch() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let rows = sources(&fixture);
    let config = config(json!({"max_new_tokens": 20}));
    let generation = run(&model, &rows, &config);
    let lengths: Vec<usize> = generation
        .outputs
        .iter()
        .map(|o| o[0].tokens.len())
        .collect();
    assert!(
        lengths.iter().min() < lengths.iter().max(),
        "the fixture must have rows of unequal length: {lengths:?}"
    );
    // One decoder row per generated token, not batch * longest.
    assert_eq!(
        model.rows_stepped.load(Ordering::Relaxed),
        lengths.iter().sum::<usize>()
    );
}

#[test]
fn sampling_is_reproducible_and_seeded() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let rows = sources(&fixture);
    let sample = |seed: u64| {
        let config = config(
            json!({"do_sample": true, "seed": seed, "num_return_sequences": 4, "max_new_tokens": 15, "temperature": 1.5}),
        );
        run(&model, &rows, &config)
    };
    assert_eq!(sample(3), sample(3));
    assert_ne!(sample(3), sample(4));
    let tokens: Vec<_> = sample(3).outputs[0]
        .iter()
        .map(|h| h.tokens.clone())
        .collect();
    assert!(
        tokens.iter().any(|t| t != &tokens[0]),
        "samples of one input should differ: {tokens:?}"
    );

    // top_k = 1 leaves one candidate: sampling becomes greedy search.
    let narrow = run(
        &model,
        &rows,
        &config(json!({"do_sample": true, "top_k": 1, "max_new_tokens": 12})),
    );
    let greedy = run(&model, &rows, &config(json!({"max_new_tokens": 12})));
    let tokens = |g: &Generation| {
        g.outputs
            .iter()
            .map(|o| o[0].tokens.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(tokens(&narrow), tokens(&greedy));
}

#[test]
fn absurd_max_length_is_capped_and_reported() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    // No eos at all: only the length limit can stop it.
    let config = config(json!({"max_length": 1_000_000, "eos_token_id": []}));
    let generation = run(&model, &[vec![3, 8]], &config);
    assert_eq!(generation.max_length, MAX_LENGTH_LIMIT);
    let hypothesis = &generation.outputs[0][0];
    assert_eq!(hypothesis.tokens.len(), MAX_LENGTH_LIMIT - 1);
    assert!(
        !hypothesis.finished,
        "a cut sequence must not claim to be finished"
    );
    // max_new_tokens + the start token must not overflow past the cap.
    let huge = self::config(json!({"max_new_tokens": u64::MAX, "eos_token_id": []}));
    assert_eq!(
        run(&model, &[vec![3, 8]], &huge).max_length,
        MAX_LENGTH_LIMIT
    );
}

#[test]
fn a_passed_deadline_stops_every_strategy_before_its_next_step() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let batch = Batch::pad(&[vec![3, 8]], 0);
    for overrides in [
        json!({"max_length": 1_000_000, "eos_token_id": []}),
        json!({"max_length": 1_000_000, "eos_token_id": [], "num_beams": 3}),
        json!({"max_length": 1_000_000, "eos_token_id": [], "do_sample": true}),
    ] {
        let config = config(overrides.clone());
        let before = model.rows_stepped.load(Ordering::Relaxed);
        let past = std::time::Instant::now();
        let error = generate_until(&model, &batch, &config, Some(past)).unwrap_err();
        assert!(
            matches!(error, GenerateError::DeadlinePassed),
            "{overrides}: {error}"
        );
        // Not a single decoder step ran: the search stopped, not its result.
        assert_eq!(model.rows_stepped.load(Ordering::Relaxed), before);
        // A deadline far away changes nothing.
        let later = past + std::time::Duration::from_secs(3600);
        let small = self::config(json!({"max_new_tokens": 5}));
        assert_eq!(
            generate_until(&model, &batch, &small, Some(later)).unwrap(),
            generate(&model, &batch, &small).unwrap()
        );
    }
}

#[test]
fn default_length_is_twenty_new_tokens() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let generation = run(&model, &[vec![4, 9, 2, 7]], &GenerationConfig::default());
    assert_eq!(generation.max_length, 21);
    assert_eq!(generation.outputs[0][0].tokens.len(), 20);
}

#[test]
fn invalid_settings_are_refused_with_the_fix() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let batch = Batch::pad(&[vec![3, 8]], 0);
    let cases = [
        (
            json!({"num_beams": 2, "num_return_sequences": 3}),
            "raise num_beams",
        ),
        (
            json!({"num_return_sequences": 2}),
            "num_beams >= 2 or do_sample",
        ),
        (json!({"max_length": 1}), "set max_new_tokens"),
        (json!({"max_new_tokens": 0}), "at least 1"),
        (json!({"num_beams": 0}), "num_beams is 0"),
        (
            json!({"do_sample": true, "temperature": 0.0}),
            "set do_sample to false",
        ),
        (json!({"do_sample": true, "top_p": 1.5}), "between 0 and 1"),
        (json!({"repetition_penalty": 0.0}), "1.0 = off"),
        (
            json!({"bad_words_ids": [[3], [40]]}),
            "bad_words_ids contains token id 40",
        ),
        (json!({"eos_token_id": [12]}), "only 12 ids"),
        (json!({"bad_words_ids": [[]]}), "empty sequence"),
    ];
    for (settings, fix) in cases {
        let err = generate(&model, &batch, &config(settings.clone())).unwrap_err();
        assert!(
            matches!(err, GenerateError::InvalidSettings(_)),
            "{settings}: {err}"
        );
        assert!(
            err.to_string().contains(fix),
            "{settings}: `{err}` should mention `{fix}`"
        );
    }
    let empty = Batch::from_rows(&[vec![3, 8]], &[vec![0, 0]]).unwrap();
    let err = generate(&model, &empty, &GenerationConfig::default()).unwrap_err();
    assert!(matches!(err, GenerateError::EmptyInput), "{err}");
}

#[test]
fn sampling_that_excludes_every_token_is_an_error_not_a_panic() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    let everything: Vec<Vec<u32>> = (0..12).map(|t| vec![t]).collect();
    let config =
        config(json!({"do_sample": true, "bad_words_ids": everything, "eos_token_id": [1]}));
    // Banning every id but eos (HF never bans a lone eos) still leaves eos.
    let generation = run(&model, &[vec![3, 8]], &config);
    assert_eq!(generation.outputs[0][0].tokens, vec![1]);
    let config = GenerationConfig {
        min_length: 5,
        ..config
    };
    let err = generate(&model, &Batch::pad(&[vec![3, 8]], 0), &config).unwrap_err();
    assert!(err.to_string().contains("no possible token"), "{err}");
}

#[test]
fn samples_follow_the_processed_distribution() {
    let fixture = fixture();
    let model = Mock::from_fixture(&fixture);
    // First-step logits of source [3, 8] (key 11 % 4 = 3), start token 0.
    let vocab = model.special.vocab_size;
    let logits: Vec<f32> = (0..vocab)
        .map(|v| {
            model.row(&model.last, 0)[v]
                + model.row(&model.pos, 0)[v]
                + model.row(&model.source, 3)[v]
        })
        .collect();
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let weights: Vec<f64> = logits.iter().map(|&l| f64::from(l - max).exp()).collect();
    let total: f64 = weights.iter().sum();
    let mut top3: Vec<usize> = (0..vocab).collect();
    top3.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    top3.truncate(3);

    let draws = 4000;
    let mut counts = vec![0usize; vocab];
    let mut top_k_counts = vec![0usize; vocab];
    for seed in 0..draws {
        let first = |extra: Value| {
            let mut settings =
                json!({"do_sample": true, "seed": seed, "max_new_tokens": 1, "top_k": 0});
            settings
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            run(&model, &[vec![3, 8]], &config(settings)).outputs[0][0].tokens[0] as usize
        };
        counts[first(json!({}))] += 1;
        top_k_counts[first(json!({"top_k": 3}))] += 1;
    }
    for token in 0..vocab {
        let expected = weights[token] / total;
        let observed = counts[token] as f64 / draws as f64;
        assert!(
            (observed - expected).abs() < 0.025,
            "token {token}: drawn {observed:.3}, probability {expected:.3}"
        );
        if !top3.contains(&token) {
            assert_eq!(top_k_counts[token], 0, "token {token} is outside the top 3");
        }
    }
}
