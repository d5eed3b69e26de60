//! The x86-64 kernels, one module per instruction set, and the run-time
//! checks that pick them.

pub(crate) mod avx2;
pub(crate) mod avx512;

/// Whether the AVX2 + FMA kernels can run (the answer is cached by std).
#[inline]
pub(crate) fn has_avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// Whether the AVX-512 kernels can run (the answer is cached by std).
#[inline]
pub(crate) fn has_avx512f() -> bool {
    is_x86_feature_detected!("avx512f")
}
