//! The project's target for the model-free extractive summarizers on
//! `../shared/eval/cnndm-dev.jsonl`: textrank at least as good as Lead-3 on
//! ROUGE-1, and Lead-3 at its reference score.

use precis_eval::{read_summary_data, summarize_dataset, SummaryReport};
use precis_infer::extractive::{Lead3, TextRank};

use crate::support::shared;

#[test]
fn textrank_is_at_least_as_good_as_lead3_on_cnndm() {
    let Some(data) = shared("eval/cnndm-dev.jsonl") else {
        return;
    };
    let items = read_summary_data(&data).unwrap();
    let lead3 = summarize_dataset(&Lead3::default(), &items).unwrap();
    let textrank = summarize_dataset(&TextRank::default(), &items).unwrap();
    let r1 = |m: &SummaryReport| m.mean.rouge1.fmeasure;
    assert!(
        r1(&textrank) >= r1(&lead3),
        "textrank R-1 {} < lead-3 {}",
        r1(&textrank),
        r1(&lead3)
    );
    assert!(
        (r1(&lead3) - 0.4064).abs() < 0.005,
        "lead-3 R-1 {} is far from the reference 40.64",
        r1(&lead3)
    );
}
