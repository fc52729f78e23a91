//! A dense layer's forward pass with its activation fused into the product's tile: the
//! scores of R neurons × V registers of points are still in registers when f is applied,
//! so z is never stored and reloaded between the two, and the activation's R·V dependency
//! chains (tanh's is nine operations deep) run side by side. Used for a whole small training
//! batch at once (one tile covers it) and for the boundary grid, tile by tile.
//!
//! Every value is computed by the same IEEE operations in the same order as
//! [`crate::affine_rows`] followed by the layer-wide activation loops, so the fused and the
//! unfused passes agree bit for bit (tested below).

use crate::f4::{load_unchecked, store_unchecked, F4};
use crate::mlp::Elementwise;
use crate::{lanes_of, sigmoid_with, tanh_with, EXP, TANH};

/// The constants the rules need, broadcast into registers once per call (see
/// [`lanes_of`]).
#[derive(Clone, Copy)]
pub(crate) struct Constants {
    pub tanh: [F4; 13],
    pub exp: [F4; 13],
    pub half: F4,
    pub one: F4,
}

impl Constants {
    #[inline(always)]
    pub fn new() -> Constants {
        Constants {
            tanh: lanes_of(TANH),
            exp: lanes_of(EXP),
            half: F4::splat(0.5),
            one: F4::splat(1.0),
        }
    }
}

/// An element-wise activation on four lanes: its value and its derivative written from its
/// output a (for ReLU, a > 0 exactly where z > 0, so no z is needed either).
pub(crate) trait Rule {
    /// a = z: the layer stores only a (which is its z).
    const LINEAR: bool;
    fn apply(z: F4, c: &Constants) -> F4;
    /// δ = upstream ⊙ f′, from f's output `a`.
    fn delta(upstream: F4, a: F4, c: &Constants) -> F4;
}

/// a = z.
pub(crate) struct Linear;
/// a = tanh(z) (rational), f′ = 1 − a².
pub(crate) struct Tanh;
/// a = σ(z) = ½ + ½·tanh(z/2), f′ = a(1 − a).
pub(crate) struct Sigmoid;
/// a = max(0, z), f′ = [z > 0] = [a > 0].
pub(crate) struct Relu;

impl Rule for Linear {
    const LINEAR: bool = true;
    #[inline(always)]
    fn apply(z: F4, _: &Constants) -> F4 {
        z
    }
    #[inline(always)]
    fn delta(upstream: F4, _: F4, _: &Constants) -> F4 {
        upstream
    }
}

impl Rule for Tanh {
    const LINEAR: bool = false;
    #[inline(always)]
    fn apply(z: F4, c: &Constants) -> F4 {
        tanh_with(z, &c.tanh)
    }
    /// As [`crate::tanh_delta`]: u·(1 − a·a).
    #[inline(always)]
    fn delta(upstream: F4, a: F4, c: &Constants) -> F4 {
        upstream.mul(c.one.sub(a.mul(a)))
    }
}

impl Rule for Sigmoid {
    const LINEAR: bool = false;
    #[inline(always)]
    fn apply(z: F4, c: &Constants) -> F4 {
        sigmoid_with(z, &c.tanh, c.half)
    }
    /// As [`crate::sigmoid_delta`]: u·(a·(1 − a)).
    #[inline(always)]
    fn delta(upstream: F4, a: F4, c: &Constants) -> F4 {
        upstream.mul(a.mul(c.one.sub(a)))
    }
}

impl Rule for Relu {
    const LINEAR: bool = false;
    #[inline(always)]
    fn apply(z: F4, _: &Constants) -> F4 {
        z.where_positive(z)
    }
    /// As [`crate::relu_delta`], which tests z > 0: a is z where z > 0 and 0 elsewhere (also
    /// for a NaN z), so a > 0 picks the same points.
    #[inline(always)]
    fn delta(upstream: F4, a: F4, _: &Constants) -> F4 {
        a.where_positive(upstream)
    }
}

/// The shapes of one layer's tile. `w` is rows × `inputs` column-major, `b` rows, `below`
/// `inputs` rows of `stride` points, `z` and `a` rows × `stride`. The fan-in is carried, not
/// derived: a division per layer and batch cost as much as a small layer's products.
pub(crate) struct Layer<'a> {
    pub w: &'a [f32],
    pub b: &'a [f32],
    pub below: &'a [f32],
    pub stride: usize,
    pub inputs: usize,
}

impl Layer<'_> {
    /// Whether the slices hold the shapes the unchecked loads assume, for outputs `z` and
    /// `a` of `z_len` and `a_len` values (`usize::MAX` for a z that is not written).
    #[inline(always)]
    pub fn fits(&self, z_len: usize, a_len: usize) -> bool {
        let rows = self.b.len();
        if rows == 0 || self.stride == 0 || !self.stride.is_multiple_of(4) {
            return false;
        }
        let k = self.inputs;
        self.w.len() == rows * k
            && self.below.len() >= k * self.stride
            && a_len >= rows * self.stride
            && z_len >= rows * self.stride
    }
}

