//! The Summarizer on a BART folder: loads by `model_type`, and its whole
//! pipeline (tokenize, generate, decode) gives what transformers generated.

use precis_infer::tokenize::TextTokenizer;
use precis_infer::{Family, Seq2SeqOptions};

use crate::support::{expected, fixture_dir, load_summarizer};

#[test]
fn bart_folder_summarizes_like_transformers() {
    let dir = fixture_dir("bart-tiny");
    let recorded = expected("bart-tiny");
    let case = recorded.case("beam4_ngram_min");
    let options = Seq2SeqOptions {
        generation: case.overrides(),
        ..Seq2SeqOptions::default()
    };
    let summarizer = load_summarizer(&dir, &options).unwrap();
    // Its kwargs override all of the task_specific_params the Summarizer
    // starts from; its input is the first tokenizer case's text.
    let text = &recorded.tokenizer[0].text;
    assert_eq!(recorded.tokenizer[0].ids, case.input_ids[0]);
    let summary = summarizer.summarize_text(text).unwrap();
    let tokenizer = TextTokenizer::from_dir(&dir, 1).unwrap();
    let want = tokenizer.decode(&case.output_ids[0]).unwrap();
    assert!(!want.trim().is_empty());
    assert_eq!(summary.text, want.trim());
    assert_eq!(summary.model.family, Family::Bart);
    assert_eq!(summary.chunks, 1);
}

#[test]
fn bart_window_is_its_position_table() {
    let dir = fixture_dir("bart-tiny");
    let summarizer = load_summarizer(&dir, &Seq2SeqOptions::default()).unwrap();
    // 64 positions: a long input is cut into several chunks, none lost.
    let long =
        "The library opened on a wet Monday and the queue grew longer every hour. ".repeat(20);
    let chunks = summarizer.chunks(&long).unwrap();
    assert!(chunks.len() > 1, "{} chunk(s)", chunks.len());
    let tokenizer = TextTokenizer::from_dir(&dir, 1).unwrap();
    for chunk in &chunks {
        assert!(tokenizer.encode(chunk).unwrap().len() <= 64, "{chunk:?}");
    }
}
