//! The generation engine driving precis-infer's T5 against Hugging Face
//! `generate` on the committed tiny models: every recorded case (greedy,
//! beam search with length penalty / early stopping / n-gram blocking /
//! min length / several return sequences, repetition penalty, bad words,
//! padded batches) token for token.

use precis_infer::generate::{beam_search, generate};
use precis_infer::quantize::Precision;

use crate::support::{batch, expected, load, MODELS};

#[test]
fn every_recorded_generate_case_matches_transformers() {
    let mut passed = Vec::new();
    for name in MODELS {
        let model = load(name, Precision::F32);
        for case in expected(name).generate {
            let config = case.config(name);
            let out = generate(
                &model,
                &batch(&case.input_ids),
                &batch(&case.attention_mask),
                &config,
            )
            .unwrap();
            let got: Vec<Vec<u32>> = out
                .outputs
                .iter()
                .flatten()
                .map(|hyp| {
                    std::iter::once(0)
                        .chain(hyp.tokens.iter().copied())
                        .collect()
                })
                .collect();
            assert_eq!(
                got, case.output_ids,
                "{name} {}: {:?}",
                case.name, case.kwargs
            );
            passed.push(format!("{name}/{}", case.name));
        }
    }
    eprintln!(
        "{} generate cases match transformers: {}",
        passed.len(),
        passed.join(", ")
    );
    assert!(passed.len() >= 30);
}

#[test]
fn beam_search_with_one_beam_equals_greedy() {
    for name in MODELS {
        let model = load(name, Precision::F32);
        for case in expected(name).generate.iter().filter(|c| {
            c.name.starts_with("greedy") && !c.kwargs.contains_key("repetition_penalty")
        }) {
            let mut config = case.config(name);
            config.early_stopping = precis_infer::generate::EarlyStopping::Enabled;
            let (ids, mask) = (batch(&case.input_ids), batch(&case.attention_mask));
            let greedy = generate(&model, &ids, &mask, &config).unwrap();
            let beam = beam_search(&model, &ids, &mask, &config).unwrap();
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
    for name in MODELS {
        let model = load(name, Precision::F32);
        for case in expected(name)
            .generate
            .iter()
            .filter(|c| c.input_ids.len() > 1)
        {
            let config = case.config(name);
            let together = generate(
                &model,
                &batch(&case.input_ids),
                &batch(&case.attention_mask),
                &config,
            )
            .unwrap();
            for (row, (ids, mask)) in case.input_ids.iter().zip(&case.attention_mask).enumerate() {
                let len = mask.iter().filter(|&&m| m == 1).count();
                let alone = generate(
                    &model,
                    &batch(&[ids[..len].to_vec()]),
                    &batch(&[vec![1; len]]),
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
