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

/// Reads a decimal number written as Rust's `str::parse::<f64>` reads it (an optional sign,
/// digits with an optional point, an optional exponent, or `inf`, `infinity`, `nan` in any
/// case): None for anything else. Too large a number reads as ±∞, as there. The value is
/// Rust's, bit for bit, for the numbers people type and for every f32 the page prints
/// (tested); far out in the exponent or past 2^53 it may be one unit in the last place of
/// f64 away.
///
/// Why not `str::parse`: its correctly-rounded algorithm carries a table of 128-bit powers
/// of five, about 11 KB that no compressor shrinks, in a page that already ships
/// serde_json's number reader. This hands the same text, spelled as JSON, to that reader.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let signed = |v: f64| if negative { -v } else { v };
    match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => return Some(signed(f64::INFINITY)),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    // JSON's spelling: no leading zeros, a digit on both sides of the point.
    let whole = whole.trim_start_matches('0');
    let mut json = String::with_capacity(text.len() + 4);
    if negative {
        json.push('-');
    }
    json.push_str(if whole.is_empty() { "0" } else { whole });
    if !fraction.is_empty() {
        json.push('.');
        json.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !digits(unsigned) {
            return None;
        }
        json.push('e');
        json.push_str(exponent);
    }
    match serde_json::from_str::<f64>(&json) {
        Ok(v) => Some(v),
        // A well-formed number past f64's range: serde_json refuses what Rust reads as ±∞.
        Err(_) => Some(signed(f64::INFINITY)),
    }
}

#[cfg(test)]
mod parse_tests {
    use super::parse_decimal;

    #[test]
    fn reads_what_str_parse_reads_to_the_same_bits() {
        let cases = [
            "0",
            "-0",
            "+1",
            "0.03",
            ".5",
            "5.",
            "007",
            "1e-5",
            "1E+05",
            "-2.5e3",
            "123.456",
            "0.1",
            "0.2",
            "0.3",
            "3.4028235e38",
            "0.000712345678",
            "6",
            "1000",
            "0.00001",
            "10",
            "0.9",
            "1e400",
            "-1e400",
            "inf",
            "-Infinity",
            "NaN",
            "1e-400",
            "2.5e-7",
            "131072.5",
        ];
        for text in cases {
            let want: f64 = text.parse().expect("a number");
            let got = parse_decimal(text).expect(text);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{text}: {got} vs {want}"
            );
        }
        // Far out in the exponent or past 2^53 it may be one unit in the last place of f64
        // off (serde_json's reader is not correctly rounded there); no f32 notices.
        for text in [
            "1e-45",
            "2.2250738585072014e-308",
            "9007199254740993",
            "4.9e-324",
            "1.7976931348623157e308",
        ] {
            let (want, got) = (text.parse::<f64>().expect("a number"), parse_decimal(text).expect(text));
            assert!(want.to_bits().abs_diff(got.to_bits()) <= 1, "{text}: {got} vs {want}");
            assert_eq!(want as f32, got as f32, "{text}");
        }
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1 2", "abc", "1,5", "--1", "+-1", "١",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
            assert!(bad.parse::<f64>().is_err(), "{bad:?} is refused by str::parse too");
        }
        // Every f32 the URL can print reads back to itself (shortest spelling, through f64).
        let mut x = 1.0e-7f32;
        while x < 1.0e7 {
            for v in [x, x * 1.37, x * 7.123_457] {
                let text = format!("{v}");
                assert_eq!(parse_decimal(&text).map(|p| p as f32), Some(v), "{text}");
            }
            x *= 3.1;
        }
    }
}
