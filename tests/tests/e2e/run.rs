//! `precis run` and `precis summarize` with the summarizers that need no
//! downloaded files (textrank, lead3, the tiny T5 test model), and their
//! model errors (exit 3).

use precis_e2e::{json_records, succeed, workspace_root, Sandbox, ARTICLE, SECOND_ARTICLE};
use predicates::prelude::*;

#[test]
fn text_names_the_default_model_and_says_why() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["run", "a.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Orchard town opens its first public library in forty years\nSource: a.txt\n\nThe old grain store",
        ))
        .stdout(predicate::str::contains("\n\nSummary (textrank):\n"))
        .stderr(predicate::str::contains(
            "note: using textrank: the default summarizer minilm is not available (",
        ));
}

#[test]
fn json_record_is_complete() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = succeed(sandbox.precis().args(["run", "--format", "json", "a.txt"]));
    let records = json_records(&output.stdout);
    insta::assert_json_snapshot!("run_textrank_json", records[0]);
}

#[test]
fn markdown() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["run", "--model", "lead3", "--format", "markdown", "a.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "---\ntitle: \"Orchard town opens its first public library in forty years\"\nsource: \"a.txt\"\nlanguage: \"en\"\nsummarizer: \"lead3\"\n---\n\n# Orchard town opens its first public library in forty years\n\nThe old grain store",
        ))
        .stdout(predicate::str::contains("\n\n## Summary\n\nThe old grain store"))
        .stdout(predicate::str::contains("*Summarized by lead3.*"))
        .stdout(predicate::str::contains("## Notes\n\n- cleaning: removed 3 blocks"));
}

#[test]
fn summarize_from_stdin_with_word_budget() {
    let sandbox = Sandbox::new();
    let output = succeed(
        sandbox
            .precis()
            .args([
                "summarize",
                "--model",
                "textrank",
                "--max-length",
                "10",
                "--format",
                "json",
            ])
            .write_stdin(ARTICLE),
    );
    let record = &json_records(&output.stdout)[0];
    assert_eq!(record["source"], "<stdin>");
    assert_eq!(record["translation"], serde_json::Value::Null);
    // A 10-word budget is filled by the first sentence picked.
    let summary = record["summary"]["text"].as_str().unwrap();
    assert_eq!(summary.lines().count(), 1, "{summary}");
}

#[test]
fn batch_writes_one_json_line_per_article() {
    let sandbox = Sandbox::new();
    sandbox.write("1.txt", ARTICLE);
    sandbox.write("2.txt", SECOND_ARTICLE);
    succeed(sandbox.precis().args([
        "run",
        "--format",
        "json",
        "1.txt",
        "2.txt",
        "-o",
        "out.jsonl",
    ]));
    let written = std::fs::read(sandbox.path().join("out.jsonl")).unwrap();
    let records = json_records(&written);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["summary"]["model"]["name"], "textrank");
    assert_eq!(
        records[1]["title"],
        "Ferry timetable changes for the winter months"
    );
}

#[test]
fn tiny_t5_model_folder_summarizes_deterministically() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let model = workspace_root().join("crates/precis-infer/tests/fixtures/t5-tiny");
    let run = || {
        let output = succeed(
            sandbox
                .precis()
                .args([
                    "summarize",
                    "--format",
                    "json",
                    "--beams",
                    "2",
                    "--max-length",
                    "12",
                    "--model",
                ])
                .arg(&model)
                .arg("a.txt"),
        );
        json_records(&output.stdout).remove(0)
    };
    let first = run();
    assert_eq!(first["summary"]["model"]["family"], "t5");
    assert!(!first["summary"]["text"].as_str().unwrap().is_empty());
    assert_eq!(first, run());
}

#[test]
fn unknown_model_exits_3() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["run", "--model", "no-such-model", "a.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "unknown model `no-such-model`: not a catalog name, a built-in summarizer, a local folder, or a Hugging Face repo id; see `precis models list`",
        ));
}

#[test]
fn translation_without_model_exits_3_and_says_how_to_fetch_it() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["run", "--to", "pt", "a.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: no translation model for en → pt (en: the language a.txt was detected to be in)",
        ))
        // Without a model here, precis asks the registry (unreachable in the sandbox).
        .stderr(predicate::str::contains("cannot reach http://127.0.0.1:9/v1/buckets/main/collections/translations-models-v2/records: Connection Failed"))
        .stderr(predicate::str::contains("check the network connection"));
    // Offline, the registry is not asked: the model and the fix are named.
    sandbox
        .precis()
        .args(["run", "--offline", "--to", "pt", "a.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bergamot-en-pt"))
        .stderr(predicate::str::contains(
            "run `precis models fetch bergamot-en-pt` on a machine with network access",
        ));
}

#[test]
fn model_errors_come_before_reading_inputs() {
    // Every model a command needs is loaded first: no article is cleaned
    // (or lost to a later model error) when one is missing.
    let sandbox = Sandbox::new();
    sandbox.write("empty.txt", "");
    sandbox
        .precis()
        .args(["run", "--model", "no-such-model", "empty.txt"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("unknown model `no-such-model`"))
        .stderr(predicate::str::contains("the input is empty").not());
}

#[test]
fn already_clean_input_keeps_every_line() {
    // A donation appeal, which cleaning would drop, but a sentence, which
    // a summarizer may pick (it skips fragments such as "Read more").
    Sandbox::new()
        .precis()
        .args(["summarize", "--input", "clean", "--model", "lead3"])
        .write_stdin("The ferry runs again.\nSupport our newsroom with a donation today.\n")
        .assert()
        .success()
        .stdout("The ferry runs again.\nSupport our newsroom with a donation today.\n");
}
