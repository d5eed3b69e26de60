//! Stage 0, read: turn the paths and URLs on the command line into
//! articles' bytes. Folders expand to their article files, `-` (or
//! nothing) is stdin, an `http(s)://` URL is fetched, and an input that
//! cannot be read fails alone so the rest of a batch still runs.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::failure::Failure;

/// Largest input precis reads. Cleaning and summarizing hold an article in
/// memory several times over, so a bigger file is refused up front rather
/// than exhausting memory half-way.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The files a folder gives when no `--glob` picks them: the formats
/// articles are saved in (a stray `.json` or image is no article).
const ARTICLE_EXTENSIONS: [&str; 4] = ["html", "htm", "txt", "md"];

/// How long fetching a URL may take: to connect, and in all.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Where an article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
    /// An `http://` or `https://` URL, fetched.
    Url(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("<stdin>"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Url(url) => f.write_str(url),
        }
    }
}

/// Whether a command-line input is a URL to fetch.
fn as_url(input: &Path) -> Option<&str> {
    let text = input.to_str()?;
    let scheme = text.get(..8)?.to_ascii_lowercase();
    (scheme.starts_with("http://") || scheme == "https://").then_some(text)
}

/// The sources named by `inputs`, in order. Folders give their article
/// files (`.html`, `.htm`, `.txt`, `.md`, or those whose name matches
/// `glob`) sorted by name; what they skip (other files, hidden files,
/// subfolders) is reported through `notice`, once per folder.
pub fn expand(
    inputs: &[PathBuf],
    glob: Option<&str>,
    notice: &mut dyn FnMut(String),
) -> Result<Vec<Source>> {
    if inputs.is_empty() {
        return Ok(vec![Source::Stdin]);
    }
    let mut sources = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            if sources.contains(&Source::Stdin) {
                return Err(Failure::usage("`-` (stdin) is given more than once").into());
            }
            sources.push(Source::Stdin);
        } else if let Some(url) = as_url(input) {
            sources.push(Source::Url(url.to_owned()));
        } else if input.is_dir() {
            sources.extend(folder_files(input, glob, notice)?);
        } else {
            // Missing or unreadable files fail when read, with the others
            // still processed.
            sources.push(Source::File(input.clone()));
        }
    }
    Ok(sources)
}

fn folder_files(
    folder: &Path,
    glob: Option<&str>,
    notice: &mut dyn FnMut(String),
) -> Result<Vec<Source>> {
    let entries = std::fs::read_dir(folder)
        .with_context(|| format!("cannot list the folder {}", folder.display()))?;
    let mut files = Vec::new();
    let mut hidden = Vec::new();
    let mut others = Vec::new();
    let mut special = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot list the folder {}", folder.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || path.is_dir() {
            hidden.push(name);
        } else if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            // A FIFO, socket or device never ends the way a file does:
            // reading one would hang the batch.
            special.push(name);
        } else if is_article_file(&name, glob) {
            files.push(path);
        } else {
            others.push(name);
        }
    }
    special.sort();
    if !special.is_empty() {
        notice(format!(
            "{}: skipped {} file(s) that are not regular files (pipes, sockets or devices): {}",
            folder.display(),
            special.len(),
            listed(&special)
        ));
    }
    files.sort();
    hidden.sort();
    others.sort();
    if !hidden.is_empty() {
        notice(format!(
            "{}: skipped {} hidden file(s) or subfolder(s): {}",
            folder.display(),
            hidden.len(),
            listed(&hidden)
        ));
    }
    if !others.is_empty() {
        let picked = match glob {
            Some(pattern) => format!("do not match --glob {pattern}"),
            None => "are not .html, .htm, .txt or .md (--glob PATTERN picks others)".to_owned(),
        };
        notice(format!(
            "{}: skipped {} file(s) that {picked}: {}",
            folder.display(),
            others.len(),
            listed(&others)
        ));
    }
    if files.is_empty() {
        return Err(Failure::input(format!(
            "the folder {} has no article files to read: pass a folder that holds .html, .htm, .txt or .md files, or pick its files with --glob PATTERN",
            folder.display()
        ))
        .into());
    }
    Ok(files.into_iter().map(Source::File).collect())
}

/// At most the first five names, then how many more.
fn listed(names: &[String]) -> String {
    let mut list = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        list += &format!(" and {} more", names.len() - 5);
    }
    list
}

