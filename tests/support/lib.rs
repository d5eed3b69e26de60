//! Helpers shared by the end-to-end tests of the `precis` binary: building
//! it once, running it in a sealed environment, and finding repo files.
//!
//! `tests/` is its own package, so cargo does not set `CARGO_BIN_EXE_precis`
//! here. [`precis_bin`] instead runs `cargo build -p precis-cli --bin precis`
//! once per test process, with the profile and target dir of the running test,
//! and returns the built binary. Set `PRECIS_BIN` to test another binary
//! (e.g. a release build) without building.

// All unsafe code lives in precis-kernels, behind safe functions.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

pub use assert_cmd::Command;

pub mod schema;

// The README's library snippets compile and run as doctests here, not in a
// library crate: a published crate cannot read a file outside its folder.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// A plain-text scrape written for these tests: a site slogan, a title,
/// four body paragraphs, a donation appeal and a "Read more" link.
pub const ARTICLE: &str = "\
Valley Courier — News You Can Trust

Orchard town opens its first public library in forty years

The old grain store on Mill Street reopened on Saturday as a public library, the first the town of Brenholt has had since 1984.

Volunteers spent two winters repairing the roof and building shelves from the store's own timber. The council paid for new windows and a heating system.

\"People kept asking where the children could do their homework,\" said Ada Morrow, who chairs the library committee. \"Now they have an answer.\"

The library holds about six thousand books, most of them donated by residents. It opens four days a week and will be run by volunteers until the council can fund a librarian.

Support independent local journalism. Donate to the Valley Courier today.

Read more: Brenholt council approves budget
";

/// A second article of the same site, sharing its slogan and appeal, for
/// batch cleaning.
pub const SECOND_ARTICLE: &str = "\
Valley Courier — News You Can Trust

Ferry timetable changes for the winter months

The river ferry between Brenholt and Oskar's Landing will run every ninety minutes from November, instead of every hour, the operator announced on Tuesday.

The operator said fewer passengers travel in winter and that the crew would use the quieter months to service the engines.

Commuters said the change would make the first morning crossing too late for the factory shift that begins at seven.

Support independent local journalism. Donate to the Valley Courier today.
";

/// The repository root.
pub fn workspace_root() -> &'static Path {
    // CARGO_MANIFEST_DIR is `<root>/tests`.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// A file under `examples/`.
pub fn example(name: &str) -> PathBuf {
    workspace_root().join("examples").join(name)
}

/// A tiny model committed under `crates/precis-infer/tests/fixtures/`.
pub fn fixture_model(name: &str) -> PathBuf {
    workspace_root()
        .join("crates/precis-infer/tests/fixtures")
        .join(name)
}

/// Copies the files of folder `from` into `to` (created if needed).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the destination folder");
    for entry in std::fs::read_dir(from).expect("read the source folder") {
        let entry = entry.expect("list the source folder");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a model file");
    }
}

/// `../shared`: skipped with a notice where it is absent, a failure in CI.
pub fn shared_dir() -> Option<PathBuf> {
    precis_testdata::shared("")
}

/// The `precis` binary under test, built on first use. A failed build
/// fails every test of the process without building again.
pub fn precis_bin() -> &'static Path {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let bin = BIN.get_or_init(|| match std::env::var_os("PRECIS_BIN") {
        Some(bin) => Ok(PathBuf::from(bin)),
        None => build_precis(),
    });
    match bin {
        Ok(path) => path,
        Err(message) => panic!("{message}"),
    }
}

fn build_precis() -> Result<PathBuf, String> {
    // The test runs from `<target>/<profile>/deps/<test>-<hash>`.
    let exe = std::env::current_exe().map_err(|e| format!("test executable path: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test executable is not in <target>/<profile>/deps")?;
    let target_dir = profile_dir
        .parent()
        .ok_or("the profile dir has no parent")?;
    let profile = profile_dir
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or("the profile dir name is not UTF-8")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let output = StdCommand::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "--quiet", "-p", "precis-cli", "--bin", "precis"])
        .args([
            "--profile",
            if profile == "debug" { "dev" } else { profile },
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .output()
        .map_err(|e| format!("cannot run cargo to build precis: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo build -p precis-cli failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(profile_dir.join(format!("precis{}", std::env::consts::EXE_SUFFIX)))
}

/// Runs `cmd` and returns its output; the test fails, showing precis's
/// stderr, unless it exits 0.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let output = cmd.output().expect("cannot start precis");
    assert!(
        output.status.success(),
        "precis exited with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Parses `--format json` output (one object, or JSON Lines), checks every
/// record against `schema/record.schema.json`, and replaces every `*_ms`
/// timing by 0, so snapshots are deterministic.
pub fn json_records(stdout: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    let stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    stream
        .map(|value| {
            let mut value = value.expect("stdout is JSON");
            assert_record(&value);
            redact_timings(&mut value);
            value
        })
        .collect()
}

/// The JSON Schema of every command's records.
pub fn record_schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = workspace_root().join("schema/record.schema.json");
        let text = std::fs::read_to_string(&path).expect("read schema/record.schema.json");
        serde_json::from_str(&text).expect("schema/record.schema.json is JSON")
    })
}

/// Fails the test, naming the field, unless `record` fits the schema.
pub fn assert_record(record: &serde_json::Value) {
    if let Err(error) = schema::validate(record_schema(), record) {
        panic!("the record does not fit schema/record.schema.json: {error}\n{record:#}");
    }
}

fn redact_timings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key.ends_with("_ms") {
                    *value = serde_json::Value::from(0);
                } else {
                    redact_timings(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_timings),
        _ => {}
    }
}

