//! BART and Marian against Hugging Face transformers on the committed tiny
//! models (recorded by scripts/make_fixtures_seq2seq.py): encoder states and
//! teacher-forced decoder logits to 1e-4, every recorded `generate` case
//! (greedy, beam search with length penalty, n-gram blocking, min length,
//! padded batches, the models' own defaults) token for token, and the BART
//! byte-level BPE tokenizer id for id.

use precis_infer::generate::generate;
use precis_infer::models::bart::{Bart, Config};
use precis_infer::quantize::Precision;
use precis_infer::tokenize::TextTokenizer;

use crate::support::{
    assert_tokenizes_like_transformers, batch, expected, fixture_dir, fixture_files, forced_logits,
    max_diff,
};

/// marian-sep-tiny has separate source and target vocabularies and
/// embeddings (`share_encoder_decoder_embeddings: false`).
const MODELS: [&str; 3] = ["bart-tiny", "marian-tiny", "marian-sep-tiny"];

fn load(name: &str) -> Bart {
    let dir = fixture_dir(name);
    let config = Config::load(&dir.join("config.json")).unwrap();
    Bart::from_safetensors(&[dir.join("model.safetensors")], &config, Precision::F32).unwrap()
}

#[test]
fn encoder_states_and_decoder_logits_match_transformers() {
    use precis_infer::generate::Seq2SeqModel;
    for name in MODELS {
        let model = load(name);
        let forward = expected(name).forward;
        let (ids, mask) = (batch(&forward.input_ids), batch(&forward.attention_mask));
        let hidden = model.encode(&ids, &mask).unwrap();
        for (row, want) in forward.encoder.iter().enumerate() {
            let got: Vec<f32> = hidden
                .get(row)
                .unwrap()
                .narrow(0, 0, want.length)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap();
            let diff = max_diff(&got, &want.hidden_states);
            assert!(diff < 1e-4, "{name} encoder row {row}: off by {diff}");
        }
        let logits = forced_logits(&model, &ids, &mask, &forward.decoder_input_ids);
        for want in &forward.decoder_logits {
            for (step, values) in want.logits.iter().enumerate() {
                let diff = max_diff(&logits[want.row][step], values);
                assert!(
                    diff < 1e-4,
                    "{name} decoder row {} step {step}: off by {diff}",
                    want.row
                );
            }
        }
    }
}

#[test]
fn every_recorded_generate_case_matches_transformers() {
    let mut passed = Vec::new();
    for name in MODELS {
        let model = load(name);
        let dir = fixture_dir(name);
        let start = Config::load(&dir.join("config.json"))
            .unwrap()
            .special_tokens()
            .decoder_start;
        for case in expected(name).generate {
            let out = generate(
                &model,
                &batch(&case.input_ids),
                &batch(&case.attention_mask),
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
            passed.push(format!("{name}/{}", case.name));
        }
    }
    eprintln!(
        "{} generate cases match transformers: {}",
        passed.len(),
        passed.join(", ")
    );
    assert!(passed.len() >= 20);
}

#[test]
fn bart_tokenizer_matches_transformers() {
    let dir = fixture_dir("bart-tiny");
    let tokenizer = TextTokenizer::from_dir(&dir, 1).unwrap();
    let cases = expected("bart-tiny").tokenizer;
    assert!(cases.len() > 10);
    assert_tokenizes_like_transformers("bart-tiny", &tokenizer, &cases);
}

/// Checkpoints without tokenizer.json: the BPE built from vocab.json +
/// merges.txt gives transformers' ids and text.
#[test]
fn bart_tokenizer_from_vocab_and_merges_matches_transformers() {
    let dir = fixture_files(
        "bart-tiny",
        &["vocab.json", "merges.txt", "tokenizer_config.json"],
    );
    let tokenizer = TextTokenizer::from_dir(dir.path(), 1).unwrap();
    let cases = expected("bart-tiny").tokenizer;
    assert_tokenizes_like_transformers("bart-tiny", &tokenizer, &cases);
}