/// Whether a folder's file `name` is an article: it matches `glob`, or,
/// without one, has an article file's extension (in any case).
fn is_article_file(name: &str, glob: Option<&str>) -> bool {
    match glob {
        Some(pattern) => glob_matches(pattern.as_bytes(), name.as_bytes()),
        None => Path::new(name)
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| {
                ARTICLE_EXTENSIONS
                    .iter()
                    .any(|known| ext.eq_ignore_ascii_case(known))
            }),
    }
}

/// Shell-style matching of a whole file name: `*` is any run of
/// characters, `?` any one byte, everything else itself.
fn glob_matches(pattern: &[u8], name: &[u8]) -> bool {
    // The classic two-pointer match with one backtrack point: linear in
    // practice, never exponential.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Refuses an output file that is one of the inputs: creating it would
/// truncate the article before it is read. A folder's file that is the
/// output (a previous run's `out.jsonl`) is dropped from the batch with a
/// notice; an input named on the command line is a usage error.
pub fn exclude_output(
    sources: &mut Vec<Source>,
    named: &[PathBuf],
    output: Option<&Path>,
    notice: &mut dyn FnMut(String),
) -> Result<()> {
    let Some(output) = output else {
        return Ok(());
    };
    let Ok(out) = std::fs::metadata(output) else {
        // An output that does not exist yet is no input.
        return Ok(());
    };
    let is_output = |path: &Path| std::fs::metadata(path).is_ok_and(|m| same_file(&m, &out));
    if let Some(input) = named.iter().find(|path| is_output(path)) {
        return Err(Failure::usage(format!(
            "the output file {} is also an input ({}): writing it would destroy the article; pass another -o FILE",
            output.display(),
            input.display()
        ))
        .into());
    }
    sources.retain(|source| match source {
        Source::File(path) if is_output(path) => {
            notice(format!(
                "{}: skipped, it is the output file (-o)",
                path.display()
            ));
            false
        }
        _ => true,
    });
    if sources.is_empty() {
        return Err(Failure::input(
            "no input is left once the output file is set aside: pass the articles to read",
        )
        .into());
    }
    Ok(())
}

/// Whether two files' metadata are of the same file (hard links too).
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
        && a.modified().ok() == b.modified().ok()
        && a.created().ok() == b.created().ok()
}

/// The bytes of `source`, refusing inputs over [`MAX_INPUT_BYTES`].
pub fn read(source: &Source) -> Result<Vec<u8>> {
    let bytes = match source {
        Source::Stdin => read_limited(std::io::stdin().lock()),
        Source::File(path) => std::fs::File::open(path).and_then(read_limited),
        Source::Url(url) => return fetch(url),
    }
    .with_context(|| format!("cannot read {source}"))?;
    check_size(source, &bytes)?;
    Ok(bytes)
}

fn check_size(source: &Source, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::input(format!(
            "{source} is larger than the {} MiB input limit: split it into articles and pass them as separate files",
            MAX_INPUT_BYTES / (1024 * 1024)
        ))
        .into());
    }
    Ok(())
}

/// Reads at most one byte past the limit: enough to know it was exceeded.
fn read_limited(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The page at `url` (redirects followed), as UTF-8 when the server names
/// another charset; with none, the page's own `<meta charset>` decides
/// later, as for a file. Only HTML and text are taken.
fn fetch(url: &str) -> Result<Vec<u8>> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
        .redirects(10)
        .user_agent(concat!("precis/", env!("CARGO_PKG_VERSION")))
        .build();
    let response = match agent.get(url).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(code, response)) => {
            return Err(Failure::input(format!(
                "cannot fetch {url}: the server answered {code} {}",
                response.status_text()
            ))
            .into())
        }
        Err(error) => {
            return Err(Failure::input(format!(
                "cannot fetch {url}: {error}: check the URL and the network, or save the page and pass the file"
            ))
            .into())
        }
    };
    let content_type = response.content_type().to_ascii_lowercase();
    let readable = [
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/markdown",
    ];
    if response.header("content-type").is_some() && !readable.contains(&content_type.as_str()) {
        return Err(Failure::input(format!(
            "{url} is {content_type}, not a web page: precis reads HTML and plain text"
        ))
        .into());
    }
    let charset = response
        .header("content-type")
        .map(|_| response.charset().to_owned());
    let source = Source::Url(url.to_owned());
    let bytes = read_limited(response.into_reader())
        .with_context(|| format!("cannot fetch {url}: the connection broke off"))?;
    check_size(&source, &bytes)?;
    Ok(transcode(bytes, charset.as_deref()))
}

