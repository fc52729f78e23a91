//! The transcendental functions the engine uses, from the `libm` crate: pure Rust, the same
//! code and so the same bits on every target. The standard library's `f32::exp` and friends
//! call the platform's C library natively (glibc) but a port of musl's in wasm, and those
//! disagree in the last bit often enough to make a run in the page drift away from the same
//! run in the CLI. Everything that feeds data, weights or gradients goes through here
//! (the browser test `determinism` checks the weights bit for bit).

use super::Float;

/// e^x.
#[inline]
pub fn exp(x: Float) -> Float {
    libm::expf(x)
}

/// e^x − 1, precise near 0.
#[inline]
pub fn exp_m1(x: Float) -> Float {
    libm::expm1f(x)
}

/// ln x.
#[inline]
pub fn ln(x: Float) -> Float {
    libm::logf(x)
}

/// ln(1 + x), precise near 0.
#[inline]
pub fn ln_1p(x: Float) -> Float {
    libm::log1pf(x)
}

/// sin x.
#[inline]
pub fn sin(x: Float) -> Float {
    libm::sinf(x)
}

/// cos x.
#[inline]
pub fn cos(x: Float) -> Float {
    libm::cosf(x)
}

/// x^y.
#[inline]
pub fn powf(x: Float, y: Float) -> Float {
    libm::powf(x, y)
}

/// x^n for a whole n, by repeated squaring (the same products in the same order everywhere).
#[inline]
pub fn powi(x: Float, n: u32) -> Float {
    let (mut base, mut n, mut result) = (x, n, 1.0);
    while n > 0 {
        if n & 1 == 1 {
            result *= base;
        }
        base *= base;
        n >>= 1;
    }
    result
}

/// √(x² + y²) without overflow.
#[inline]
pub fn hypot(x: Float, y: Float) -> Float {
    libm::hypotf(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_standard_library_to_an_ulp() {
        for i in -200..=200 {
            let x = i as Float * 0.173;
            let close = |a: Float, b: Float| (a - b).abs() <= 2.0 * Float::EPSILON * b.abs().max(1e-30);
            assert!(close(exp(x.min(80.0)), x.min(80.0).exp()), "exp {x}");
            assert!(close(sin(x), x.sin()) || (sin(x) - x.sin()).abs() < 1e-7, "sin {x}");
            assert!(close(cos(x), x.cos()) || (cos(x) - x.cos()).abs() < 1e-7, "cos {x}");
            if x > 0.0 {
                assert!(close(ln(x), x.ln()) || (ln(x) - x.ln()).abs() < 1e-7, "ln {x}");
            }
        }
        // 0.9^5 = 0.59049 by repeated squaring: 0.9 · (0.9²)² .
        assert!((powi(0.9, 5) - 0.590_49).abs() < 1e-6);
        assert_eq!(powi(2.0, 10), 1024.0);
        assert_eq!(powi(3.0, 0), 1.0);
        assert_eq!(hypot(3.0, 4.0), 5.0);
    }
}
