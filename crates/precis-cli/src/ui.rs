//! What precis tells the person at the terminal on stderr while it works:
//! progress bars and spinners (only on a terminal, never with `--quiet`),
//! notices and warnings (not with `--quiet`) and per-stage timings (`-v`).
//! Errors are `failure::report`'s.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Ui {
    quiet: bool,
    verbose: bool,
    /// Whether progress is drawn at all.
    animate: bool,
    /// The bar or spinner on screen, so messages can be printed above it.
    active: Option<ProgressBar>,
}

impl Ui {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        let animate = !quiet && std::io::stderr().is_terminal();
        Ui {
            quiet,
            verbose,
            animate,
            active: None,
        }
    }

    /// A spinner with `message` until [`Ui::finish`].
    pub fn spinner(&mut self, message: impl Into<String>) {
        let bar = self.new_bar(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.active = Some(bar);
    }

    /// A bar counting `len` items until [`Ui::finish`]; hidden for one item,
    /// where it would only flicker.
    pub fn bar(&mut self, len: usize, message: impl Into<String>) {
        if len < 2 {
            return;
        }
        let bar = self.new_bar(ProgressBar::new(len as u64));
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(message.into());
        self.active = Some(bar);
    }

    /// A byte-counting bar for downloads, driven by the library's progress
    /// callback until [`Ui::finish`]: one file at a time, named.
    pub fn download_progress(&mut self) -> precis::registry::Progress {
        let bar = self.new_bar(ProgressBar::new(0));
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.active = Some(bar.clone());
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

    pub fn advance(&self) {
        if let Some(bar) = &self.active {
            bar.inc(1);
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.active.take() {
            bar.finish_and_clear();
        }
    }

    fn new_bar(&mut self, bar: ProgressBar) -> ProgressBar {
        self.finish();
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
        match &self.active {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.finish();
    }
}
