//! How many CPU threads inference uses. candle's CPU kernels (gemm, the
//! quantized matmuls) size their work from `RAYON_NUM_THREADS` — read on
//! every matmul, and once when rayon's global pool starts — so this is a
//! process-wide setting; set it before the first model runs.

/// Makes candle use `threads` threads (at least 1) from now on, by setting
/// `RAYON_NUM_THREADS` as a user would. Call it before starting other
/// threads: the environment is process-global.
pub fn set_threads(threads: usize) {
    std::env::set_var("RAYON_NUM_THREADS", threads.max(1).to_string());
}

/// The thread count candle will use: `RAYON_NUM_THREADS` if set, else the
/// number of physical cores.
pub fn threads() -> usize {
    candle_core::utils::get_num_threads()
}
