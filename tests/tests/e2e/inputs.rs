//! Inputs (#19): `precis run URL` fetches the page from an HTTP server of
//! the test's own (std's TcpListener on a thread; no network), and folders
//! give their article files only, or those `--glob` picks.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

use precis_e2e::{json_records, succeed, Sandbox, ARTICLE};
use predicates::prelude::*;

/// What the test server answers for a path: status line, headers, body.
type Answer = (&'static str, Vec<(&'static str, String)>, Vec<u8>);

/// Starts an HTTP/1.1 server on a free local port that answers every
/// request with `answer(path)` and closes the connection; returns its base
/// URL. The thread lives as long as the test process.
fn serve(answer: fn(&str) -> Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream, answer));
        }
    });
    base
}

fn respond(mut stream: TcpStream, answer: fn(&str) -> Answer) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (status, headers, body) = answer(&path);
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    head += &format!("Content-Length: {}\r\n\r\n", body.len());
    // The client may hang up early (a body over the limit): not an error.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn html(body: &str) -> String {
    format!("<!doctype html><html><head><title>Ferry</title></head><body><article><h1>Ferry returns</h1>{body}</article></body></html>")
}

const PARAGRAPHS: &str = "<p>The old ferry carried its first passengers across the river on Monday after a year of repairs, the town council said.</p><p>The council paid for a new engine and a wider ramp, so cyclists no longer lift their bicycles on board.</p>";

fn pages(path: &str) -> Answer {
    let html_type = |charset: &str| vec![("Content-Type", format!("text/html{charset}"))];
    match path {
        "/article" => (
            "200 OK",
            html_type("; charset=utf-8"),
            html(PARAGRAPHS).into_bytes(),
        ),
        "/moved" => (
            "301 Moved Permanently",
            vec![("Location", "/article".to_owned())],
            Vec::new(),
        ),
        // "café" in Latin-1, named by the header only.
        "/latin1" => {
            let mut body = html(PARAGRAPHS).into_bytes();
            let at = body.windows(4).position(|w| w == b"<h1>").unwrap() + 4;
            body.splice(at..at, b"Caf\xe9 ".iter().copied());
            ("200 OK", html_type("; charset=ISO-8859-1"), body)
        }
        // The same, named by the page's <meta charset> only.
        "/meta" => {
            let page = html(PARAGRAPHS).replace("<head>", "<head><meta charset=\"windows-1252\">");
            let mut body = page.into_bytes();
            let at = body.windows(4).position(|w| w == b"<h1>").unwrap() + 4;
            body.splice(at..at, b"Caf\xe9 ".iter().copied());
            ("200 OK", html_type(""), body)
        }
        "/report.pdf" => (
            "200 OK",
            vec![("Content-Type", "application/pdf".to_owned())],
            b"%PDF-1.7".to_vec(),
        ),
        // One byte over the 64 MiB input limit.
        "/huge" => ("200 OK", html_type(""), vec![b'a'; 64 * 1024 * 1024 + 1]),
        _ => ("404 Not Found", html_type(""), b"not here".to_vec()),
    }
}

#[test]
fn run_fetches_a_url_following_redirects() {
    let base = serve(pages);
    let sandbox = Sandbox::new();
    for path in ["/article", "/moved"] {
        let url = format!("{base}{path}");
        let output = succeed(sandbox.precis().args(["run", "--format", "json", &url]));
        let record = json_records(&output.stdout).remove(0);
        assert_eq!(record["source"], url.as_str());
        assert!(
            record["title"].as_str().unwrap().contains("Ferry"),
            "{record}"
        );
        assert!(
            record["text"].as_str().unwrap().contains("a wider ramp"),
            "{record}"
        );
    }
}

#[test]
fn a_urls_charset_comes_from_the_header_or_the_page() {
    let base = serve(pages);
    let sandbox = Sandbox::new();
    for path in ["/latin1", "/meta"] {
        let output = succeed(sandbox.precis().args(["clean", &format!("{base}{path}")]));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Café Ferry returns"), "{path}: {text}");
    }
}

#[test]
fn a_url_that_is_no_page_fails_clearly() {
    let base = serve(pages);
    let sandbox = Sandbox::new();
    let fails = |path: &str, message: &str| {
        sandbox
            .precis()
            .args(["run", &format!("{base}{path}")])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message.to_owned()));
    };
    fails(
        "/report.pdf",
        "/report.pdf is application/pdf, not a web page: precis reads HTML and plain text",
    );
    fails("/gone", "/gone: the server answered 404 Not Found");
    fails("/huge", "/huge is larger than the 64 MiB input limit");
    // Nothing listens on port 9 of this machine (discard): a clear error.
    sandbox
        .precis()
        .args(["run", "http://127.0.0.1:9/article"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: cannot fetch http://127.0.0.1:9/article: ",
        ));
}

#[test]
fn folders_read_article_files_only_or_the_glob() {
    let sandbox = Sandbox::new();
    sandbox.write("site/a.txt", ARTICLE);
    sandbox.write(
        "site/b.html",
        format!("<html><body><article>{PARAGRAPHS}</article></body></html>"),
    );
    sandbox.write("site/out.json", "{\"not\": \"an article\"}");
    sandbox.write("site/c.xhtml", html(PARAGRAPHS));
    let output = succeed(sandbox.precis().args(["clean", "--format", "json", "site"]));
    let sources: Vec<String> = json_records(&output.stdout)
        .iter()
        .map(|record| record["source"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sources, ["site/a.txt", "site/b.html"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains(
        "note: site: skipped 2 file(s) that are not .html, .htm, .txt or .md (--glob PATTERN picks others): c.xhtml, out.json"
    ));
    let output = succeed(
        sandbox
            .precis()
            .args(["clean", "--format", "json", "--glob", "*.xhtml", "site"]),
    );
    let records = json_records(&output.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["source"], "site/c.xhtml");
}
