//! The model-free extractive summarizers (`lead3`, `textrank`): output
//! shape, budgets and edge cases. Their ROUGE on CNN/DailyMail is checked in
//! precis-eval (`tests/it/extractive_rouge.rs`).

use precis_clean::{Document, Paragraph};
use precis_infer::extractive::{Budget, Lead3, TextRank};
use precis_infer::{InferError, Summarize};

fn document(paragraphs: &[&str]) -> Document {
    Document {
        paragraphs: paragraphs
            .iter()
            .map(|text| Paragraph {
                text: text.to_string(),
                heading: None,
                lead: false,
            })
            .collect(),
        ..Document::default()
    }
}

fn article() -> Document {
    document(&[
        "The city council approved a new budget for the river ferry on Tuesday. The vote was close.",
        "The ferry budget pays for two new boats and a longer timetable on the river.",
        "\"We have waited years for this,\" said a commuter. \"It changes everything.",
        "Critics said the ferry budget ignores the bus network. The council rejected that view.",
        "The new river ferry timetable starts in May, and the council will review the budget in a year.",
    ])
}

#[test]
fn lead3_takes_the_first_three_sentences() {
    let summary = Lead3::default().summarize(&article()).unwrap();
    assert_eq!(
        summary.text,
        "The city council approved a new budget for the river ferry on Tuesday.\nThe vote was close.\n\
         The ferry budget pays for two new boats and a longer timetable on the river."
    );
    assert_eq!(summary.model.name, "lead3");
}

#[test]
fn textrank_keeps_document_order_and_passes_over_quotes() {
    let summary = TextRank::default().summarize(&article()).unwrap();
    let lines: Vec<&str> = summary.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", summary.text);
    assert_eq!(
        lines[0],
        "The city council approved a new budget for the river ferry on Tuesday."
    );
    let text = article()
        .paragraphs
        .iter()
        .map(|p| p.text.clone())
        .collect::<Vec<_>>()
        .join(" ");
    let positions: Vec<usize> = lines.iter().map(|l| text.find(l).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    assert!(!summary.text.contains("We have waited"), "{}", summary.text);
}

#[test]
fn textrank_respects_a_sentence_budget() {
    let one = TextRank::default()
        .with_budget(Budget::sentences(1))
        .summarize(&article())
        .unwrap();
    assert_eq!(one.text.lines().count(), 1);
}

#[test]
fn empty_documents_are_an_error_not_an_empty_summary() {
    for summarizer in [&Lead3::default() as &dyn Summarize, &TextRank::default()] {
        let result = summarizer.summarize(&Document::default());
        assert!(matches!(result, Err(InferError::EmptyInput)), "{result:?}");
    }
}

/// Furniture left at a paragraph's start (a place dateline, a byline, a
/// time stamp) is split off as a "sentence" of its own; no summarizer
/// quotes it.
#[test]
fn summaries_quote_sentences_not_furniture() {
    let document = document(&[
        "RIVERTON, N.C. The city council approved a new budget for the river ferry on Tuesday.",
        "By Jane Doe Follow @janedoe",
        "01.21.2020 07:00 AM",
        "The ferry budget pays for two new boats and a longer timetable on the river.",
        "Critics said the ferry budget ignores the bus network. The council rejected that view.",
    ]);
    for summarizer in [&Lead3::default() as &dyn Summarize, &TextRank::default()] {
        let summary = summarizer.summarize(&document).unwrap();
        for furniture in ["RIVERTON", "Jane Doe", "07:00"] {
            assert!(!summary.text.contains(furniture), "{}", summary.text);
        }
        assert!(
            summary.text.starts_with("The city council approved"),
            "{}",
            summary.text
        );
    }
}

/// An article of nothing but fragments still gets a summary of them.
#[test]
fn fragments_alone_still_summarize() {
    let summary = Lead3::default()
        .summarize(&document(&["RIVERTON, N.C.", "Night ferry"]))
        .unwrap();
    assert_eq!(summary.text, "RIVERTON, N.C.\nNight ferry");
}
