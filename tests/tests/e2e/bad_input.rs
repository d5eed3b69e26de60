//! The bad-input matrix: every input problem exits 1 with a message that
//! names the file and the problem; repairable input gives a warning;
//! nothing crashes, and one bad file does not stop a batch.

use precis_e2e::{json_records, Sandbox, ARTICLE, SECOND_ARTICLE};
use predicates::prelude::*;

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn refused_inputs_exit_1_naming_file_and_problem() {
    let sandbox = Sandbox::new();
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.txt", b"", "error: cannot use empty.txt\n  caused by: the input is empty: pass a file or stdin that contains the article's text or HTML\n"),
        ("blank.txt", b" \n\t\n\xC2\xA0\n", "error: cannot use blank.txt\n  caused by: the input contains only whitespace: pass a file that contains the article's text or HTML\n"),
        ("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "error: cannot use image.png\n  caused by: the input is binary data (a PNG image), not text: pass the article as plain text or HTML (for PDFs or images, extract the text first)\n"),
        ("nul.txt", b"text\0more", "error: cannot use nul.txt\n  caused by: the input is binary data (a NUL byte at offset 4), not text: pass the article as plain text or HTML (for PDFs or images, extract the text first)\n"),
        ("odd-utf16.txt", b"\xFF\xFEa\x00b", "error: cannot use odd-utf16.txt\n  caused by: the input starts with a UTF-16 byte-order mark but is not valid UTF-16 (odd number of bytes): re-save the file as UTF-8\n"),
    ];
    for (name, bytes, message) in cases {
        sandbox.write(name, bytes);
        for command in ["clean", "run", "summarize"] {
            // Models load before the first input is read: run and summarize
            // may first note which summarizer they fell back to.
            let stderr = sandbox
                .precis()
                .args([command, name])
                .assert()
                .code(1)
                .stdout("")
                .get_output()
                .stderr
                .clone();
            let stderr = String::from_utf8(stderr).unwrap();
            let error = stderr.find("error: ").map_or("", |at| &stderr[at..]);
            assert_eq!(error, *message, "{command}: {stderr}");
            assert!(
                stderr[..stderr.len() - error.len()]
                    .lines()
                    .all(|line| line.starts_with("note: ")),
                "{command}: {stderr}"
            );
        }
    }
}

#[test]
fn empty_stdin() {
    Sandbox::new()
        .precis()
        .arg("run")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: cannot use <stdin>\n  caused by: the input is empty",
        ));
}

#[test]
fn missing_file() {
    Sandbox::new()
        .precis()
        .args(["clean", "missing.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: cannot read missing.txt\n  caused by: No such file or directory",
        ));
}

#[test]
fn empty_folder() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path().join("none")).unwrap();
    sandbox
        .precis()
        .args(["clean", "none"])
        .assert()
        .code(1)
        .stderr("error: the folder none has no article files to read: pass a folder that holds .html, .htm, .txt or .md files, or pick its files with --glob PATTERN\n");
}

