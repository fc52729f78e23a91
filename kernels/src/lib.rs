//! nnlab's inner loops, in a crate of their own so they are compiled for speed even when the
//! page's build optimises the rest for size (`[profile.wasm-release.package.nnlab-kernels]`):
//! the per-layer products of the forward and backward passes and the activations over whole
//! layers. Everything is f32 slices in column-major order (one point's values contiguous);
//! no allocation, no branches in the element loops, so LLVM vectorises them (wasm simd128,
//! x86 SSE/AVX). The entry points are `#[inline(never)]`: inlined into a caller they would
//! be compiled with the caller's optimisation level, not this crate's.

/// tanh(z) as the rational minimax fit Eigen uses for f32 (odd degree-13 numerator over even
/// degree-6 denominator, input clamped to ±7.9988, where tanh is 1 − 2e-7): within 3.4e-7
/// of the exact value (a few f32 ulps near ±1, measured in the tests). It has no branch and no library call, so a loop over a
/// whole layer vectorises (SIMD), which the standard library's `tanh` prevents.
// The coefficients are Eigen's published ones, digit for digit, so they can be checked.
#[allow(clippy::excessive_precision)]
#[inline(always)]
pub fn tanh_rational(z: f32) -> f32 {
    // A NaN stays NaN through clamp, so divergence is still detected.
    let x = z.clamp(-7.998_811_721_801_757_81, 7.998_811_721_801_757_81);
    let x2 = x * x;
    let mut p = x2 * -2.760_768_477_423_55e-16 + 2.000_187_904_824_77e-13;
    p = x2 * p + -8.604_671_522_137_35e-11;
    p = x2 * p + 5.122_297_090_371_14e-8;
    p = x2 * p + 1.485_722_357_179_79e-5;
    p = x2 * p + 6.372_619_288_754_36e-4;
    p = x2 * p + 4.893_524_558_917_86e-3;
    p *= x;
    let mut q = x2 * 1.198_258_394_667_02e-6 + 1.185_347_056_866_54e-4;
    q = x2 * q + 2.268_434_632_439_00e-3;
    q = x2 * q + 4.893_525_185_543_85e-3;
    p / q
}

/// σ(z) through tanh: σ(z) = ½ + ½·tanh(z/2), vectorisable like [`tanh_rational`]; within
/// 2.2e-7 of σ in absolute terms (used for hidden layers; the output head keeps the
/// exact sigmoid (nnlab's `core::activation::sigmoid`) because the losses need its relative precision far in the tails).
#[inline(always)]
pub fn sigmoid_rational(z: f32) -> f32 {
    0.5 + 0.5 * tanh_rational(0.5 * z)
}

/// a = tanh(z) over a layer.
#[inline(never)]
pub fn tanh_slice(z: &[f32], a: &mut [f32]) {
    a.iter_mut().zip(z).for_each(|(a, &z)| *a = tanh_rational(z));
}

/// a = σ(z) over a layer.
#[inline(never)]
pub fn sigmoid_slice(z: &[f32], a: &mut [f32]) {
    a.iter_mut().zip(z).for_each(|(a, &z)| *a = sigmoid_rational(z));
}

/// a = max(0, z) over a layer.
#[inline(never)]
pub fn relu_slice(z: &[f32], a: &mut [f32]) {
    a.iter_mut()
        .zip(z)
        .for_each(|(a, &z)| *a = if z > 0.0 { z } else { 0.0 });
}

/// δ = upstream · (1 − a²), tanh's derivative from its output.
#[inline(never)]
pub fn tanh_delta(upstream: &[f32], a: &[f32], delta: &mut [f32]) {
    for ((d, &u), &a) in delta.iter_mut().zip(upstream).zip(a) {
        *d = u * (1.0 - a * a);
    }
}

/// δ = upstream · a(1 − a), σ's derivative from its output.
#[inline(never)]
pub fn sigmoid_delta(upstream: &[f32], a: &[f32], delta: &mut [f32]) {
    for ((d, &u), &a) in delta.iter_mut().zip(upstream).zip(a) {
        *d = u * (a * (1.0 - a));
    }
}

