//! AVX2 + FMA kernels: 8 lanes a register.

use std::arch::x86_64::*;

use crate::dot::DOT_LANES;
use crate::panel::PANEL;

/// `R` input rows times one packed panel, as `panel::panel_tile`
/// computes them.
///
/// # Safety
///
/// The CPU has AVX2 and FMA, `x` holds at least `R * inputs` values and
/// `panel` at least `inputs * PANEL`.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn tile<const R: usize>(
    x: &[f32],
    inputs: usize,
    panel: &[f32],
) -> [[f32; PANEL]; R] {
    debug_assert!(x.len() >= R * inputs, "x holds {} values", x.len());
    debug_assert!(panel.len() >= inputs * PANEL, "panel holds {}", panel.len());
    let mut acc = [[_mm256_setzero_ps(); 2]; R];
    let xp = x.as_ptr();
    let mut wp = panel.as_ptr();
    for i in 0..inputs {
        // SAFETY: `wp` is `panel[i * PANEL..]`, of which this reads `PANEL`
        // values and then steps past them (at most to the end of `panel`);
        // `r * inputs + i < R * inputs`; the caller bounds both slices.
        unsafe {
            let w0 = _mm256_loadu_ps(wp);
            let w1 = _mm256_loadu_ps(wp.add(8));
            wp = wp.add(PANEL);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a = _mm256_broadcast_ss(&*xp.add(r * inputs + i));
                acc[0] = _mm256_fmadd_ps(a, w0, acc[0]);
                acc[1] = _mm256_fmadd_ps(a, w1, acc[1]);
            }
        }
    }
    let mut out = [[0f32; PANEL]; R];
    for (out, acc) in out.iter_mut().zip(&acc) {
        // SAFETY: each row of `out` holds `PANEL` = 16 values: two stores of 8.
        unsafe {
            _mm256_storeu_ps(out.as_mut_ptr(), acc[0]);
            _mm256_storeu_ps(out.as_mut_ptr().add(8), acc[1]);
        }
    }
    out
}

/// `dot::dot_portable` of each of `R` vectors with `w`, in its order (the
/// 4 accumulators of each of up to 3 vectors stay in registers).
///
/// # Safety
///
/// The CPU has AVX2 and FMA, and every slice of `xs` holds at least
/// `w.len()` values, a multiple of [`DOT_LANES`].
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn dots<const R: usize>(xs: [&[f32]; R], w: &[f32]) -> [f32; R] {
    debug_assert!(w.len().is_multiple_of(DOT_LANES), "{} values", w.len());
    debug_assert!(xs.iter().all(|x| x.len() >= w.len()));
    let mut acc = [[_mm256_setzero_ps(); 4]; R];
    let wp = w.as_ptr();
    let xps = xs.map(|x| x.as_ptr());
    for k in (0..w.len()).step_by(DOT_LANES) {
        for j in 0..4 {
            // SAFETY: `k + 8 * j + 8 <= k + DOT_LANES <= w.len()`, and every
            // slice of `xs` is at least as long as `w`.
            unsafe {
                let b = _mm256_loadu_ps(wp.add(k + 8 * j));
                for (acc, xp) in acc.iter_mut().zip(xps) {
                    let a = _mm256_loadu_ps(xp.add(k + 8 * j));
                    acc[j] = _mm256_fmadd_ps(a, b, acc[j]);
                }
            }
        }
    }
    acc.map(|acc| {
        let s = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
        let q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        let q = _mm_add_ps(q, _mm_movehl_ps(q, q));
        _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)))
    })
}
