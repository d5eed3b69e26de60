//! Every stage bounded: inputs built to make a stage's work grow (deep
//! nesting, thousands of sentences, megabyte "sentences", a slow article
//! in a batch) get capped work and a warning saying what was cut, or a
//! time limit that stops the work and lets the rest of the batch run.
//! Growth is checked by what was cut (counts), never by wall-clock time.

use precis_e2e::{json_records, Sandbox, ARTICLE, SECOND_ARTICLE};
use predicates::prelude::*;

/// The one record of `precis ARGS` in `sandbox`, which must succeed.
fn record_of(sandbox: &Sandbox, args: &[&str]) -> serde_json::Value {
    let output = sandbox.precis().args(args).assert().success();
    json_records(&output.get_output().stdout).remove(0)
}

fn nested_page(depth: usize) -> String {
    format!(
        "<html><body>{}<p>The bottom of a very deep page still holds a sentence.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

#[test]
fn nesting_below_the_cap_is_flattened_with_a_warning() {
    let sandbox = Sandbox::new();
    for depth in [10_000, 40_000] {
        sandbox.write("deep.html", nested_page(depth));
        let record = &record_of(&sandbox, &["clean", "--format", "json", "deep.html"]);
        assert_eq!(
            record["cleaning"]["paragraphs"][0]["text"],
            "The bottom of a very deep page still holds a sentence.",
            "{record}"
        );
        // Every tag below depth 512 is dropped before parsing: the work the
        // parser gets stays the same whatever the depth.
        let dropped = 2 * (depth + 3 - 512);
        let warning = format!(
            "cleaning: the page nests elements deeper than 512 levels: {dropped} tags below that depth were ignored (their text is kept)"
        );
        assert!(
            record["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| *w == *warning),
            "{record}"
        );
    }
}

/// An article of `sentences` distinct sentences, five to a paragraph.
fn article_of(sentences: usize) -> String {
    let words = [
        "river", "council", "ferry", "library", "winter", "bridge", "harbour", "market", "school",
        "orchard",
    ];
    (0..sentences)
        .map(|i| {
            format!(
                "The {} of district {i} met the {} committee on day {} about the {} plan.{}",
                words[i % 10],
                words[(i / 10) % 10],
                i % 28 + 1,
                words[(i / 100) % 10],
                if i % 5 == 4 { "\n\n" } else { " " }
            )
        })
        .collect()
}

#[test]
fn extractive_summarizers_rank_at_most_a_thousand_sentences_and_say_so() {
    let sandbox = Sandbox::new();
    for (sentences, capped) in [(1_000, false), (4_000, true)] {
        sandbox.write("long.txt", article_of(sentences));
        let record = &record_of(
            &sandbox,
            &[
                "summarize",
                "--model",
                "textrank",
                "--format",
                "json",
                "long.txt",
            ],
        );
        let warnings = record["warnings"].to_string();
        let note = format!(
            "summary: only the first 1000 of the article's {sentences} sentences were considered for the summary"
        );
        assert_eq!(warnings.contains(&note), capped, "{sentences}: {record}");
        assert!(!record["summary"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn a_megabyte_sentence_is_cut_with_a_warning_not_quoted_whole() {
    let sandbox = Sandbox::new();
    // Entities and markup run together read as one endless "sentence".
    let sentence: String = (0..60_000).map(|i| format!("item{i} ")).collect();
    sandbox.write("run-on.txt", format!("{sentence}ends here."));
    // Cleaning rightly drops such a block as no article's prose, so it is
    // given as already clean to reach the summarizer.
    let record = &record_of(
        &sandbox,
        &[
            "summarize",
            "--input",
            "clean",
            "--model",
            "textrank",
            "--format",
            "json",
            "run-on.txt",
        ],
    );
    let summary = record["summary"]["text"].as_str().unwrap();
    assert!(summary.chars().count() <= 2001, "{} chars", summary.len());
    assert!(summary.ends_with('…'), "{summary}");
    assert!(
        record["warnings"]
            .to_string()
            .contains("summary: 1 sentence(s) longer than 2000 characters were cut to that length"),
        "{record}"
    );
}

/// A thousand long sentences: within the ranking cap, yet a pairwise
/// comparison of 150-word sentences that takes seconds (it is given as
/// already clean: cleaning rightly drops such made-up text).
fn slow_article() -> String {
    (0..1000)
        .map(|i| {
            let words: Vec<String> = (0..150)
                .map(|j| format!("w{}", (i * 7 + j * 13) % 5000))
                .collect();
            format!(
                "The committee of district {i} discussed {} at length.{}",
                words.join(" "),
                if i % 5 == 4 { "\n\n" } else { " " }
            )
        })
        .collect()
}

#[test]
fn a_timed_out_article_stops_and_the_rest_of_the_batch_succeeds() {
    let sandbox = Sandbox::new();
    // Sorted first, so the articles after it would have timed out too if
    // its work went on in the background.
    sandbox.write("batch/0-slow.txt", slow_article());
    sandbox.write("batch/a.txt", ARTICLE);
    sandbox.write("batch/b.txt", SECOND_ARTICLE);
    sandbox.write(
        "batch/c.txt",
        ARTICLE.replace("Brenholt", "Oskar's Landing"),
    );
    let assert = sandbox
        .precis()
        .args([
            "run",
            "--quiet",
            "--input",
            "clean",
            "--model",
            "textrank",
            "--timeout",
            "0.3",
            "--format",
            "json",
            "batch",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "1 of 4 articles failed:\n  batch/0-slow.txt: batch/0-slow.txt: gave up after 300ms",
        ));
    let records = json_records(&assert.get_output().stdout);
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "batch/0-slow.txt",
            "batch/a.txt",
            "batch/b.txt",
            "batch/c.txt"
        ]
    );
    assert_eq!(records[0]["error"]["kind"], "input", "{}", records[0]);
    for record in &records[1..] {
        assert!(
            record["summary"]["text"].as_str().unwrap().len() > 40,
            "{record}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_pipe_in_a_folder_is_skipped_with_a_notice_not_read() {
    let sandbox = Sandbox::new();
    sandbox.write("batch/a.txt", ARTICLE);
    let fifo = sandbox.path().join("batch/pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("notice: mkfifo is unavailable; skipping");
        return;
    }
    sandbox
        .precis()
        .args(["clean", "batch"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "batch: skipped 1 file(s) that are not regular files (pipes, sockets or devices): pipe",
        ));
}

#[test]
fn utf16_without_a_byte_order_mark_is_decoded_not_called_binary() {
    let sandbox = Sandbox::new();
    let bytes: Vec<u8> = ARTICLE.encode_utf16().flat_map(u16::to_le_bytes).collect();
    sandbox.write("utf16.txt", bytes);
    sandbox
        .precis()
        .args(["clean", "utf16.txt"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "The old grain store on Mill Street reopened on Saturday",
        ))
        .stderr(predicate::str::contains(
            "the input has no byte-order mark but is UTF-16 (little-endian",
        ));
}

#[test]
fn generation_has_one_token_budget_per_article_however_long() {
    let sandbox = Sandbox::new();
    sandbox.copy_model("t5-tiny", "t5");
    // A config asking for endless summaries: every chunk's call is capped
    // at the window, and the article's budget caps the number of calls.
    for sentences in [1_000, 4_000] {
        sandbox.write("long.txt", article_of(sentences));
        let record = &record_of(
            &sandbox,
            &[
                "summarize",
                "--model",
                "t5",
                "--max-length",
                "1000000000",
                "--format",
                "json",
                "long.txt",
            ],
        );
        let warnings = record["warnings"].to_string();
        assert!(warnings.contains("capped at 64"), "{warnings}");
        // Each chunk's call spends at least one token of the budget, so at
        // most 1024 chunks are summarized whatever the article's length.
        let covered: usize = warnings
            .split("per article covered its first ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{sentences}: {warnings}"));
        assert!((1..=1024).contains(&covered), "{sentences}: {warnings}");
        assert!(
            warnings.contains("and the rest was not summarized"),
            "{warnings}"
        );
    }
}