/// The repository's `models/downloads` (filled by `just models`), when it
/// holds `folder`: skipped with a notice where it does not, a failure in CI.
pub fn downloaded_models(folder: &str) -> Option<PathBuf> {
    precis_testdata::downloaded(folder)?;
    Some(workspace_root().join("models/downloads"))
}

/// The registry URL sandboxed commands get: nothing listens there.
pub const UNREACHABLE_REGISTRY: &str = "http://127.0.0.1:9/v1";

/// A scratch directory for one test, and `precis` commands that run in a
/// sealed environment inside it: no Hub or registry access, empty Hugging Face and precis caches
/// and model folder (unless the test fills them), no colours, and the
/// scratch directory as working directory (so outputs name inputs by
/// relative, deterministic paths).
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temp dir");
        Sandbox { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The model folder `precis` looks in (`PRECIS_MODELS_DIR`); empty at first.
    pub fn models_dir(&self) -> PathBuf {
        self.path().join("models")
    }

    /// precis's own cache (`PRECIS_CACHE_DIR`), where registry models go.
    pub fn cache_dir(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// Writes `contents` to `name` inside the sandbox, creating parent folders.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folders");
        }
        std::fs::write(&path, contents).expect("write a test input");
        path
    }

    /// Copies the fixture model `fixture` to the folder `name` inside the
    /// sandbox, so commands name it by a short relative path.
    pub fn copy_model(&self, fixture: &str, name: &str) -> PathBuf {
        let dir = self.path().join(name);
        copy_dir(&fixture_model(fixture), &dir);
        dir
    }

    /// Puts the fixture model `fixture` into the sandbox's Hugging Face
    /// cache as `repo` at `revision`, laid out as huggingface_hub writes it,
    /// and returns the snapshot folder.
    pub fn cache_model_as(&self, fixture: &str, repo: &str, revision: &str) -> PathBuf {
        let snapshot = self
            .path()
            .join("hf/hub")
            .join(format!("models--{}", repo.replace('/', "--")))
            .join("snapshots")
            .join(revision);
        copy_dir(&fixture_model(fixture), &snapshot);
        snapshot
    }

    pub fn precis(&self) -> Command {
        Command::from_std(self.precis_std())
    }

    /// [`Sandbox::precis`] as a plain `std::process::Command`, for tests
    /// that start the process and act on it while it runs.
    pub fn precis_std(&self) -> StdCommand {
        let mut cmd = StdCommand::new(precis_bin());
        cmd.current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HF_HUB_OFFLINE", "1")
            .env("HF_HOME", self.path().join("hf"))
            .env("PRECIS_MODELS_DIR", self.models_dir())
            .env("PRECIS_CACHE_DIR", self.cache_dir())
            // The discard port: the registry is unreachable unless a test
            // serves one.
            .env("PRECIS_REGISTRY_URL", UNREACHABLE_REGISTRY)
            .env("NO_COLOR", "1");
        cmd
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// What a [`Server`] answers for one path: the body, how many of its
/// bytes are sent, and extra response headers.
#[derive(Clone)]
struct Route {
    body: Vec<u8>,
    end: usize,
    headers: Vec<(String, String)>,
}

type Routes = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Route>>>;

/// An HTTP server on 127.0.0.1 for tests: fixed bodies by path, `Range:
/// bytes=A-[B]` requests answered with 206 and `Content-Range` (as the
/// Hugging Face Hub's client asks), and routes that can break off early to
/// play a dropped connection.
#[derive(Clone)]
pub struct Server {
    origin: String,
    routes: Routes,
}

impl Server {
    /// Starts serving (nothing yet: add routes).
    pub fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let server = Server {
            origin: format!("http://{}", listener.local_addr().expect("local address")),
            routes: Default::default(),
        };
        let routes = server.routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = routes.clone();
                std::thread::spawn(move || answer(&stream, &routes));
            }
        });
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Serves `body` at `path`, with `headers`.
    pub fn route(&self, path: &str, body: Vec<u8>, headers: &[(&str, &str)]) {
        let route = Route {
            end: body.len(),
            body,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        };
        if let Ok(mut routes) = self.routes.lock() {
            routes.insert(path.to_string(), route);
        }
    }

    /// Applies `change` to the body and end of every route whose path
    /// starts with `prefix` and contains `part`.
    fn change(&self, prefix: &str, part: &str, change: impl Fn(&mut Vec<u8>, &mut usize)) {
        if let Ok(mut routes) = self.routes.lock() {
            for (path, route) in routes.iter_mut() {
                if path.starts_with(prefix) && path.contains(part) {
                    change(&mut route.body, &mut route.end);
                }
            }
        }
    }

    /// Serves the files of the folder `dir` as the Hugging Face Hub serves
    /// `repo` at `revision` (`/{repo}/resolve/{revision}/{file}`, with the
    /// commit and ETag headers its client reads); `HF_ENDPOINT` is then
    /// [`Server::origin`].
    pub fn serve_hub_repo(&self, repo: &str, revision: &str, dir: &Path) {
        for entry in std::fs::read_dir(dir).expect("read the model folder") {
            let path = entry.expect("list the model folder").path();
            if !path.is_file() {
                continue;
            }
            let body = std::fs::read(&path).expect("read a model file");
            let etag = format!("\"{}\"", sha256_hex(&body));
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            self.route(
                &format!("/{repo}/resolve/{revision}/{name}"),
                body,
                &[("X-Repo-Commit", revision), ("ETag", &etag)],
            );
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    <sha2::Sha256 as sha2::Digest>::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Answers one request on `stream` from `routes`.
fn answer(stream: &std::net::TcpStream, routes: &Routes) {
    use std::io::{BufRead, BufReader, Write};
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    let _ = reader.read_line(&mut request);
    let mut range = None;
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        if let Some((name, value)) = header.trim_end().split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = value.trim().strip_prefix("bytes=").map(str::to_owned);
            }
        }
        header.clear();
    }
    let path = request.split(' ').nth(1).unwrap_or("");
    let route = routes.lock().ok().and_then(|r| r.get(path).cloned());
    let mut stream = stream;
    let Some(route) = route else {
        let _ = write!(
            stream,
            "HTTP/1.1 404 X\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
        );
        return;
    };
    let total = route.body.len();
    let (status, start, last) = match range.as_deref().and_then(|r| r.split_once('-')) {
        Some((start, last)) => {
            let start: usize = start.parse().unwrap_or(0).min(total);
            let last: usize = last
                .parse()
                .unwrap_or(total.saturating_sub(1))
                .min(total.saturating_sub(1));
            (206, start, last)
        }
        None => (200, 0, total.saturating_sub(1)),
    };
    let body = route.body.get(start..=last).unwrap_or_default();
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status == 206 {
        head += &format!("Content-Range: bytes {start}-{last}/{total}\r\n");
    }
    for (name, value) in &route.headers {
        head += &format!("{name}: {value}\r\n");
    }
    head += "\r\n";
    let _ = stream.write_all(head.as_bytes());
    let end = route.end.saturating_sub(start).min(body.len());
    let _ = stream.write_all(&body[..end]);
}