/// δ = upstream where z > 0, else 0 (ReLU).
#[inline(never)]
pub fn relu_delta(upstream: &[f32], z: &[f32], delta: &mut [f32]) {
    for ((d, &u), &z) in delta.iter_mut().zip(upstream).zip(z) {
        *d = if z > 0.0 { u } else { 0.0 };
    }
}

/// z = W·a + b for every point: `w` is rows × k column-major, `a` is k × points and `z`
/// rows × points (column-major, so each point's values are contiguous). Written out because
/// the layers are small (k, rows ≤ 64): the generic product spends more on set-up than on
/// arithmetic there, while this loop keeps one point's outputs in registers and vectorises
/// over the rows.
#[inline(never)]
pub fn affine(w: &[f32], b: &[f32], a: &[f32], z: &mut [f32]) {
    let rows = b.len();
    if rows == 0 {
        return;
    }
    let k = w.len() / rows;
    if k == 0 {
        for column in z.chunks_exact_mut(rows) {
            column.copy_from_slice(b);
        }
        return;
    }
    // Common widths get a copy with the width fixed at compile time: the point's outputs
    // then live in registers (two f32x4 for 8 neurons) with no loop over the rows at all.
    match rows {
        1 => affine_fixed::<1>(w, b, a, z, k),
        2 => affine_fixed::<2>(w, b, a, z, k),
        3 => affine_fixed::<3>(w, b, a, z, k),
        4 => affine_fixed::<4>(w, b, a, z, k),
        6 => affine_fixed::<6>(w, b, a, z, k),
        8 => affine_fixed::<8>(w, b, a, z, k),
        16 => affine_fixed::<16>(w, b, a, z, k),
        _ => {
            for (column, input) in z.chunks_exact_mut(rows).zip(a.chunks_exact(k)) {
                column.copy_from_slice(b);
                for (w_k, &a_k) in w.chunks_exact(rows).zip(input) {
                    for (zv, &wv) in column.iter_mut().zip(w_k) {
                        *zv += wv * a_k;
                    }
                }
            }
        }
    }
}

#[inline(always)]
fn affine_fixed<const R: usize>(w: &[f32], b: &[f32], a: &[f32], z: &mut [f32], k: usize) {
    let mut bias = [0.0; R];
    bias.copy_from_slice(&b[..R]);
    // Four points at a time: four independent chains of multiply-adds keep the SIMD units
    // busy instead of waiting on one accumulator (the loop is latency-bound otherwise).
    let mut z_blocks = z.chunks_exact_mut(4 * R);
    let mut a_blocks = a.chunks_exact(4 * k);
    for (zb, ab) in (&mut z_blocks).zip(&mut a_blocks) {
        let mut acc = [bias; 4];
        for (j, w_k) in w.chunks_exact(R).enumerate() {
            let inputs = [ab[j], ab[k + j], ab[2 * k + j], ab[3 * k + j]];
            for (acc_p, &a_p) in acc.iter_mut().zip(&inputs) {
                for r in 0..R {
                    acc_p[r] += w_k[r] * a_p;
                }
            }
        }
        for (column, acc_p) in zb.chunks_exact_mut(R).zip(&acc) {
            column.copy_from_slice(acc_p);
        }
    }
    for (column, input) in z_blocks
        .into_remainder()
        .chunks_exact_mut(R)
        .zip(a_blocks.remainder().chunks_exact(k))
    {
        let mut acc = bias;
        for (w_k, &a_k) in w.chunks_exact(R).zip(input) {
            for r in 0..R {
                acc[r] += w_k[r] * a_k;
            }
        }
        column.copy_from_slice(&acc);
    }
}

