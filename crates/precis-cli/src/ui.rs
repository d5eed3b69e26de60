//! What precis tells the person at the terminal on stderr while it works:
//! a spinner while a model loads, one bar for a batch that counts its
//! articles and shows the stage (both only on a terminal, never with
//! `--quiet`), notices and warnings (not with `--quiet`) and per-stage
//! timings (`-v`). A batch's per-article notes are held back to one line
//! at its end unless `-v` asks for them. Errors are `failure::report`'s.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Ui {
    quiet: bool,
    verbose: bool,
    /// Whether progress is drawn at all.
    animate: bool,
    /// The spinner of a model loading, when no batch bar is up.
    spinner: Option<ProgressBar>,
    /// The batch's bar, and the stage it showed before a model loaded.
    batch: Option<Batch>,
}

struct Batch {
    bar: ProgressBar,
    stage: String,
    /// Articles whose notes were held back.
    noted: usize,
    len: usize,
}

impl Ui {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        let animate = !quiet && std::io::stderr().is_terminal();
        Ui {
            quiet,
            verbose,
            animate,
            spinner: None,
            batch: None,
        }
    }

    /// Shows that `message` (a model loading) is under way until
    /// [`Ui::finish`]: a spinner, or, while a batch runs, the bar's stage.
    pub fn spinner(&mut self, message: impl Into<String>) {
        if let Some(batch) = &self.batch {
            batch.bar.set_message(message.into());
            return;
        }
        self.finish();
        let bar = self.hidden_unless_animated(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.spinner = Some(bar);
    }

    /// Ends what [`Ui::spinner`] showed: the spinner, or the bar's model
    /// loading (its stage is shown again).
    pub fn finish(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
        }
        if let Some(batch) = &self.batch {
            batch.bar.set_message(batch.stage.clone());
        }
    }

    /// A bar counting the `len` articles of a batch, at `stage`, until
    /// [`Ui::end_batch`]. Not drawn for one article, where it would only
    /// flicker, but a batch of one still reports its notes as they come.
    pub fn batch(&mut self, len: usize, stage: &str) {
        self.finish();
        let bar = if len < 2 {
            ProgressBar::hidden()
        } else {
            self.hidden_unless_animated(ProgressBar::new(len as u64))
        };
        bar.set_style(
            ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(stage.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        self.batch = Some(Batch {
            bar,
            stage: stage.to_owned(),
            noted: 0,
            len,
        });
    }

    /// The stage the batch's current article is at.
    pub fn stage(&mut self, stage: &str) {
        if let Some(batch) = &mut self.batch {
            stage.clone_into(&mut batch.stage);
            batch.bar.set_message(stage.to_owned());
        }
    }

    /// A byte-counting bar for downloads, driven by the library's progress
    /// callback until [`Ui::finish`]: one file at a time, named.
    pub fn download_progress(&mut self) -> precis::registry::Progress {
        self.finish();
        let bar = self.hidden_unless_animated(ProgressBar::new(0));
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.spinner = Some(bar.clone());
        precis::registry::Progress(std::sync::Arc::new(
            move |progress: precis::registry::DownloadProgress<'_>| {
                if bar.length() != Some(progress.total) || progress.done == 0 {
                    bar.set_length(progress.total);
                    bar.set_message(format!("downloading {}", progress.file));
                }
                bar.set_position(progress.done);
            },
        ))
    }

    /// One more article of the batch is done.
    pub fn advance(&self) {
        if let Some(batch) = &self.batch {
            batch.bar.inc(1);
        }
    }

    /// Clears the bar and says, in one line, how many articles had notes
    /// that were held back.
    pub fn end_batch(&mut self) {
        let Some(batch) = self.batch.take() else {
            return;
        };
        batch.bar.finish_and_clear();
        if batch.noted > 0 {
            self.notice(&format!(
                "{} of {} articles have notes (such as what cleaning removed): -v shows them, and the JSON output lists each article's under `notes`",
                batch.noted, batch.len
            ));
        }
    }

    /// Clears whatever progress is on screen (before an error is shown).
    pub fn clear(&mut self) {
        self.finish();
        if let Some(batch) = self.batch.take() {
            batch.bar.finish_and_clear();
        }
    }

    fn hidden_unless_animated(&self, bar: ProgressBar) -> ProgressBar {
        if !self.animate {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar
    }

    /// Something the user should know; not shown with `--quiet`.
    pub fn notice(&self, message: &str) {
        if !self.quiet {
            self.print(&format!("note: {message}"));
        }
    }

    /// An article's notes: shown for a single article or with `-v`, else
    /// counted for the one line at the end of the batch.
    pub fn article_notes(&mut self, source: &str, notes: &[String]) {
        if notes.is_empty() {
            return;
        }
        match &mut self.batch {
            Some(batch) if batch.len > 1 && !self.verbose => batch.noted += 1,
            _ => {
                for note in notes {
                    self.notice(&format!("{source}: {note}"));
                }
            }
        }
    }

    /// Something that may be wrong with a result; not shown with `--quiet`.
    pub fn warning(&self, message: &str) {
        if !self.quiet {
            self.print(&format!("warning: {message}"));
        }
    }

    /// A stage's duration, with `-v`.
    pub fn timing(&self, what: &str, elapsed: Duration) {
        if self.verbose {
            self.print(&format!(
                "time: {what}: {:.1} ms",
                elapsed.as_secs_f64() * 1e3
            ));
        }
    }

    fn print(&self, line: &str) {
        let active = self
            .spinner
            .as_ref()
            .or(self.batch.as_ref().map(|batch| &batch.bar));
        match active {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.clear();
    }
}
