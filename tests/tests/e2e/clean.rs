//! `precis clean`: every format, stdin, files, folders and batches.

use precis_e2e::{json_records, succeed, Sandbox, ARTICLE, SECOND_ARTICLE};
use predicates::prelude::*;

#[test]
fn text_is_title_and_paragraphs_only() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = sandbox
        .precis()
        .args(["clean", "a.txt"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "Orchard town opens its first public library in forty years\n\nThe old grain store"
        ),
        "{text}"
    );
    for boilerplate in [
        "Valley Courier — News",
        "Donate to the Valley Courier",
        "Read more",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} kept:\n{text}");
    }
    // What was dropped is said on stderr, not mixed into the text.
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("note: a.txt: removed 3 blocks:"),
        "{stderr}"
    );
}

#[test]
fn json_records_what_was_removed_and_why() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = sandbox
        .precis()
        .args(["clean", "--format", "json", "a.txt"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let records = json_records(&output.stdout);
    assert_eq!(records.len(), 1);
    insta::assert_json_snapshot!("clean_json", records[0]);
}

#[test]
fn markdown_has_title_heading() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["clean", "--format", "markdown", "a.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "---\ntitle: \"Orchard town opens its first public library in forty years\"\nsource: \"a.txt\"\nlanguage: \"en\"\n---\n\n# Orchard town opens its first public library in forty years\n\nThe old grain store",
        ));
}

#[test]
fn stdin_is_read_with_dash_or_no_argument() {
    let sandbox = Sandbox::new();
    for args in [&["clean", "-"][..], &["clean"][..]] {
        sandbox
            .precis()
            .args(args)
            .write_stdin(ARTICLE)
            .assert()
            .success()
            .stdout(predicate::str::contains("Ada Morrow"));
    }
}

#[test]
fn html_example_is_cleaned() {
    let sandbox = Sandbox::new();
    sandbox
        .precis()
        .current_dir(precis_e2e::workspace_root())
        .args(["clean", "examples/harbour-ferry.html", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"source\": \"examples/harbour-ferry.html\"",
        ))
        .stdout(predicate::str::contains("\"reason\": \"cookie-notice\""));
}

#[test]
fn batch_is_json_lines_and_learns_repeated_lines() {
    let sandbox = Sandbox::new();
    sandbox.write("site/1.txt", ARTICLE);
    sandbox.write("site/2.txt", SECOND_ARTICLE);
    let output = succeed(sandbox.precis().args(["clean", "--format", "json", "site"]));
    // One compact object per line.
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let records = json_records(&output.stdout);
    assert_eq!(records[0]["source"], "site/1.txt");
    assert_eq!(records[1]["source"], "site/2.txt");
    assert_eq!(
        records[1]["title"],
        "Ferry timetable changes for the winter months"
    );
    let repeated = records[1]["cleaning"]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|removed| removed["reason"] == "repeated-across-articles");
    assert!(
        repeated,
        "the shared slogan is learned across the batch: {}",
        records[1]
    );
}

/// `precis run` learns a batch's site furniture as `clean` does: it is
/// removed before summarizing, so no summary quotes it.
#[test]
fn run_batches_learn_repeated_lines_before_summarizing() {
    let sandbox = Sandbox::new();
    sandbox.write("site/1.txt", ARTICLE);
    sandbox.write("site/2.txt", SECOND_ARTICLE);
    let output = succeed(
        sandbox
            .precis()
            .args(["run", "--model", "textrank", "--format", "json", "site"]),
    );
    for record in json_records(&output.stdout) {
        let repeated: Vec<&str> = record["cleaning"]["removed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|removed| removed["reason"] == "repeated-across-articles")
            .map(|removed| removed["text"].as_str().unwrap())
            .collect();
        assert!(!repeated.is_empty(), "{record}");
        let summary = record["summary"]["text"].as_str().unwrap();
        assert!(!summary.is_empty(), "{record}");
        for line in repeated {
            assert!(!summary.contains(line), "{line:?} in {summary:?}");
        }
    }
}

#[test]
fn batch_text_has_a_header_per_article() {
    let sandbox = Sandbox::new();
    sandbox.write("1.txt", ARTICLE);
    sandbox.write("2.txt", SECOND_ARTICLE);
    sandbox
        .precis()
        .args(["clean", "1.txt", "2.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("==> 1.txt <==\n\nOrchard town"))
        .stdout(predicate::str::contains(
            "\n==> 2.txt <==\n\nFerry timetable",
        ));
}

#[test]
fn output_file() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["clean", "a.txt", "-o", "out.txt"])
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(sandbox.path().join("out.txt")).unwrap();
    assert!(written.starts_with("Orchard town"), "{written}");
}

#[test]
fn quiet_prints_nothing_but_results() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["clean", "--quiet", "a.txt"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn verbose_reports_stage_timings() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["clean", "-v", "a.txt"])
        .assert()
        .success()
        .stderr(
            predicate::str::is_match(r"time: reading and cleaning 1 article\(s\): [0-9.]+ ms")
                .unwrap(),
        );
}
