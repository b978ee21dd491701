//! Quantiles as the Cardinal indicators compute them, so that our fences are
//! theirs: Hyndman and Fan's type 8 ("approximately median-unbiased"), the
//! estimator of Math.NET Numerics and of Rust's `statrs`, which Cardinal uses.
//!
//! For sorted values x₁ ≤ … ≤ xₙ and 0 ≤ τ ≤ 1: h = (n + 1/3)·τ + 1/3; below
//! h = 1 the minimum, from h = n the maximum, else x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋+1 − x⌊h⌋).

/// The τ-quantile of `values` (any order; NaNs ignored), or `None` when there
/// are no values or τ is outside [0, 1].
pub fn quantile(values: &[f64], tau: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&tau) {
        return None;
    }
    let mut x: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if x.is_empty() {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    let h = (n as f64 + 1.0 / 3.0) * tau + 1.0 / 3.0;
    let k = h.floor();
    if k < 1.0 || tau == 0.0 {
        return Some(x[0]);
    }
    if k >= n as f64 || tau == 1.0 {
        return Some(x[n - 1]);
    }
    let k = k as usize;
    let (a, b) = (x[k - 1], x[k]);
    Some(a + (h - k as f64) * (b - a))
}

#[cfg(test)]
mod tests {
    use super::quantile;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn type_8_quartiles() {
        // numpy.quantile([1, 99, 99, 99, 99], [.25, .75], method='median_unbiased') → 66.3333, 99
        let v = [99.0, 1.0, 99.0, 99.0, 99.0];
        assert!(close(quantile(&v, 0.25), 1.0 + (2.0 / 3.0) * 98.0));
        assert!(close(quantile(&v, 0.75), 99.0));
        // numpy.quantile(range(1, 11), [.1, .25, .5, .9], method='median_unbiased') → 1.366667, 2.916667, 5.5, 9.633333
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!(close(quantile(&v, 0.1), 1.0 + 11.0 / 30.0));
        assert!(close(quantile(&v, 0.25), 2.0 + 11.0 / 12.0));
        assert!(close(quantile(&v, 0.5), 5.5));
        assert!(close(quantile(&v, 0.9), 9.0 + 19.0 / 30.0));
        assert!(close(quantile(&v, 0.0), 1.0) && close(quantile(&v, 1.0), 10.0));
        assert!(close(quantile(&[7.0], 0.25), 7.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[1.0], 1.5), None);
    }
}