/// up = Wᵀ·δ for every point: `w` is `rows` × k column-major, `delta` rows × points, `up`
/// k × points. Each output is a dot product of a weight column with a point's δ.
#[inline(never)]
pub fn transposed_product(w: &[f32], rows: usize, delta: &[f32], up: &mut [f32]) {
    if rows == 0 {
        up.fill(0.0);
        return;
    }
    let k = w.len() / rows;
    if k == 0 {
        return;
    }
    match rows {
        1 => transposed_fixed::<1>(w, delta, up, k),
        2 => transposed_fixed::<2>(w, delta, up, k),
        3 => transposed_fixed::<3>(w, delta, up, k),
        4 => transposed_fixed::<4>(w, delta, up, k),
        8 => transposed_fixed::<8>(w, delta, up, k),
        _ => {
            for (out, d) in up.chunks_exact_mut(k).zip(delta.chunks_exact(rows)) {
                for (o, w_k) in out.iter_mut().zip(w.chunks_exact(rows)) {
                    *o = w_k.iter().zip(d).map(|(&wv, &dv)| wv * dv).sum();
                }
            }
        }
    }
}

#[inline(always)]
fn transposed_fixed<const R: usize>(w: &[f32], delta: &[f32], up: &mut [f32], k: usize) {
    for (out, d) in up.chunks_exact_mut(k).zip(delta.chunks_exact(R)) {
        for (o, w_k) in out.iter_mut().zip(w.chunks_exact(R)) {
            let mut sum = 0.0;
            for r in 0..R {
                sum += w_k[r] * d[r];
            }
            *o = sum;
        }
    }
}

/// dL/dW = δ·aᵀ and dL/db = Σ δ over the points: `delta` is rows × points, `a` is k × points
/// (k = `inputs`), `grad_w` rows × k column-major, `grad_b` rows. Overwrites both.
#[inline(never)]
pub fn outer_sums(delta: &[f32], a: &[f32], inputs: usize, grad_w: &mut [f32], grad_b: &mut [f32]) {
    let rows = grad_b.len();
    grad_w.fill(0.0);
    grad_b.fill(0.0);
    if rows == 0 {
        return;
    }
    if inputs == 0 {
        for d in delta.chunks_exact(rows) {
            for (gb, &dv) in grad_b.iter_mut().zip(d) {
                *gb += dv;
            }
        }
        return;
    }
    match rows {
        1 => return outer_fixed::<1>(delta, a, inputs, grad_w, grad_b),
        2 => return outer_fixed::<2>(delta, a, inputs, grad_w, grad_b),
        3 => return outer_fixed::<3>(delta, a, inputs, grad_w, grad_b),
        4 => return outer_fixed::<4>(delta, a, inputs, grad_w, grad_b),
        8 => return outer_fixed::<8>(delta, a, inputs, grad_w, grad_b),
        _ => {}
    }
    for (d, input) in delta.chunks_exact(rows).zip(a.chunks_exact(inputs)) {
        for (gb, &dv) in grad_b.iter_mut().zip(d) {
            *gb += dv;
        }
        for (g_k, &a_k) in grad_w.chunks_exact_mut(rows).zip(input) {
            for (g, &dv) in g_k.iter_mut().zip(d) {
                *g += dv * a_k;
            }
        }
    }
}

#[inline(always)]
fn outer_fixed<const R: usize>(delta: &[f32], a: &[f32], inputs: usize, grad_w: &mut [f32], grad_b: &mut [f32]) {
    let mut bias = [0.0f32; R];
    for (d, input) in delta.chunks_exact(R).zip(a.chunks_exact(inputs)) {
        let mut dv = [0.0f32; R];
        dv.copy_from_slice(d);
        for r in 0..R {
            bias[r] += dv[r];
        }
        for (g_k, &a_k) in grad_w.chunks_exact_mut(R).zip(input) {
            for r in 0..R {
                g_k[r] += dv[r] * a_k;
            }
        }
    }
    grad_b.copy_from_slice(&bias);
}

/// Whether every value is a finite number. Branch-free: x·0 is 0 for finite x and NaN for
/// ±∞ or NaN, so one summed pass (which vectorises) decides.
#[inline(never)]
pub fn all_finite(values: &[f32]) -> bool {
    values.iter().fold(0.0f32, |acc, &v| acc + v * 0.0) == 0.0
}

/// y ← y + α·x (the SGD step is α = −η).
#[inline(never)]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += alpha * x;
    }
}

