//! Stage 0, read: turn the paths on the command line into articles' bytes.
//! Folders expand to their files, `-` (or nothing) is stdin, and a file
//! that cannot be read fails alone so the rest of a batch still runs.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::failure::Failure;

/// Largest input precis reads. Cleaning and summarizing hold an article in
/// memory several times over, so a bigger file is refused up front rather
/// than exhausting memory half-way.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Where an article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("<stdin>"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The sources named by `inputs`, in order. Folders give their files
/// sorted by name (hidden files and subfolders skipped, each skip
/// reported through `notice`).
pub fn expand(inputs: &[PathBuf], notice: &mut dyn FnMut(String)) -> Result<Vec<Source>> {
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
        } else if input.is_dir() {
            sources.extend(folder_files(input, notice)?);
        } else {
            // Missing or unreadable files fail when read, with the others
            // still processed.
            sources.push(Source::File(input.clone()));
        }
    }
    Ok(sources)
}

fn folder_files(folder: &Path, notice: &mut dyn FnMut(String)) -> Result<Vec<Source>> {
    let entries = std::fs::read_dir(folder)
        .with_context(|| format!("cannot list the folder {}", folder.display()))?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot list the folder {}", folder.display()))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden || path.is_dir() {
            skipped.push(entry.file_name().to_string_lossy().into_owned());
        } else {
            files.push(path);
        }
    }
    files.sort();
    skipped.sort();
    if !skipped.is_empty() {
        notice(format!(
            "{}: skipped {} hidden file(s) or subfolder(s): {}",
            folder.display(),
            skipped.len(),
            skipped.join(", ")
        ));
    }
    if files.is_empty() {
        return Err(Failure::input(format!(
            "the folder {} has no files to read: pass a folder that holds articles",
            folder.display()
        ))
        .into());
    }
    Ok(files.into_iter().map(Source::File).collect())
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
    }
    .with_context(|| format!("cannot read {source}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::input(format!(
            "{source} is larger than the {} MiB input limit: split it into articles and pass them as separate files",
            MAX_INPUT_BYTES / (1024 * 1024)
        ))
        .into());
    }
    Ok(bytes)
}

/// Reads at most one byte past the limit: enough to know it was exceeded.
fn read_limited(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_means_stdin() {
        let sources = expand(&[], &mut |_| {}).unwrap();
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
        let sources = expand(&[dir.path().to_path_buf()], &mut |n| notices.push(n)).unwrap();
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
        let error = expand(&[dir.path().to_path_buf()], &mut |_| {}).unwrap_err();
        assert!(error.to_string().contains("has no files"), "{error}");
    }

    #[test]
    fn missing_file_names_the_file() {
        let error = read(&Source::File("no/such/file.txt".into())).unwrap_err();
        assert_eq!(error.to_string(), "cannot read no/such/file.txt");
    }
}
