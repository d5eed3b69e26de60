//! `precis eval`: ROUGE, BLEU/chrF and cleaning scores on small data sets
//! written here.

use precis_e2e::{succeed, Sandbox, ARTICLE};
use predicates::prelude::*;

fn summary_data(sandbox: &Sandbox) {
    let items = [
        serde_json::json!({"id": "a", "article": ARTICLE, "reference": "A library opened in Brenholt on Saturday."}),
        serde_json::json!({"id": "b", "article": "The ferry runs again.\nIt leaves at noon every day.", "reference": "The ferry runs again."}),
    ];
    let lines: String = items.iter().map(|item| format!("{item}\n")).collect();
    sandbox.write("data.jsonl", lines);
}

#[test]
fn rouge_of_given_predictions() {
    let sandbox = Sandbox::new();
    summary_data(&sandbox);
    sandbox.write(
        "pred.txt",
        "A library opened in Brenholt on Saturday.\nThe ferry runs again.\n",
    );
    sandbox
        .precis()
        .args([
            "eval",
            "summarize",
            "--data",
            "data.jsonl",
            "--predictions",
            "pred.txt",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "summarizer: given predictions\narticles: 2\n",
        ))
        .stdout(predicate::str::contains(
            "\nF           100.00  100.00  100.00  100.00\n",
        ));
}

#[test]
fn rouge_of_a_summarizer_as_json() {
    let sandbox = Sandbox::new();
    summary_data(&sandbox);
    let output = succeed(sandbox.precis().args([
        "eval",
        "summarize",
        "--data",
        "data.jsonl",
        "--model",
        "lead3",
        "--json",
    ]));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["model"]["name"], "lead3");
    assert_eq!(report["items"].as_array().unwrap().len(), 2);
    // lead3 of item b is the whole article, which contains the reference.
    assert_eq!(report["items"][1]["rouge"]["rouge1"]["recall"], 1.0);
}

#[test]
fn misaligned_predictions_exit_1() {
    let sandbox = Sandbox::new();
    summary_data(&sandbox);
    sandbox.write("pred.txt", "only one\n");
    sandbox
        .precis()
        .args([
            "eval",
            "summarize",
            "--data",
            "data.jsonl",
            "--predictions",
            "pred.txt",
        ])
        .assert()
        .code(1)
        .stderr(
            "error: pred.txt has 1 lines but data.jsonl has 2: they must be aligned line by line\n",
        );
}

/// The data set is the input: missing, it is an input error (1, not a
/// model error); empty, there is nothing to score, and zero scores would
/// read as a real result.
#[test]
fn missing_or_empty_data_sets_are_input_errors() {
    let sandbox = Sandbox::new();
    let eval = |data: &str| {
        let mut command = sandbox.precis();
        command.args(["eval", "summarize", "--data", data, "--model", "lead3"]);
        command
    };
    eval("absent.jsonl")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: cannot use the data set absent.jsonl\n  caused by: cannot read data set absent.jsonl",
        ));
    sandbox.write("empty.jsonl", "\n");
    eval("empty.jsonl")
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: the data set empty.jsonl holds no articles: there is nothing to score\n");
}

#[test]
fn bleu_and_chrf_of_given_translations() {
    let sandbox = Sandbox::new();
    sandbox.write("src.txt", "The ferry runs again.\nGood morning.\n");
    sandbox.write("ref.txt", "A balsa volta a funcionar.\nBom dia.\n");
    sandbox.write("hyp.txt", "A balsa volta a funcionar.\nBom dia.\n");
    sandbox
        .precis()
        .args(["eval", "translate", "--src", "src.txt", "--ref", "ref.txt", "--predictions", "hyp.txt"])
        .assert()
        .success()
        .stdout("translator: given predictions\nsentences: 2\nBLEU    100.00\nchrF    100.00\nchrF++  100.00\n");
}

#[test]
fn cleaning_snippet_scores() {
    let sandbox = Sandbox::new();
    let page = format!("<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav><article><h1>Library opens</h1><p>{}</p></article><footer>Copyright 2024 Valley Courier. All rights reserved.</footer></body></html>",
        "The old grain store on Mill Street reopened on Saturday as a public library, the first the town of Brenholt has had since 1984.");
    sandbox.write("pages/library.html", page);
    let expected = serde_json::json!({
        "https://example.org/library": {
            "file": "library.html",
            "with": ["reopened on Saturday as a public library"],
            "without": ["All rights reserved"]
        }
    });
    sandbox.write("pages/expected.json", expected.to_string());
    let output = succeed(sandbox.precis().args(["eval", "clean", "pages", "--json"]));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["pages"], 1);
    assert_eq!(report["counts"]["true_positives"], 1);
    assert_eq!(report["failures"].as_array().unwrap().len(), 0);
}