#[test]
fn invalid_utf8_is_repaired_with_a_warning() {
    let sandbox = Sandbox::new();
    let mut bytes = ARTICLE
        .replace("Mill Street", "Mill Stra\u{df}e")
        .into_bytes();
    // "ß" in Latin-1, as a mis-saved scrape has it.
    let at = bytes.windows(2).position(|w| w == "ß".as_bytes()).unwrap();
    bytes.splice(at..at + 2, [0xDF]);
    sandbox.write("latin1.txt", bytes);
    let output = sandbox
        .precis()
        .args(["run", "--format", "json", "latin1.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: latin1.txt: cleaning: the input is not valid UTF-8: 1 invalid byte sequence(s) were replaced by U+FFFD"),
        "{stderr}"
    );
    let record = &json_records(&output.stdout)[0];
    assert!(
        record["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("cleaning: the input is not valid UTF-8"),
        "{record}"
    );
    assert!(record["cleaning"]["paragraphs"][0]["text"]
        .as_str()
        .unwrap()
        .contains("Mill Stra\u{FFFD}e"));
}

#[test]
fn utf16_with_bom_is_decoded() {
    let sandbox = Sandbox::new();
    sandbox.write("utf16.txt", utf16le_with_bom(ARTICLE));
    sandbox
        .precis()
        .args(["clean", "utf16.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Orchard town opens its first public library in forty years\n",
        ));
}

#[test]
fn nothing_usable_kept() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "furniture.txt",
        "Read more\n\nShare this article\n\nSubscribe to our newsletter\n",
    );
    let expected = predicate::str::contains(
        "error: nothing usable was kept from furniture.txt (removed 3 blocks:",
    );
    sandbox
        .precis()
        .args(["run", "furniture.txt"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(expected.clone());
    // `clean` still shows what was removed, and fails.
    sandbox
        .precis()
        .args(["clean", "--format", "json", "furniture.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"reason\":"))
        .stderr(expected);
}

#[test]
fn folder_with_bad_files_processes_the_rest_and_lists_failures() {
    let sandbox = Sandbox::new();
    sandbox.write("site/a.txt", ARTICLE);
    sandbox.write("site/b.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    sandbox.write("site/d.txt", "");
    // A dangling link cannot be read, even by root (which reads mode-000 files).
    std::os::unix::fs::symlink("gone.txt", sandbox.path().join("site/c.txt")).unwrap();
    let output = sandbox
        .precis()
        // Every file, the image too (a folder otherwise skips it).
        .args(["run", "--format", "json", "--glob", "*", "site"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // One record per article; the failed ones say why.
    let records = json_records(&output.stdout);
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["site/a.txt", "site/b.png", "site/c.txt", "site/d.txt"]
    );
    assert!(records[0]["error"].is_null());
    assert!(records[1..].iter().all(|r| r["error"]["kind"] == "input"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error: 3 of 4 articles failed:\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "\n  site/b.png: cannot use site/b.png: the input is binary data (a PNG image)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("\n  site/c.txt: cannot read site/c.txt: No such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\n  site/d.txt: cannot use site/d.txt: the input is empty"),
        "{stderr}"
    );
}

#[test]
fn oversized_input_is_refused_with_the_limit() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("huge.txt", "");
    // Sparse: 64 MiB + 1 byte of zeros without writing them.
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    sandbox
        .precis()
        .args(["clean", "huge.txt"])
        .assert()
        .code(1)
        .stderr("error: huge.txt is larger than the 64 MiB input limit: split it into articles and pass them as separate files\n");
}

#[test]
fn hundred_megabytes_on_stdin_are_refused_with_the_limit() {
    // Read up to the limit and no further (peak RSS 76 MB for 100 MB piped
    // in, `/usr/bin/time -v`), whether or not the writer gets to finish.
    let line = "The ferry runs every half hour until dusk, the operator said.\n";
    let text = line.repeat(100_000_000 / line.len());
    Sandbox::new()
        .precis()
        .args(["clean", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: <stdin> is larger than the 64 MiB input limit: split it into articles and pass them as separate files\n");
}

#[test]
fn deeply_nested_html_does_not_crash() {
    let sandbox = Sandbox::new();
    let depth = 10_000;
    let html = format!(
        "<html><body>{}<p>The bottom of a very deep page still holds a sentence.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    sandbox.write("deep.html", html);
    sandbox
        .precis()
        .args(["clean", "deep.html"])
        .assert()
        .success()
        .stdout("The bottom of a very deep page still holds a sentence.\n");
}

#[test]
fn one_megabyte_line_without_punctuation_terminates() {
    let sandbox = Sandbox::new();
    let words = [
        "river", "town", "council", "ferry", "library", "winter", "bridge",
    ];
    let line: Vec<&str> = (0..150_000)
        .map(|i| words[(i * 7 + i / 3) % words.len()])
        .collect();
    sandbox.write("line.txt", line.join(" "));
    let assert = sandbox
        .precis()
        .args(["run", "line.txt"])
        .timeout(std::time::Duration::from_secs(120))
        .assert();
    // Kept or judged unusable, but always an answer, never a crash.
    let code = assert.get_output().status.code();
    assert!(matches!(code, Some(0 | 1)), "{:?}", assert.get_output());
}

#[test]
fn timeout_gives_up_on_the_article() {
    let sandbox = Sandbox::new();
    let article: String = (0..400)
        .map(|i| format!("Sentence number {i} says the council met on day {i} to discuss the river and the ferry timetable.\n\n"))
        .collect();
    sandbox.write("long.txt", article);
    sandbox
        .precis()
        .args(["run", "--quiet", "--timeout", "0.001", "long.txt"])
        .assert()
        .code(1)
        .stderr("error: long.txt: gave up after 1ms; raise --timeout or shorten the article\n");
}

#[test]
fn unwritable_output_location() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["clean", "a.txt", "-o", "no/such/folder/out.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: cannot write the output file no/such/folder/out.txt\n  caused by: No such file or directory",
        ));
}

#[test]
fn full_output_device() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("notice: /dev/full is absent; skipping");
        return;
    }
    sandbox
        .precis()
        .args(["clean", "--quiet", "a.txt", "-o", "/dev/full"])
        .assert()
        .code(1)
        .stderr(
            "error: cannot write the output\n  caused by: No space left on device (os error 28)\n",
        );
}

#[test]
fn interrupted_batch_leaves_only_whole_json_lines() {
    let sandbox = Sandbox::new();
    // Long enough articles that the batch is still running when the
    // signal comes, even on a loaded machine.
    for i in 0..300 {
        let article: String = (0..150)
            .map(|s| format!("Report {i} notes that on day {s} the council of town {i} met about the ferry and the library.\n\n"))
            .collect();
        sandbox.write(&format!("site/{i:03}.txt"), article);
    }
    let mut child = sandbox
        .precis_std()
        .args([
            "run",
            "--quiet",
            "--model",
            "textrank",
            "--format",
            "json",
            "site",
            "-o",
            "out.jsonl",
        ])
        .spawn()
        .unwrap();
    let out = sandbox.path().join("out.jsonl");
    let started = std::time::Instant::now();
    while std::fs::read(&out).map_or(true, |bytes| bytes.is_empty())
        && started.elapsed().as_secs() < 120
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SIGTERM, not SIGINT: a test run started in the background by a
    // non-interactive shell (as CI scripts are) inherits SIGINT ignored,
    // and precis rightly keeps an ignored signal ignored.
    let interrupted = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.ends_with('\n'), "a record was cut off:\n{written}");
    let records = json_records(written.as_bytes());
    assert!(!records.is_empty());
    // A batch that finished before the signal tested nothing.
    assert!(
        records.len() < 300 && !status.success(),
        "the interrupt came after the batch ended ({} records, {status:?})",
        records.len()
    );
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["source"], format!("site/{i:03}.txt"));
    }
}