/// `bytes` in UTF-8 when `charset` (the server's) names another encoding
/// and no byte-order mark overrides it; unchanged otherwise.
fn transcode(bytes: Vec<u8>, charset: Option<&str>) -> Vec<u8> {
    let Some(encoding) =
        charset.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
    else {
        return bytes;
    };
    if encoding == encoding_rs::UTF_8 || encoding_rs::Encoding::for_bom(&bytes).is_some() {
        return bytes;
    }
    let (text, _, _) = encoding.decode(&bytes);
    text.into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_means_stdin() {
        let sources = expand(&[], None, &mut |_| {}).unwrap();
        assert_eq!(sources, vec![Source::Stdin]);
    }

    #[test]
    fn folders_expand_sorted_and_report_skips() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::write(dir.path().join(".hidden"), "h").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut notices = Vec::new();
        let sources = expand(&[dir.path().to_path_buf()], None, &mut |n| notices.push(n)).unwrap();
        assert_eq!(
            sources,
            vec![
                Source::File(dir.path().join("a.txt")),
                Source::File(dir.path().join("b.txt"))
            ]
        );
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].ends_with("skipped 2 hidden file(s) or subfolder(s): .hidden, sub"),
            "{}",
            notices[0]
        );
    }

    #[test]
    fn empty_folder_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = expand(&[dir.path().to_path_buf()], None, &mut |_| {}).unwrap_err();
        assert!(
            error.to_string().contains("has no article files"),
            "{error}"
        );
    }

    #[test]
    fn folders_take_article_files_or_the_glob() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.HTML", "b.txt", "c.json", "d.md", "e.png", "f.htm"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let names = |glob: Option<&str>, notices: &mut Vec<String>| -> Vec<String> {
            expand(&[dir.path().to_path_buf()], glob, &mut |n| notices.push(n))
                .unwrap()
                .iter()
                .map(|source| match source {
                    Source::File(path) => path.file_name().unwrap().to_string_lossy().into(),
                    other => panic!("{other}"),
                })
                .collect()
        };
        let mut notices = Vec::new();
        assert_eq!(
            names(None, &mut notices),
            ["a.HTML", "b.txt", "d.md", "f.htm"]
        );
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].contains("skipped 2 file(s) that are not .html"),
            "{}",
            notices[0]
        );
        assert!(notices[0].ends_with("c.json, e.png"), "{}", notices[0]);
        notices.clear();
        assert_eq!(names(Some("*.json"), &mut notices), ["c.json"]);
        assert!(
            notices[0].contains("do not match --glob *.json"),
            "{}",
            notices[0]
        );
    }

    #[test]
    fn glob_matching() {
        for (pattern, name, matches) in [
            ("*.html", "a.html", true),
            ("*.html", "a.htm", false),
            ("a?c*", "abcdef", true),
            ("*b*b*", "abxxb", true),
            ("*b*b*", "abxx", false),
            ("*", "", true),
            ("2024-*-*.txt", "2024-05-01.txt", true),
        ] {
            assert_eq!(
                glob_matches(pattern.as_bytes(), name.as_bytes()),
                matches,
                "{pattern} {name}"
            );
        }
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert_eq!(
            as_url(Path::new("https://example.org/a")),
            Some("https://example.org/a")
        );
        assert_eq!(
            as_url(Path::new("HTTP://example.org")),
            Some("HTTP://example.org")
        );
        assert_eq!(as_url(Path::new("http.txt")), None);
        assert_eq!(as_url(Path::new("ftp://example.org")), None);
    }

    #[test]
    fn a_charset_the_server_names_is_decoded() {
        assert_eq!(
            transcode(b"caf\xe9".to_vec(), Some("ISO-8859-1")),
            "café".as_bytes()
        );
        assert_eq!(transcode(b"caf\xe9".to_vec(), None), b"caf\xe9");
        assert_eq!(transcode("café".into(), Some("utf-8")), "café".as_bytes());
    }

    #[test]
    fn missing_file_names_the_file() {
        let error = read(&Source::File("no/such/file.txt".into())).unwrap_err();
        assert_eq!(error.to_string(), "cannot read no/such/file.txt");
    }
}
