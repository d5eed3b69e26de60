//! The threads a loaded model runs on: a rayon pool of its own, so no
//! process-wide setting is changed and two models with different thread
//! counts live side by side in one program.

use std::sync::Arc;

use crate::Error;

/// A loaded model's thread pool. Cheap to clone (shared).
#[derive(Clone)]
pub(crate) struct Pool(Arc<rayon::ThreadPool>);

impl Pool {
    /// A pool of `threads` threads, or [`default_threads`] of them.
    pub(crate) fn new(threads: Option<usize>) -> Result<Pool, Error> {
        let threads = threads.unwrap_or_else(default_threads);
        Ok(Pool(Arc::new(precis_infer::threads::pool(threads)?)))
    }

    /// Runs `f` with every kernel it calls splitting work across the pool.
    pub(crate) fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.0.install(f)
    }
}

/// Threads a model uses when its builder is given none: `RAYON_NUM_THREADS`
/// if set, else one per physical core.
pub fn default_threads() -> usize {
    precis_infer::threads::default_threads()
}
