//! Parity of the evaluation metrics with the Python packages, on scores the
//! fixture script recorded (`scripts/make_eval_fixtures.py`): ROUGE against
//! `rouge-score`, BLEU / chrF / chrF++ against `sacrebleu`.

use precis_eval::{bleu, chrf, rouge};
use serde_json::Value;

use crate::support::{fixture, shared};

fn f64s(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn str_of(value: &Value) -> &str {
    value.as_str().unwrap()
}

/// Asserts the four ROUGE variants equal `expected` (`{rouge1: [p, r, f], ...}`) to 4 decimals.
fn assert_rouge(scores: &rouge::RougeScores, expected: &Value, what: &str) {
    for (name, got) in [
        ("rouge1", scores.rouge1),
        ("rouge2", scores.rouge2),
        ("rougeL", scores.rouge_l),
        ("rougeLsum", scores.rouge_lsum),
    ] {
        let want = f64s(&expected[name]);
        for (part, (g, w)) in ["precision", "recall", "fmeasure"].iter().zip(
            [got.precision, got.recall, got.fmeasure]
                .into_iter()
                .zip(want),
        ) {
            assert!(
                (g - w).abs() < 5e-5,
                "{what}: {name} {part} is {g}, rouge-score says {w}"
            );
        }
    }
}

#[test]
fn porter_stems_match_nltk() {
    let fixture = fixture("rouge.json");
    let stems = fixture["stems"].as_array().unwrap();
    assert!(stems.len() > 1000);
    let wrong: Vec<String> = stems
        .iter()
        .filter_map(|pair| {
            let (word, want) = (str_of(&pair[0]), str_of(&pair[1]));
            let got = precis_clean::stem(word);
            (got != want).then(|| format!("{word}: {got} (nltk: {want})"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} stems differ:\n{}",
        wrong.len(),
        stems.len(),
        wrong.join("\n")
    );
}

#[test]
fn rouge_tokenizer_matches_rouge_score() {
    for case in fixture("rouge.json")["tokenize"].as_array().unwrap() {
        let want: Vec<&str> = case["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        assert_eq!(
            precis_clean::stemmed_words(str_of(&case["text"])),
            want,
            "{}",
            case["text"]
        );
    }
}

#[test]
fn rouge_scores_match_rouge_score_on_corner_cases() {
    for case in fixture("rouge.json")["pairs"].as_array().unwrap() {
        let (reference, prediction) = (str_of(&case["reference"]), str_of(&case["prediction"]));
        assert_rouge(
            &rouge::score(reference, prediction),
            case,
            &format!("{reference:?} vs {prediction:?}"),
        );
    }
}

#[test]
fn rouge_scores_match_rouge_score_on_cnndm_lead3() {
    let Some(data) = shared("eval/cnndm-dev.jsonl") else {
        return;
    };
    let fixture = fixture("rouge.json");
    let expected = fixture["cnndm_lead3"].as_array().unwrap();
    let items = precis_eval::read_summary_data(&data).unwrap();
    assert_eq!(items.len(), expected.len());
    let mut lead3 = Vec::new();
    for (item, want) in items.iter().zip(expected) {
        assert_eq!(item.id, str_of(&want["id"]));
        let sentences = rouge::sentence_lines(&item.article);
        let prediction = sentences.lines().take(3).collect::<Vec<_>>().join("\n");
        let reference = rouge::sentence_lines(&item.reference);
        assert_rouge(&rouge::score(&reference, &prediction), want, &item.id);
        lead3.push(prediction);
    }
    // The runner's mean is the figure the README quotes for Lead-3.
    let predictions: Vec<&str> = lead3.iter().map(String::as_str).collect();
    let report = precis_eval::score_summaries(&items, &predictions);
    let mean = |name: &str| {
        expected.iter().map(|e| f64s(&e[name])[2]).sum::<f64>() / expected.len() as f64
    };
    assert!((report.mean.rouge1.fmeasure - mean("rouge1")).abs() < 5e-5);
    assert!((report.mean.rouge_lsum.fmeasure - mean("rougeLsum")).abs() < 5e-5);
    assert_eq!(
        format!("{:.2}", 100.0 * report.mean.rouge1.fmeasure),
        "40.64"
    );
}

#[test]
fn tokenize_13a_matches_sacrebleu() {
    for case in fixture("sacrebleu.json")["tokenize_13a"]
        .as_array()
        .unwrap()
    {
        let text = str_of(&case["text"]);
        assert_eq!(
            bleu::tokenize_13a(text.trim_end()),
            str_of(&case["tokens"]),
            "{text:?}"
        );
    }
}

/// Checks BLEU, chrF and chrF++ of one corpus against sacrebleu, to 2 decimals.
fn assert_sacrebleu(hypotheses: &[&str], references: &[&str], want: &Value, what: &str) {
    let bleu = bleu::corpus_bleu(hypotheses, references);
    let close = |got: f64, key: &str| {
        let want = want[key].as_f64().unwrap();
        assert!(
            (got - want).abs() < 5e-3,
            "{what}: {key} is {got}, sacrebleu says {want}"
        );
    };
    close(bleu.score, "bleu");
    close(bleu.brevity_penalty, "bp");
    for (got, want) in bleu.precisions.iter().zip(f64s(&want["precisions"])) {
        assert!(
            (got - want).abs() < 5e-3,
            "{what}: precisions {:?} vs {want}",
            bleu.precisions
        );
    }
    assert_eq!(
        bleu.hyp_len as u64,
        want["hyp_len"].as_u64().unwrap(),
        "{what}"
    );
    assert_eq!(
        bleu.ref_len as u64,
        want["ref_len"].as_u64().unwrap(),
        "{what}"
    );
    close(
        chrf::corpus_chrf(hypotheses, references, chrf::ChrfVariant::Chrf),
        "chrf",
    );
    close(
        chrf::corpus_chrf(hypotheses, references, chrf::ChrfVariant::ChrfPlusPlus),
        "chrfpp",
    );
}

#[test]
fn bleu_and_chrf_match_sacrebleu_on_corner_cases() {
    for case in fixture("sacrebleu.json")["corpora"].as_array().unwrap() {
        let hypotheses: Vec<&str> = case["hypotheses"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        let references: Vec<&str> = case["references"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        assert_sacrebleu(&hypotheses, &references, case, str_of(&case["name"]));
    }
}

#[test]
fn bleu_and_chrf_match_sacrebleu_on_flores() {
    let Some(flores) = shared("eval/flores200-devtest") else {
        return;
    };
    let fixture = fixture("sacrebleu.json");
    let cases = fixture["flores"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let lines = case["lines"].as_u64().unwrap() as usize;
        let read = |lang: &Value| {
            std::fs::read_to_string(flores.join(format!("{}.devtest", str_of(lang)))).unwrap()
        };
        let (hyp_text, ref_text) = (read(&case["hypothesis"]), read(&case["reference"]));
        let hypotheses: Vec<&str> = hyp_text.lines().take(lines).collect();
        let references: Vec<&str> = ref_text.lines().take(lines).collect();
        let what = format!("{} vs {}", case["hypothesis"], case["reference"]);
        assert_sacrebleu(&hypotheses, &references, case, &what);
    }
}
