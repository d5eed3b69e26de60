//! Every seq2seq family against Hugging Face transformers on the committed
//! tiny models (recorded by scripts/make_fixtures.py and
//! make_fixtures_seq2seq.py): encoder states and teacher-forced decoder
//! logits to 1e-4, and every recorded `generate` case (greedy, beam search
//! with length penalty / early stopping / n-gram blocking / min length /
//! several return sequences, repetition penalty, bad words, padded batches,
//! the models' own defaults) token for token. One table row per fixture;
//! each row gets one test per check.

use precis_infer::generate::generate;
use precis_infer::models::TensorSeq2Seq;
use precis_infer::quantize::Precision;
use precis_infer::Family;

use crate::support::{batch, engine_batch, expected, fixture_dir, forced_logits, load, max_diff};

const TOLERANCE: f32 = 1e-4;

/// The model of fixture `name`, which must be of `family`: a row cannot
/// claim a family it does not test.
fn load_row(name: &str, family: Family) -> precis_infer::models::AnySeq2Seq {
    assert_eq!(
        Family::detect(&fixture_dir(name)).unwrap(),
        family,
        "{name}"
    );
    load(name, Precision::F32)
}

fn encoder_states_match_transformers(name: &str, family: Family) {
    let model = load_row(name, family);
    let forward = expected(name).forward;
    let hidden = model
        .encode(&batch(&forward.input_ids), &batch(&forward.attention_mask))
        .unwrap();
    for (row, want) in forward.encoder.iter().enumerate() {
        // Only real tokens: padded positions are never read.
        let got = hidden.get(row).unwrap().narrow(0, 0, want.length).unwrap();
        let got: Vec<f32> = got.flatten_all().unwrap().to_vec1().unwrap();
        let diff = max_diff(&got, &want.hidden_states);
        assert!(
            diff < TOLERANCE,
            "{name} row {row}: encoder states differ by {diff}"
        );
    }
}

fn decoder_logits_match_transformers_at_every_cached_step(name: &str, family: Family) {
    let model = load_row(name, family);
    let forward = expected(name).forward;
    let got = forced_logits(
        &model,
        &batch(&forward.input_ids),
        &batch(&forward.attention_mask),
        &forward.decoder_input_ids,
    );
    for want in &forward.decoder_logits {
        for (step, want_logits) in want.logits.iter().enumerate() {
            let diff = max_diff(&got[want.row][step], want_logits);
            assert!(
                diff < TOLERANCE,
                "{name} row {} step {step}: logits differ by {diff}",
                want.row
            );
        }
    }
}

/// `cases`: how many the fixture records, so one lost from it is noticed.
fn every_recorded_generate_case_matches_transformers(name: &str, family: Family, cases: usize) {
    let model = load_row(name, family);
    let start = model.special_tokens().decoder_start;
    let mut passed = Vec::new();
    for case in expected(name).generate {
        let out = generate(
            &model,
            &engine_batch(&case.input_ids, &case.attention_mask),
            &case.config(name),
        )
        .unwrap();
        let got: Vec<Vec<u32>> = out
            .outputs
            .iter()
            .flatten()
            .map(|hyp| {
                std::iter::once(start)
                    .chain(hyp.tokens.iter().copied())
                    .collect()
            })
            .collect();
        assert_eq!(
            got, case.output_ids,
            "{name} {}: {:?}",
            case.name, case.kwargs
        );
        passed.push(case.name);
    }
    eprintln!(
        "{name}: {} generate cases match transformers: {}",
        passed.len(),
        passed.join(", ")
    );
    assert!(
        passed.len() >= cases,
        "{name}: the fixture lost generate cases"
    );
}

/// One module per row, one test per check, so a failure names both.
macro_rules! parity {
    ($($row:ident: $fixture:literal, $family:ident, $generate_cases:literal;)*) => {$(
        mod $row {
            use precis_infer::Family;

            #[test]
            fn encoder_states_match_transformers() {
                super::encoder_states_match_transformers($fixture, Family::$family);
            }

            #[test]
            fn decoder_logits_match_transformers_at_every_cached_step() {
                super::decoder_logits_match_transformers_at_every_cached_step(
                    $fixture,
                    Family::$family,
                );
            }

            #[test]
            fn every_recorded_generate_case_matches_transformers() {
                super::every_recorded_generate_case_matches_transformers(
                    $fixture,
                    Family::$family,
                    $generate_cases,
                );
            }
        }
    )*};
}

// Row: fixture, family, recorded generate cases.
parity! {
    // T5 v1.0: relu, lm_head tied to the embeddings.
    t5_tiny: "t5-tiny", T5, 20;
    // T5 v1.1: gated-gelu, its own lm_head.
    flan_t5_tiny: "flan-t5-tiny", T5, 20;
    bart_tiny: "bart-tiny", Bart, 10;
    marian_tiny: "marian-tiny", Marian, 10;
    // Separate source and target vocabularies and embeddings
    // (`share_encoder_decoder_embeddings: false`).
    marian_sep_tiny: "marian-sep-tiny", Marian, 10;
}
