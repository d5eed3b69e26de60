//! The `minilm` summarizer on the real all-MiniLM-L6-v2 weights: embeddings
//! match sentence-transformers (recorded by `scripts/make_eval_fixtures.py`)
//! to 1e-4, and summaries are well-formed. Needs `just models`; without the
//! model the tests skip with a notice, except under CI, where they fail.

use precis_clean::{Document, Paragraph};
use precis_infer::extractive::{Budget, MiniLm, SentenceEncoder};
use precis_infer::quantize::Precision;
use precis_infer::{ModelInfo, Summarize};
use serde_json::Value;

use crate::support::{downloaded, fixture_json};

fn info() -> ModelInfo {
    ModelInfo::new("minilm", precis_infer::Family::Bert)
}

/// The fixture's sentences and sentence-transformers' embeddings of them.
fn reference_embeddings() -> (Vec<String>, Vec<Vec<f64>>) {
    let fixture: Value = fixture_json("minilm/embeddings.json");
    let strings = |key: &str| fixture[key].as_array().unwrap().clone();
    let sentences = strings("sentences")
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let embeddings = strings("embeddings")
        .iter()
        .map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    (sentences, embeddings)
}

#[test]
fn embeddings_match_sentence_transformers() {
    let Some(dir) = downloaded("all-minilm-l6-v2") else {
        return;
    };
    let (sentences, reference) = reference_embeddings();
    let sentences: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let encoder = SentenceEncoder::load(&dir, Precision::F32).unwrap();
    let vectors = encoder.embed(&sentences).unwrap();
    assert_eq!(vectors.len(), sentences.len(), "one embedding per sentence");
    assert_eq!(
        reference.len(),
        sentences.len(),
        "one reference per sentence"
    );
    for ((sentence, got), want) in sentences.iter().zip(&vectors).zip(&reference) {
        assert_eq!(got.len(), want.len());
        let worst = got
            .iter()
            .zip(want)
            .map(|(g, w)| (f64::from(*g) - w).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-4, "{sentence:.40}: largest difference {worst}");
    }
}

/// precis's q8 on real trained weights (the seq2seq checkpoints it serves
/// cannot be fetched here): every q8 embedding points the way
/// sentence-transformers' f32 one does, to a cosine similarity of 0.998.
#[test]
fn q8_embeddings_stay_close_to_f32() {
    let Some(dir) = downloaded("all-minilm-l6-v2") else {
        return;
    };
    let (sentences, reference) = reference_embeddings();
    let sentences: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let vectors = SentenceEncoder::load(&dir, Precision::Q8)
        .unwrap()
        .embed(&sentences)
        .unwrap();
    assert_eq!(vectors.len(), reference.len(), "one embedding per sentence");
    let mut cosines: Vec<f64> = vectors
        .iter()
        .zip(&reference)
        .map(|(got, want)| {
            assert_eq!(got.len(), want.len());
            // Both are unit length: the dot product is the cosine.
            got.iter().zip(want).map(|(g, w)| f64::from(*g) * w).sum()
        })
        .collect();
    cosines.sort_by(f64::total_cmp);
    eprintln!("q8 vs f32 embedding cosines, lowest first: {cosines:.5?}");
    assert!(cosines[0] > 0.998, "{cosines:?}");
    assert!(
        cosines[0] < 1.0 - 1e-7,
        "q8 equals f32: nothing was quantized"
    );
}

#[test]
fn summaries_keep_document_order_and_skip_headings() {
    let Some(dir) = downloaded("all-minilm-l6-v2") else {
        return;
    };
    let paragraph = |text: &str, heading: Option<&str>| Paragraph {
        text: text.into(),
        heading: heading.map(Into::into),
        lead: false,
    };
    let document = Document {
        title: Some("Ferry service returns to the river town".into()),
        headings: vec!["What comes next".into()],
        paragraphs: vec![
            paragraph("The ferry crossed the river on Monday for the first time in a year. Hundreds of residents watched from the bank.", None),
            paragraph("The service stopped last spring after floods damaged the landing. Repairs cost the town $2 million.", None),
            paragraph("\"It feels like the town is whole again,\" said one resident. The mayor thanked the engineers.", None),
            paragraph("Officials plan a second ferry by next summer. Tickets will cost the same as before the floods.", Some("What comes next")),
        ],
        ..Document::default()
    };
    let minilm = MiniLm::load(&dir, info(), Precision::F32).unwrap();
    let summary = minilm.summarize(&document).unwrap();
    let lines: Vec<&str> = summary.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", summary.text);
    let article = document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let positions: Vec<usize> = lines
        .iter()
        .map(|line| article.find(line).expect("a sentence of the article"))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "not in document order: {lines:?}"
    );
    assert!(!summary.text.contains("What comes next"));
    assert_eq!(summary.model.name, "minilm");

    // A 20-word budget: the lead sentence (14 words) and one more.
    let short = MiniLm::load(&dir, info(), Precision::F32)
        .unwrap()
        .with_budget(Budget::words(20))
        .summarize(&document)
        .unwrap();
    assert_eq!(short.text.lines().count(), 2, "{}", short.text);
    assert!(short
        .text
        .starts_with("The ferry crossed the river on Monday"));
}