/// HTML bombs must neither expand nor take long: these finish in seconds
/// and under 70 MB peak RSS (`/usr/bin/time -v precis clean`, debug build).
const BOMB_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

#[test]
fn billion_laughs_entities_are_not_expanded() {
    // XML's internal subset: HTML has no user-defined entities, so
    // `&lol9;` (10⁹ "lol"s to an XML parser) stays as written.
    let mut subset = String::from("<!ENTITY lol \"lol\">\n");
    for level in 1..=9 {
        let previous = if level == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        subset.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    let page = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n{subset}]>\n<html><head><title>Laughs</title></head><body><article>\
         <h1>Ferry returns</h1><p>The old ferry carried its first passengers on Monday after a year of repairs, the town council said. &lol9;</p>\
         <p>Crossings run every half hour until dusk, the operator said on Tuesday morning.</p></article></body></html>\n"
    );
    let sandbox = Sandbox::new();
    sandbox.write("laughs.html", page);
    sandbox
        .precis()
        .args(["clean", "laughs.html"])
        .timeout(BOMB_TIMEOUT)
        .assert()
        .success()
        .stdout("Ferry returns\n\nThe old ferry carried its first passengers on Monday after a year of repairs, the town council said. &lol9;\n\nCrossings run every half hour until dusk, the operator said on Tuesday morning.\n")
        .stderr("note: laughs.html: removed 1 block: 1 outside main content\n");
}

