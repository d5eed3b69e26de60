//! precis-kernels is the only crate of precis with `unsafe`: the f32 and
//! q8 kernels precis runs without a tensor library, with their AVX2 and
//! AVX-512 versions, and memory-mapped model files. Every other crate is
//! `#![forbid(unsafe_code)]`, so whatever could break memory safety is
//! here, each `unsafe` with the reason it holds.
//!
//! Everything this crate exports is safe: a dispatch function checks the
//! CPU's features and the lengths an instruction-set kernel relies on
//! (`x86/avx2.rs`, `x86/avx512.rs`), and falls back to portable code with
//! bit-identical results.
//!
//! - [`Linear`]: weights packed once, at load time, into panels of output
//!   columns, and a micro-kernel that multiplies a few input rows by one
//!   panel. The Bergamot network's matrices are 256 wide and a decoder step
//!   multiplies a few dozen rows at most: a general GEMM spends about as
//!   long packing the weights on every call as multiplying them.
//! - [`dot()`], [`dots`] and [`products_transposed`]: dot products of rows
//!   with row-major weights as checkpoints store them, unpacked. A decoder
//!   step of one to a few rows is bound by streaming the weights from
//!   memory, which these do once, with no packing and no copy.
//! - [`quantize_q8_0_row`]: ggml `Q8_0` blocks of a row of weights, as
//!   candle's q8 matmuls take them.
//! - [`MappedFile`]: a read-only mapped file, whose pages a loader hands
//!   back once it has copied what it needs, so that peak memory holds a
//!   model's weights once.
//!
//! Every matrix output is one chain of fused multiply-adds over the inputs
//! in order, and every dot product sums its lanes in one fixed order, in the
//! AVX2/AVX-512 kernels and the portable ones alike: results are
//! bit-identical on every CPU and do not depend on which rows share a call.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]
// Input must never panic the library: failures are errors naming the fix.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

mod dot;
mod mmap;
mod panel;
mod q8;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use dot::{dot, dots, prefetch, products_transposed};
pub use mmap::MappedFile;
pub use panel::{Activation, Linear, ROW_BLOCK};
pub use q8::{quantize_q8_0_row, Q8_0_BLOCK_BYTES, Q8_0_BLOCK_VALUES};

#[cfg(test)]
mod tests {
    /// Deterministic values in [-1, 1) with varied exponents.
    pub(crate) fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect()
    }
}