/// A file a test registry publishes: (file name, fileType, content).
pub type PublishedFile<'a> = (&'a str, &'a str, Vec<u8>);

/// A Firefox Translations model registry on 127.0.0.1 for tests: the
/// Remote Settings root, the `translations-models-v2` records and their
/// attachments (served plain), as Mozilla's server lays them out. A route
/// can be cut short to play a dropped connection.
pub struct Registry {
    server: Server,
}

impl Registry {
    /// Starts serving `pairs`: (from, to, [(file name, fileType, content)]).
    pub fn serve(pairs: &[(&str, &str, Vec<PublishedFile>)]) -> Registry {
        let server = Server::start();
        let root = serde_json::json!({
            "capabilities": {"attachments": {"base_url": format!("{}/attachments/", server.origin())}}
        });
        server.route("/v1/", root.to_string().into_bytes(), &[]);
        let mut records = Vec::new();
        for (from, to, files) in pairs {
            for (name, file_type, content) in files {
                let location = format!("main-workspace/translations-models-v2/{from}{to}-{name}");
                records.push(serde_json::json!({
                    "name": name, "fileType": file_type, "sourceLanguage": from,
                    "targetLanguage": to, "version": "3.0", "filter_expression": "",
                    "attachment": {"hash": sha256_hex(content), "size": content.len(), "filename": name,
                        "location": location, "mimetype": "application/octet-stream"}
                }));
                server.route(&format!("/attachments/{location}"), content.clone(), &[]);
            }
        }
        let body = serde_json::json!({ "data": records }).to_string();
        server.route(
            "/v1/buckets/main/collections/translations-models-v2/records",
            body.into_bytes(),
            &[],
        );
        Registry { server }
    }

    /// The server URL precis takes (`PRECIS_REGISTRY_URL`).
    pub fn url(&self) -> String {
        format!("{}/v1", self.server.origin())
    }

    /// Makes every attachment whose path contains `part` break off halfway.
    pub fn cut_short(&self, part: &str) {
        self.server
            .change("/attachments/", part, |body, end| *end = body.len() / 2);
    }

    /// Replaces the attachment whose path contains `part` by other bytes
    /// (the records keep the published hash).
    pub fn tamper(&self, part: &str) {
        self.server.change("/attachments/", part, |body, _| {
            if let Some(byte) = body.first_mut() {
                *byte ^= 0xff;
            }
        });
    }
}
