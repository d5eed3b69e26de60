//! The `minilm` summarizer on the real all-MiniLM-L6-v2 weights: embeddings
//! match sentence-transformers (recorded by `scripts/make_eval_fixtures.py`)
//! to 1e-4, and summaries are well-formed. Needs `just models`; without the
//! model the tests skip with a notice, except under CI, where they fail.

use std::path::{Path, PathBuf};

use precis_clean::{Document, Paragraph};
use precis_infer::extractive::{Budget, MiniLm, SentenceEncoder};
use precis_infer::{ModelInfo, Summarize};
use serde_json::Value;

fn model_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/downloads/all-minilm-l6-v2");
    if dir.join("model.safetensors").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing under CI: run scripts/fetch_models.sh before the tests",
        dir.display()
    );
    eprintln!(
        "skipping: {} is absent; run `just models` to fetch all-MiniLM-L6-v2",
        dir.display()
    );
    None
}

fn info() -> ModelInfo {
    ModelInfo {
        name: "minilm".into(),
        family: "minilm".into(),
        revision: None,
    }
}

#[test]
fn embeddings_match_sentence_transformers() {
    let Some(dir) = model_dir() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minilm/embeddings.json");
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sentences: Vec<&str> = fixture["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let encoder = SentenceEncoder::load(&dir).unwrap();
    let vectors = encoder.embed(&sentences).unwrap();
    for ((sentence, got), want) in sentences
        .iter()
        .zip(&vectors)
        .zip(fixture["embeddings"].as_array().unwrap())
    {
        let want: Vec<f64> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(got.len(), want.len());
        let worst = got
            .iter()
            .zip(&want)
            .map(|(g, w)| (f64::from(*g) - w).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-4, "{sentence:.40}: largest difference {worst}");
    }
}

#[test]
fn summaries_keep_document_order_and_skip_headings() {
    let Some(dir) = model_dir() else { return };
    let paragraph = |text: &str, heading: Option<&str>| Paragraph {
        text: text.into(),
        heading: heading.map(Into::into),
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
    let minilm = MiniLm::load(&dir, info()).unwrap();
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
    let short = MiniLm::load(&dir, info())
        .unwrap()
        .with_budget(Budget::words(20))
        .summarize(&document)
        .unwrap();
    assert_eq!(short.text.lines().count(), 2, "{}", short.text);
    assert!(short
        .text
        .starts_with("The ferry crossed the river on Monday"));
}
