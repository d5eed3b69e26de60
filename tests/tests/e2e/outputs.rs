//! What `precis` writes (#19): one JSON record layout for `clean`,
//! `summarize`, `translate` and `run` (`schema/record.schema.json`, checked
//! on every record the suite parses), failed articles as records, notes
//! apart from warnings, per-article timings, text and Markdown `run` output
//! with the article and its byline, summary-only `summarize` text, notes
//! held back in batches, models resolved before the work, BCP 47 target
//! tags.

use precis_e2e::{assert_record, json_records, record_schema, schema, succeed, Sandbox};
use precis_e2e::{ARTICLE, SECOND_ARTICLE};
use predicates::prelude::*;

/// A page of our own with the facts a byline shows.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head>
<title>Harbour ferry "Maria" returns: a town celebrates</title>
<meta name="author" content="Ada Morrow">
<meta property="article:published_time" content="2024-05-01T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Harbour ferry "Maria" returns: a town celebrates</h1>
<p>The harbour ferry Maria carried her first passengers across the bay on Monday after a winter of repairs in the old shipyard.</p>
<p>The town council paid for a new engine and a wider ramp, so that cyclists no longer have to lift their bicycles on board.</p>
<p>Crowds waited on the quay in the rain, and the mayor rang the ship's bell as the ferry left for the island.</p>
</article>
</body></html>
"#;

#[test]
fn every_command_writes_one_versioned_record_layout() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let record = |args: &[&str]| {
        let output = succeed(sandbox.precis().args(args));
        // json_records checks each record against the schema.
        json_records(&output.stdout).remove(0)
    };
    let clean = record(&["clean", "--format", "json", "a.txt"]);
    let summarize = record(&[
        "summarize",
        "--model",
        "textrank",
        "--format",
        "json",
        "a.txt",
    ]);
    let run = record(&["run", "--format", "json", "a.txt"]);
    // No model is needed to pass an English text through to English.
    let translate = record(&["translate", "--to", "en", "--format", "json", "a.txt"]);
    for record in [&clean, &summarize, &run, &translate] {
        assert_eq!(record["schema"], "precis/1", "{record}");
        assert_eq!(record["source"], "a.txt");
        assert!(record["error"].is_null());
    }
    // The flat text is what `precis clean` prints.
    let text = succeed(sandbox.precis().args(["clean", "a.txt"])).stdout;
    assert_eq!(
        clean["text"].as_str().unwrap(),
        String::from_utf8(text).unwrap().trim_end()
    );
    assert_eq!(clean["text"], run["text"]);
    assert!(clean["summary"].is_null() && clean["translation"].is_null());
    // The summary is a text and its lines, as the translation is.
    let summary = &run["summary"];
    let lines: Vec<&str> = summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert_eq!(summary["text"].as_str().unwrap(), lines.join("\n"));
    assert_eq!(summary["model"]["name"], "textrank");
    assert_eq!(
        translate["translation"]["article"]["text"],
        translate["text"]
    );
    assert!(translate["translation"]["model"].is_null());
    assert!(translate["cleaning"].is_null() && translate["metadata"].is_null());
    // What cleaning removed is a note; there is nothing to warn about.
    assert_eq!(
        run["notes"],
        serde_json::json!([
            "cleaning: removed 3 blocks: 1 navigation, 1 donation appeal, 1 call to action"
        ])
    );
    assert_eq!(run["warnings"], serde_json::json!([]));
    assert_eq!(
        translate["notes"],
        serde_json::json!(["translation: the text is already in en: passed through untranslated"])
    );
}

#[test]
fn the_schema_rejects_records_that_break_it() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = succeed(sandbox.precis().args(["run", "--format", "json", "a.txt"]));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_record(&record);
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = record.clone();
        edit(&mut copy);
        schema::validate(record_schema(), &copy)
    };
    assert!(broken(&|r| r["schema"] = "precis/0".into()).is_err());
    assert!(broken(&|r| r["summary"]["text"] = 3.into()).is_err());
    assert!(broken(&|r| r["translation"] = serde_json::json!({"to": "pt"})).is_err());
    assert!(broken(&|r| r["error"] = serde_json::json!({"kind": "oops", "message": ""})).is_err());
    assert!(broken(&|r| {
        r.as_object_mut().unwrap().remove("notes");
    })
    .is_err());
    assert!(broken(&|r| r["surprise"] = true.into()).is_err());
}

#[test]
fn a_failed_article_is_a_record_and_the_exit_code_says_so() {
    let sandbox = Sandbox::new();
    sandbox.write("site/1.txt", ARTICLE);
    sandbox.write("site/2.txt", "");
    sandbox.write("site/3.txt", SECOND_ARTICLE);
    let output = sandbox
        .precis()
        .args(["run", "--format", "json", "site"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let records = json_records(&output.stdout);
    assert_eq!(records.len(), 3, "one record per article, failed or not");
    let failed = &records[1];
    assert_eq!(failed["source"], "site/2.txt");
    assert_eq!(failed["error"]["kind"], "input");
    assert!(
        failed["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the input is empty"),
        "{failed}"
    );
    assert!(records[0]["error"].is_null() && records[2]["error"].is_null());
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 of 3 articles failed"));
}

#[test]
fn cleaning_time_is_measured_per_article() {
    let sandbox = Sandbox::new();
    sandbox.write("site/big.txt", ARTICLE.repeat(400));
    sandbox.write("site/small.txt", SECOND_ARTICLE);
    let output = succeed(sandbox.precis().args(["clean", "--format", "json", "site"]));
    let text = String::from_utf8(output.stdout).unwrap();
    let clean_ms: Vec<f64> = text
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            record["timings"]["clean_ms"].as_f64().unwrap()
        })
        .collect();
    // A batch's articles used to share one figure, the whole batch's.
    assert!(clean_ms[0] > clean_ms[1], "{clean_ms:?}");
}

