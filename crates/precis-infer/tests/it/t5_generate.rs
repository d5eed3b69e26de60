//! The generation engine driving the tiny T5s with the settings of the
//! recorded `generate` cases (whose outputs seq2seq_parity.rs checks):
//! beam search with one beam is greedy search, and a batch gives what its
//! inputs give one at a time.

use precis_infer::generate::{beam_search, generate};
use precis_infer::quantize::Precision;

use crate::support::{engine_batch, expected, load, T5_MODELS};

#[test]
fn beam_search_with_one_beam_equals_greedy() {
    for name in T5_MODELS {
        let model = load(name, Precision::F32);
        for case in expected(name).generate.iter().filter(|c| {
            c.name.starts_with("greedy") && !c.kwargs.contains_key("repetition_penalty")
        }) {
            let mut config = case.config(name);
            config.early_stopping = precis_infer::generate::EarlyStopping::Enabled;
            let batch = engine_batch(&case.input_ids, &case.attention_mask);
            let greedy = generate(&model, &batch, &config).unwrap();
            let beam = beam_search(&model, &batch, &config).unwrap();
            let tokens = |g: &precis_infer::generate::Generation| -> Vec<Vec<u32>> {
                g.outputs
                    .iter()
                    .flatten()
                    .map(|h| h.tokens.clone())
                    .collect()
            };
            assert_eq!(tokens(&beam), tokens(&greedy), "{name} {}", case.name);
        }
    }
}

#[test]
fn batched_generation_equals_one_input_at_a_time() {
    for name in T5_MODELS {
        let model = load(name, Precision::F32);
        for case in expected(name)
            .generate
            .iter()
            .filter(|c| c.input_ids.len() > 1)
        {
            let config = case.config(name);
            let together = generate(
                &model,
                &engine_batch(&case.input_ids, &case.attention_mask),
                &config,
            )
            .unwrap();
            for (row, (ids, mask)) in case.input_ids.iter().zip(&case.attention_mask).enumerate() {
                let len = mask.iter().filter(|&&m| m == 1).count();
                let alone = generate(
                    &model,
                    &engine_batch(&[ids[..len].to_vec()], &[vec![1; len]]),
                    &config,
                )
                .unwrap();
                // Same tokens; scores equal up to float summation order.
                let (alone, together) = (&alone.outputs[0], &together.outputs[row]);
                let tokens = |hyps: &[precis_infer::generate::Hypothesis]| -> Vec<Vec<u32>> {
                    hyps.iter().map(|h| h.tokens.clone()).collect()
                };
                assert_eq!(
                    tokens(alone),
                    tokens(together),
                    "{name} {} row {row}",
                    case.name
                );
                for (a, b) in alone.iter().zip(together) {
                    let diff = (a.score - b.score).abs();
                    assert!(
                        diff < 1e-4,
                        "{name} {} row {row}: scores differ by {diff}",
                        case.name
                    );
                }
            }
        }
    }
}