#[test]
fn megabytes_of_character_references_decode_once() {
    let lead =
        "The ferry returned to the river on Monday after a year of repairs, the council said.";
    // 14.5 MB: 2M `&amp;`, 500k `&#x1F600;`, and `&amp;lol;` that must
    // decode to `&lol;` once, never on to anything else.
    let page = format!(
        "<html><body><article><h1>Ferry returns</h1><p>{lead}</p><p>{}</p><p>{}</p><p>{}</p></article></body></html>",
        "&amp;".repeat(2_000_000),
        "&#x1F600;".repeat(500_000),
        "&amp;lol; ".repeat(1000),
    );
    let sandbox = Sandbox::new();
    sandbox.write("refs.html", page);
    let output = sandbox
        .precis()
        .args(["clean", "refs.html"])
        .timeout(BOMB_TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let expected = format!(
        "Ferry returns\n\n{lead}\n\n{}\n\n{}\n\n{}\n",
        "&".repeat(2_000_000),
        "\u{1F600}".repeat(500_000),
        ["&lol;"; 1000].join(" "),
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout == expected,
        "{} bytes out, {} expected; starts {:?}",
        stdout.len(),
        expected.len(),
        stdout.chars().take(200).collect::<String>()
    );
}

#[test]
fn page_of_a_hundred_thousand_elements_keeps_the_article() {
    let items: String = (0..100_000).map(|i| format!("<p>Item {i}</p>")).collect();
    let page = format!(
        "<html><body>{items}<article><h1>Ferry returns</h1><p>The ferry returned to the river on Monday after a year of repairs, the council said.</p></article></body></html>"
    );
    let sandbox = Sandbox::new();
    sandbox.write("flat.html", page);
    sandbox
        .precis()
        .args(["clean", "flat.html"])
        .timeout(BOMB_TIMEOUT)
        .assert()
        .success()
        .stdout("Ferry returns\n\nThe ferry returned to the river on Monday after a year of repairs, the council said.\n")
        .stderr("note: flat.html: removed 100000 blocks: 100000 outside main content\n");
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let sandbox = Sandbox::new();
    sandbox.write("x.txt", ARTICLE);
    for command in [
        &["run", "--model", "textrank", "x.txt", "-o", "x.txt"][..],
        &["clean", "x.txt", "-o", "x.txt"],
        &["translate", "--to", "pt", "x.txt", "-o", "x.txt"],
    ] {
        sandbox
            .precis()
            .args(command)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "the output file x.txt is also an input (x.txt): writing it would destroy the article; pass another -o FILE",
            ));
        assert_eq!(
            std::fs::read_to_string(sandbox.path().join("x.txt")).unwrap(),
            ARTICLE,
            "{command:?}"
        );
    }
}

#[test]
fn a_previous_output_in_the_input_folder_is_not_an_article() {
    let sandbox = Sandbox::new();
    sandbox.write("site/a.txt", ARTICLE);
    sandbox.write("site/b.txt", SECOND_ARTICLE);
    sandbox.write("site/out.jsonl", "{\"old\": true}\n");
    let output = sandbox
        .precis()
        .args(["run", "--model", "textrank", "--format", "json"])
        // Every file of the folder, so the output file is one of them.
        .args(["site", "--glob", "*", "-o", "site/out.jsonl"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "site/out.jsonl: skipped, it is the output file (-o)",
        ))
        .get_output()
        .clone();
    assert!(output.stdout.is_empty());
    let records = json_records(&std::fs::read(sandbox.path().join("site/out.jsonl")).unwrap());
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["site/a.txt", "site/b.txt"]);
}