#[test]
fn run_text_shows_title_byline_source_article_then_summary() {
    let sandbox = Sandbox::new();
    sandbox.write("page.html", PAGE);
    let output = succeed(
        sandbox
            .precis()
            .args(["run", "--model", "lead3", "page.html"]),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(concat!(
            "Harbour ferry \"Maria\" returns: a town celebrates\n",
            "Ada Morrow · 2024-05-01T09:30:00Z\n",
            "Source: page.html\n\n",
            "The harbour ferry Maria carried her first passengers",
        )),
        "{text}"
    );
    let article = text.find("Crowds waited on the quay").unwrap();
    let summary = text
        .find("\n\nSummary (lead3):\nThe harbour ferry")
        .unwrap();
    assert!(article < summary, "{text}");
}

#[test]
fn run_markdown_opens_with_yaml_front_matter() {
    let sandbox = Sandbox::new();
    sandbox.write("page.html", PAGE);
    let output = succeed(sandbox.precis().args([
        "run",
        "--model",
        "lead3",
        "--format",
        "markdown",
        "page.html",
    ]));
    let markdown = String::from_utf8(output.stdout).unwrap();
    // Every value is quoted: the title's colon and quotes stay text.
    assert!(
        markdown.starts_with(concat!(
            "---\n",
            "title: \"Harbour ferry \\\"Maria\\\" returns: a town celebrates\"\n",
            "author: \"Ada Morrow\"\n",
            "date: \"2024-05-01T09:30:00Z\"\n",
            "source: \"page.html\"\n",
            "language: \"en\"\n",
            "summarizer: \"lead3\"\n",
            "---\n\n",
            "# Harbour ferry \"Maria\" returns: a town celebrates\n\n",
            "The harbour ferry Maria carried",
        )),
        "{markdown}"
    );
    assert!(
        markdown.contains("\n\n## Summary\n\nThe harbour ferry"),
        "{markdown}"
    );
    assert!(
        markdown.contains("## Notes\n\n- cleaning: removed"),
        "{markdown}"
    );
}

#[test]
fn summarize_text_is_only_the_summary() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = succeed(
        sandbox
            .precis()
            .args(["summarize", "--model", "lead3", "a.txt"]),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("The old grain store on Mill Street reopened on Saturday"),
        "{text}"
    );
    assert!(!text.contains("Summary"), "{text}");
}

#[test]
fn a_batch_holds_its_notes_back_to_one_line() {
    let sandbox = Sandbox::new();
    sandbox.write("site/1.txt", ARTICLE);
    sandbox.write("site/2.txt", SECOND_ARTICLE);
    let quiet = sandbox
        .precis()
        .args(["clean", "site"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let quiet = String::from_utf8(quiet).unwrap();
    assert_eq!(
        quiet,
        "note: 2 of 2 articles have notes (such as what cleaning removed): -v shows them, and the JSON output lists each article's under `notes`\n"
    );
    sandbox
        .precis()
        .args(["clean", "-v", "site"])
        .assert()
        .success()
        .stderr(predicate::str::contains("note: site/1.txt: removed"))
        .stderr(predicate::str::contains("note: site/2.txt: removed"));
}

#[test]
fn a_missing_translation_model_stops_run_before_summarizing() {
    // `--from auto`: the model is known once the articles are cleaned and
    // their language detected, and is looked for before any is summarized.
    let sandbox = Sandbox::new();
    sandbox.write("site/1.txt", ARTICLE);
    sandbox.write("site/2.txt", SECOND_ARTICLE);
    let output = sandbox
        .precis()
        .args(["run", "--to", "de", "--format", "json", "site"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("articles failed"), "{stderr}");
    // In `run`, --model is the summarizer: the hint names the translation
    // model's option.
    assert!(stderr.contains("--translation-model"), "{stderr}");
    assert!(!stderr.contains("with --model"), "{stderr}");
    // A given pair's model is looked for before any input is read.
    sandbox.write("empty.txt", "");
    sandbox
        .precis()
        .args(["run", "--from", "en", "--to", "de", "empty.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("opus-mt-en-de"))
        .stderr(predicate::str::contains("the input is empty").not());
}

#[test]
fn translate_hints_name_its_own_model_option() {
    let sandbox = Sandbox::new();
    sandbox
        .precis()
        .args(["translate", "--from", "en", "--to", "de"])
        .write_stdin("The ferry runs again.\n")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--model"))
        .stderr(predicate::str::contains("--translation-model").not());
}

#[test]
fn target_tags_are_bcp_47_in_any_case() {
    // Portuguese passes through to any Portuguese tag without a model.
    let artigo = "A pequena balsa a diesel levou os primeiros passageiros de uma margem à outra na segunda-feira, pondo fim a um ano sem travessia.\n";
    let sandbox = Sandbox::new();
    let translate = |to: &str| {
        let output = succeed(
            sandbox
                .precis()
                .args(["translate", "--to", to, "--format", "json"])
                .write_stdin(artigo),
        );
        json_records(&output.stdout).remove(0)
    };
    let regional = translate("pt-BR");
    assert_eq!(regional["translation"]["to"], "pt", "{regional}");
    assert!(
        regional["notes"]
            .to_string()
            .contains("pt-BR was asked for and served as pt"),
        "{regional}"
    );
    let upper = translate("PT");
    assert_eq!(upper["translation"]["to"], "pt", "{upper}");
    assert_eq!(
        upper["notes"],
        serde_json::json!(["translation: the text is already in pt: passed through untranslated"])
    );
    sandbox
        .precis()
        .args(["translate", "--to", "p t"])
        .write_stdin(artigo)
        .assert()
        .code(2);
}