/// z = W·below + b and a = f(z) at points p..p + 4·V of every neuron (a linear layer, or a
/// caller that passes an empty `z` because it reads only a, writes only a), one neuron at a
/// time: its V accumulators start at the bias and take one multiply and one add per input,
/// in order of the inputs (as the textbook sum), then f runs on the V registers before they
/// are stored. One neuron per block rather than two or four: with the rule's 13 constants
/// in registers, more accumulators spilled (measured in the page: no faster on the grid,
/// and the .wasm 4 KB gzipped larger). The caller checks [`Layer::fits`] and
/// p + 4·V ≤ stride. Not inlined, so the training batch and the grid share one copy per
/// width and rule.
#[inline(never)]
pub(crate) fn dense_tile<const V: usize, A: Rule>(
    layer: &Layer<'_>,
    p: usize,
    z: &mut [f32],
    a: &mut [f32],
    c: &Constants,
) {
    let (w, b, below, stride) = (layer.w, layer.b, layer.below, layer.stride);
    let (rows, k) = (b.len(), layer.inputs);
    debug_assert!(p + 4 * V <= stride && below.len() >= k * stride && w.len() == rows * k);
    // Storing z costs a store per register for values that the grid and the tiled training
    // batch never read (their backward pass uses a).
    let keep_z = !A::LINEAR && !z.is_empty();
    for (r, &bias) in b.iter().enumerate() {
        let mut acc = [F4::splat(bias); V];
        for j in 0..k {
            let row = j * stride + p;
            // SAFETY: j·rows + r < k·rows = w.len().
            let weight = F4::splat(unsafe { *w.get_unchecked(j * rows + r) });
            for (v, acc_v) in acc.iter_mut().enumerate() {
                // SAFETY: row + 4·v + 4 ≤ (k − 1)·stride + stride ≤ below.len() (Layer::fits).
                *acc_v = acc_v.add_mul(weight, unsafe { load_unchecked(below, row + 4 * v) });
            }
        }
        for (v, &score) in acc.iter().enumerate() {
            let at = r * stride + p + 4 * v;
            // SAFETY: at + 4 ≤ rows·stride ≤ the length of a, and of z when it is kept
            // (Layer::fits).
            unsafe {
                if keep_z {
                    store_unchecked(score, z, at);
                }
                store_unchecked(A::apply(score, c), a, at);
            }
        }
    }
}

/// [`dense_tile`] of `registers` (1 to 4; more count as 4) registers for a rule named at
/// run time: one place that instantiates every width and rule.
#[inline(always)]
pub(crate) fn dense_tile_of(
    registers: usize,
    activation: Elementwise,
    layer: &Layer<'_>,
    p: usize,
    z: &mut [f32],
    a: &mut [f32],
    c: &Constants,
) {
    fn of_rule<A: Rule>(registers: usize, layer: &Layer<'_>, p: usize, z: &mut [f32], a: &mut [f32], c: &Constants) {
        match registers {
            1 => dense_tile::<1, A>(layer, p, z, a, c),
            2 => dense_tile::<2, A>(layer, p, z, a, c),
            3 => dense_tile::<3, A>(layer, p, z, a, c),
            _ => dense_tile::<4, A>(layer, p, z, a, c),
        }
    }
    match activation {
        Elementwise::Linear => of_rule::<Linear>(registers, layer, p, z, a, c),
        Elementwise::Tanh => of_rule::<Tanh>(registers, layer, p, z, a, c),
        Elementwise::Sigmoid => of_rule::<Sigmoid>(registers, layer, p, z, a, c),
        Elementwise::Relu => of_rule::<Relu>(registers, layer, p, z, a, c),
    }
}

/// [`dense_tile`] over a whole layer of any stride: tiles of 16 points, then one tile of
/// the 4, 8 or 12 left (an empty `z`: only a is written). Returns false, writing nothing,
/// when the shapes do not fit.
#[inline(always)]
pub(crate) fn dense_rows(activation: Elementwise, layer: &Layer<'_>, z: &mut [f32], a: &mut [f32]) -> bool {
    let without_z = activation == Elementwise::Linear || z.is_empty();
    if !layer.fits(if without_z { usize::MAX } else { z.len() }, a.len()) {
        return false;
    }
    let c = Constants::new();
    let stride = layer.stride;
    let mut p = 0;
    while p + 16 <= stride {
        dense_tile_of(4, activation, layer, p, z, a, &c);
        p += 16;
    }
    if p < stride {
        dense_tile_of((stride - p) / 4, activation, layer, p, z, a, &c);
    }
    true
}