#[test]
fn escape_sequences_in_an_article_never_reach_the_terminal() {
    let sandbox = Sandbox::new();
    let hostile = ARTICLE.replacen(
        "The old grain store",
        "The old \u{1b}[31mgrain\u{1b}]0;pwned\u{7} store",
        1,
    );
    assert_ne!(hostile, ARTICLE);
    sandbox.write("esc.txt", &hostile);
    let body = ARTICLE
        .replacen("The old grain store", "The old &#x1b;[31mgrain store", 1)
        .replace("\n\n", "</p><p>");
    sandbox.write(
        "esc.html",
        format!("<html><body><article><p>{body}</p></article></body></html>"),
    );
    for (file, format) in [
        ("esc.txt", "text"),
        ("esc.txt", "markdown"),
        ("esc.html", "text"),
        ("esc.html", "markdown"),
    ] {
        for command in ["clean", "run"] {
            let output = sandbox
                .precis()
                .args([command, "--quiet", file, "--format", format])
                .args(if command == "run" {
                    &["--model", "lead3"][..]
                } else {
                    &[]
                })
                .assert()
                .success()
                .get_output()
                .clone();
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert!(
                !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
                "{command} {file} {format}: {stdout:?}"
            );
            assert!(
                stdout.contains("old \u{241b}[31mgrain"),
                "shown, not dropped: {command} {file} {format}: {stdout:?}"
            );
        }
    }
}

#[test]
fn beam_counts_are_capped_from_the_command_line_and_from_a_config() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let model = sandbox.copy_model("t5-tiny", "t5");
    let refused = "num_beams (--beams) is 65536; precis searches at most 64 beams";
    sandbox
        .precis()
        .args(["summarize", "--model", "t5", "--beams", "65535", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "num_beams (--beams) is 65535; precis searches at most 64 beams",
        ));
    // A model whose own settings ask for more is refused the same way,
    // before any memory is spent on it.
    let config_path = model.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    config["task_specific_params"]["summarization"]["num_beams"] = 65536.into();
    std::fs::write(&config_path, config.to_string()).unwrap();
    sandbox
        .precis()
        .args(["summarize", "--model", "t5", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(refused));
}

#[test]
fn threads_beyond_the_cores_are_clamped_with_a_notice() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let cores = std::thread::available_parallelism().unwrap().get();
    sandbox
        .precis()
        .args(["run", "--model", "textrank", "--threads", "10000", "a.txt"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "note: --threads 10000 is more than this machine's {cores} core(s); using {cores}"
        )));
}

#[test]
fn duplicated_and_reposted_articles_in_a_batch_keep_their_bodies() {
    let sandbox = Sandbox::new();
    sandbox.write("site/a.txt", ARTICLE);
    sandbox.write("site/b.txt", ARTICLE);
    // A repost: the same story under another headline.
    sandbox.write(
        "site/c.txt",
        ARTICLE.replacen(
            "Orchard town opens its first public library in forty years",
            "Library returns to Brenholt after four decades",
            1,
        ),
    );
    let output = sandbox
        .precis()
        .args(["clean", "--format", "json", "site"])
        .assert()
        .success()
        .get_output()
        .clone();
    let alone = json_records(
        &sandbox
            .precis()
            .args(["clean", "--format", "json", "site/a.txt"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let body = |record: &serde_json::Value| -> Vec<String> {
        record["cleaning"]["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let records = json_records(&output.stdout);
    assert_eq!(records.len(), 3);
    for record in &records {
        assert_eq!(body(record), body(&alone[0]), "{}", record["source"]);
    }
}