/// Copies column `order[i]` of `source` (columns of `rows` values) into column i of `target`.
#[inline(never)]
pub fn gather_columns(source: &[f32], rows: usize, order: &[usize], target: &mut [f32]) {
    if rows == 0 {
        return;
    }
    for (column, &index) in target.chunks_exact_mut(rows).zip(order) {
        if let Some(from) = source.get(index * rows..(index + 1) * rows) {
            column.copy_from_slice(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic test values in [−1, 1).
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| ((i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) % 2000) as f32 / 1000.0 - 1.0)
            .collect()
    }

    #[test]
    fn the_products_agree_with_the_textbook_loops() {
        for rows in 1..=17 {
            for k in 0..=5 {
                let points = 7;
                let (w, b, a) = (values(rows * k, 1), values(rows, 2), values(k * points, 3));
                let mut z = vec![0.0; rows * points];
                affine(&w, &b, &a, &mut z);
                let delta = values(rows * points, 4);
                let mut up = vec![0.0; k * points];
                transposed_product(&w, rows, &delta, &mut up);
                let (mut gw, mut gb) = (vec![9.0; rows * k], vec![9.0; rows]);
                outer_sums(&delta, &a, k, &mut gw, &mut gb);
                for p in 0..points {
                    for r in 0..rows {
                        // z[r, p] = b[r] + Σ_j W[r, j]·a[j, p], column-major.
                        let expected = b[r] + (0..k).map(|j| w[j * rows + r] * a[p * k + j]).sum::<f32>();
                        assert!((z[p * rows + r] - expected).abs() < 1e-5, "rows {rows} k {k}");
                    }
                    for j in 0..k {
                        let expected: f32 = (0..rows).map(|r| w[j * rows + r] * delta[p * rows + r]).sum();
                        assert!((up[p * k + j] - expected).abs() < 1e-5);
                    }
                }
                for r in 0..rows {
                    let sum: f32 = (0..points).map(|p| delta[p * rows + r]).sum();
                    assert!((gb[r] - sum).abs() < 1e-5);
                    for j in 0..k {
                        let expected: f32 = (0..points).map(|p| delta[p * rows + r] * a[p * k + j]).sum();
                        assert!((gw[j * rows + r] - expected).abs() < 1e-5);
                    }
                }
            }
        }
    }

    #[test]
    fn activation_loops_match_their_formulas() {
        let z = values(37, 5).iter().map(|v| v * 6.0).collect::<Vec<_>>();
        let up = values(37, 6);
        let mut a = vec![0.0; 37];
        let mut d = vec![0.0; 37];
        tanh_slice(&z, &mut a);
        tanh_delta(&up, &a, &mut d);
        for i in 0..37 {
            assert!((a[i] - z[i].tanh()).abs() < 4e-7);
            assert_eq!(d[i], up[i] * (1.0 - a[i] * a[i]));
        }
        relu_slice(&z, &mut a);
        relu_delta(&up, &z, &mut d);
        for i in 0..37 {
            assert_eq!(a[i], z[i].max(0.0));
            assert_eq!(d[i], if z[i] > 0.0 { up[i] } else { 0.0 });
        }
        sigmoid_slice(&z, &mut a);
        sigmoid_delta(&up, &a, &mut d);
        for i in 0..37 {
            assert!((a[i] - 1.0 / (1.0 + (-z[i]).exp())).abs() < 3e-7);
            assert_eq!(d[i], up[i] * (a[i] * (1.0 - a[i])));
        }
    }

    #[test]
    fn finiteness_step_and_gather() {
        assert!(all_finite(&[1.0, -3e38, 0.0]));
        assert!(!all_finite(&[1.0, f32::INFINITY, 0.0]));
        assert!(!all_finite(&[f32::NAN]));
        assert!(!all_finite(&[f32::NEG_INFINITY, 2.0]));
        assert!(all_finite(&[]));
        let mut y = vec![1.0, 2.0];
        axpy(-0.5, &[2.0, 4.0], &mut y);
        assert_eq!(y, vec![0.0, 0.0]);
        let source = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut target = [0.0; 4];
        gather_columns(&source, 2, &[2, 0], &mut target);
        assert_eq!(target, [5.0, 6.0, 1.0, 2.0]);
    }
}
