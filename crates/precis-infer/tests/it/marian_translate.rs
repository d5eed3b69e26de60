//! The Marian model and translator against transformers on the tiny
//! opus-mt style folder: teacher-forced logits and generate cases are in
//! bart_parity.rs; here the whole translator (tokenize with the Rust
//! SentencePiece reader, beam search with the folder's generation config,
//! decode) gives what `MarianMTModel.generate` gave.

use precis_infer::generate::GenerationOverrides;
use precis_infer::tokenize::MarianTokenizer;
use precis_infer::{Family, ModelInfo, OpusMtOptions, OpusMtTranslator, Segmentation, Translate};

use crate::support::{expected, fixture_copy, fixture_dir, Translation};

/// Loads the opus-mt fixture in `dir`, translating into `target`.
fn opus_mt(
    dir: &std::path::Path,
    target: &str,
    generation: &GenerationOverrides,
) -> Result<OpusMtTranslator, precis_infer::InferError> {
    let options = OpusMtOptions {
        target: target.into(),
        generation: generation.clone(),
        ..OpusMtOptions::default()
    };
    OpusMtTranslator::load(dir, ModelInfo::new("marian-tiny", Family::Marian), &options)
}

#[test]
fn translator_gives_transformers_beam_search_output() {
    let dir = fixture_dir("marian-tiny");
    let recorded = expected("marian-tiny");
    let tokenizer = MarianTokenizer::from_dir(&dir).unwrap();
    let mut checked = 0;
    for case in recorded
        .generate
        .iter()
        .filter(|c| c.name.starts_with("beam4") && !c.kwargs.contains_key("num_return_sequences"))
    {
        let translator = opus_mt(&dir, "de", &case.overrides()).unwrap();
        // Each input row is one of the recorded texts (one sentence each).
        let lines: Vec<&str> = case
            .input_ids
            .iter()
            .zip(&case.attention_mask)
            .map(|(ids, mask)| {
                let len = mask.iter().filter(|&&m| m == 1).count();
                let text = recorded
                    .marian_tokenizer
                    .iter()
                    .find(|t| t.ids == ids[..len])
                    .unwrap();
                text.text.as_str()
            })
            .collect();
        let translation = translator
            .translate_lines(&lines, Segmentation::Sentence)
            .unwrap();
        let want: Vec<String> = case
            .output_ids
            .iter()
            .map(|ids| tokenizer.decode(ids))
            .collect();
        assert_eq!(translation.lines, want, "{}", case.name);
        assert!(
            translation.warnings.is_empty(),
            "{:?}",
            translation.warnings
        );
        checked += 1;
    }
    assert!(checked >= 3);
}

#[test]
fn a_language_the_model_lacks_is_refused_only_by_multi_target_models() {
    let dir = fixture_dir("marian-tiny");
    // Single target: the language code is not needed.
    let overrides = GenerationOverrides::default();
    assert!(opus_mt(&dir, "xx", &overrides).is_ok());
    // Multi target: vocab.json lists >>lang<< tokens.
    let multi = fixture_copy("marian-tiny");
    let vocab_path = multi.path().join("vocab.json");
    let mut vocab: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&vocab_path).unwrap()).unwrap();
    // A piece the test does not use gives its id to a language code (ids
    // must stay below the model's 211 embeddings).
    let code = vocab.remove("abe").unwrap();
    vocab.insert(">>deu<<".into(), code.clone());
    std::fs::write(&vocab_path, serde_json::to_string(&vocab).unwrap()).unwrap();
    let tokenizer = MarianTokenizer::from_dir(multi.path()).unwrap();
    assert_eq!(tokenizer.language_codes(), [">>deu<<"]);
    assert_eq!(
        u64::from(tokenizer.encode(">>deu<< Rain").unwrap()[0]),
        code.as_u64().unwrap()
    );
    let err = opus_mt(multi.path(), "fra", &overrides)
        .unwrap_err()
        .to_string();
    assert!(err.contains(">>deu<<") && err.contains("fra"), "{err}");
}

/// The separate-vocabulary fixture model and its recorded translations.
fn separate_vocabularies() -> (Vec<Translation>, OpusMtTranslator) {
    let recorded = expected("marian-sep-tiny").translations;
    assert!(recorded.len() >= 3, "marian-sep-tiny lost its translations");
    let translator = opus_mt(
        &fixture_dir("marian-sep-tiny"),
        "de",
        &GenerationOverrides::default(),
    )
    .unwrap();
    (recorded, translator)
}

/// A model with separate vocabularies (encoder and decoder embeddings of
/// their own, target_vocab.json) translates as `MarianMTModel.generate` +
/// `MarianTokenizer.decode` do with the folder's own settings.
#[test]
fn separate_vocabularies_translate_like_transformers() {
    let (recorded, translator) = separate_vocabularies();
    let lines: Vec<&str> = recorded.iter().map(|t| t.text.as_str()).collect();
    let translation = translator
        .translate_lines(&lines, Segmentation::Sentence)
        .unwrap();
    let want: Vec<&str> = recorded.iter().map(|t| t.translation.as_str()).collect();
    assert_eq!(translation.lines, want);
}

/// By sentence, a two-sentence line is the two sentences' translations
/// joined; by line, it is translated whole, as one source.
#[test]
fn a_line_is_split_into_sentences_or_translated_whole() {
    let (recorded, translator) = separate_vocabularies();
    let (first, third) = (&recorded[0], &recorded[2]);
    let line = format!("{} {}", first.text, third.text);
    let by_sentence = translator
        .translate_lines(&[line.as_str()], Segmentation::Sentence)
        .unwrap();
    assert_eq!(
        by_sentence.lines,
        [format!("{} {}", first.translation, third.translation)]
    );
    let by_line = translator
        .translate_lines(&[line.as_str()], Segmentation::Line)
        .unwrap();
    let (whole, _) = translator.translate_sentences(&[&line]).unwrap().remove(0);
    assert_eq!(by_line.lines, [whole]);
    assert_ne!(by_line.lines, by_sentence.lines);
}
