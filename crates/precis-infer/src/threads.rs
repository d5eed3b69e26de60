//! How inference uses CPU threads. precis-infer starts no threads of its
//! own for candle models: their matmuls and precis's few-row products run
//! on rayon's *current* pool, so a caller that wants `n` threads runs the
//! work inside its own `rayon::ThreadPool` (`pool.install(..)`, as the
//! `precis` crate does) and the global pool serves everyone else.

/// Runs `f` on a worker thread of the current rayon pool (the caller's
/// own when called inside `install`, else the global one). A generation
/// makes thousands of small calls into rayon (candle's element-wise ops,
/// the few-row products of each step); made from a thread outside the
/// pool, each would wake a worker and sleep until it is done: two context
/// switches per call, a tenth of a one-thread decoder step.
pub(crate) fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| f())
}

/// A rayon pool of `threads` threads (at least 1) for running models:
/// inside `pool.install(..)` every kernel splits its work `threads` ways.
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, crate::InferError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("precis-{i}"))
        .build()
        .map_err(|e| crate::InferError::Threads(e.to_string()))
}

/// The thread count used when none is asked for: `RAYON_NUM_THREADS` if
/// the user set it, else one per physical core (what candle's matmuls
/// split their work into).
pub fn default_threads() -> usize {
    candle_core::utils::get_num_threads()
}
