//! Entity resolution, the probabilistic part: the Fellegi–Sunter model as the
//! record-linkage literature and Splink use it. Each candidate pair is a
//! comparison vector γ — per field a level (`0` the least alike, "else"; the
//! highest, exact agreement) or `None` where either record lacks the value. A
//! field contributes the Bayes factor m(level) / u(level), where m is the chance
//! of that level among true matches and u among non-matches; a missing value
//! contributes nothing. u is estimated from random pairs (almost all
//! non-matches), m and the match prior λ by expectation–maximisation over the
//! candidate pairs with u held fixed. Exact agreement on a value can be weighed
//! by its term frequency, so that two 王伟 agree less tellingly than two 欧阳修远.
//!
//! `compare` gives the levels of Chinese names: exact, traditional/simplified
//! variant, homophone, one character apart, else.
//!
//! `link` runs it end to end: blocking, comparing, estimating, scoring and
//! clustering records. No IO.

pub mod compare;
pub mod graph;
pub mod link;

/// A comparison level, or `None` where a value is missing on either side.
pub type Gamma = Option<u8>;

/// One compared field: its levels' m and u probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
}

/// The Fellegi–Sunter model: fields and the prior probability that a candidate pair matches.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub fields: Vec<Field>,
    pub lambda: f64,
}

/// What an EM run did.
#[derive(Clone, Debug, PartialEq)]
pub struct EmReport {
    pub iterations: usize,
    pub converged: bool,
    /// The largest change of any m or of λ in the last iteration.
    pub last_change: f64,
}

/// Probabilities are kept away from 0 and 1, so that no single field can make a
/// Bayes factor infinite.
const FLOOR: f64 = 1e-6;

fn clamp(p: f64) -> f64 {
    p.clamp(FLOOR, 1.0 - FLOOR)
}

/// λ may be far smaller than the floor of m and u: one match in 10¹² pairs.
fn clamp_lambda(p: f64) -> f64 {
    p.clamp(1e-15, 1.0 - FLOOR)
}

impl Model {
    /// A starting model: `(field name, number of levels)`; m rising and u falling
    /// towards exact agreement, λ = `lambda`.
    pub fn new(fields: &[(&str, usize)], lambda: f64) -> Model {
        let fields = fields
            .iter()
            .map(|(name, levels)| {
                let levels = (*levels).max(2);
                // m: geometric towards the exact level; u: the reverse.
                let weights: Vec<f64> = (0..levels).map(|l| 2f64.powi(l as i32)).collect();
                let total: f64 = weights.iter().sum();
                let m: Vec<f64> = weights.iter().map(|w| w / total).collect();
                let u: Vec<f64> = m.iter().rev().copied().collect();
                Field { name: (*name).to_owned(), m, u }
            })
            .collect();
        Model { fields, lambda: clamp_lambda(lambda) }
    }

    /// The product of every field's m / u over the levels present.
    pub fn bayes_factor(&self, gamma: &[Gamma]) -> f64 {
        self.fields
            .iter()
            .zip(gamma)
            .filter_map(|(f, g)| g.map(|l| clamp(f.m[l as usize]) / clamp(f.u[l as usize])))
            .product()
    }

    /// log2 of the prior odds and the Bayes factor: Splink's match weight.
    pub fn match_weight(&self, gamma: &[Gamma]) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2() + self.bayes_factor(gamma).log2()
    }

    /// The posterior probability that the pair matches.
    pub fn probability(&self, gamma: &[Gamma]) -> f64 {
        let odds = self.lambda / (1.0 - self.lambda) * self.bayes_factor(gamma);
        odds / (1.0 + odds)
    }

    /// u from pairs drawn at random (nearly all non-matches): each level's share
    /// among the pairs where the field is present.
    pub fn estimate_u(&mut self, random_pairs: &[Vec<Gamma>]) {
        let weighted: Vec<(Vec<Gamma>, f64)> = random_pairs.iter().map(|g| (g.clone(), 1.0)).collect();
        self.estimate_u_weighted(&weighted);
    }

    /// [`Model::estimate_u`] over distinct comparison vectors and their counts.
    pub fn estimate_u_weighted(&mut self, random_pairs: &[(Vec<Gamma>, f64)]) {
        for (i, field) in self.fields.iter_mut().enumerate() {
            let mut counts = vec![0f64; field.u.len()];
            for (g, w) in random_pairs {
                if let Some(l) = g.get(i).copied().flatten()
                    && let Some(c) = counts.get_mut(l as usize)
                {
                    *c += w;
                }
            }
            let total: f64 = counts.iter().sum();
            if total > 0.0 {
                field.u = counts.iter().map(|c| clamp(c / total)).collect();
            }
        }
    }

    /// Expectation–maximisation of m and λ over candidate pairs, u fixed.
    pub fn em(&mut self, pairs: &[Vec<Gamma>], max_iterations: usize, tolerance: f64) -> EmReport {
        let weighted: Vec<(Vec<Gamma>, f64)> = pairs.iter().map(|g| (g.clone(), 1.0)).collect();
        self.em_weighted(&weighted, max_iterations, tolerance)
    }

    /// [`Model::em`] over distinct comparison vectors and their counts: the same
    /// result, in time proportional to the number of distinct vectors.
    pub fn em_weighted(&mut self, pairs: &[(Vec<Gamma>, f64)], max_iterations: usize, tolerance: f64) -> EmReport {
        let mut report = EmReport { iterations: 0, converged: false, last_change: f64::INFINITY };
        let total_weight: f64 = pairs.iter().map(|(_, w)| w).sum();
        if total_weight <= 0.0 {
            return report;
        }
        for _ in 0..max_iterations {
            // E: each pair's probability of being a match under the current model.
            let p: Vec<f64> = pairs.iter().map(|(g, w)| self.probability(g) * w).collect();
            // M: λ and each field's m, weighted by those probabilities.
            let lambda = clamp(p.iter().sum::<f64>() / total_weight);
            let mut change = (lambda - self.lambda).abs();
            self.lambda = lambda;
            for (i, field) in self.fields.iter_mut().enumerate() {
                let mut sums = vec![0f64; field.m.len()];
                for ((g, _), w) in pairs.iter().zip(&p) {
                    if let Some(l) = g.get(i).copied().flatten()
                        && let Some(s) = sums.get_mut(l as usize)
                    {
                        *s += w;
                    }
                }
                let total: f64 = sums.iter().sum();
                if total > 0.0 {
                    for (m, s) in field.m.iter_mut().zip(&sums) {
                        let new = clamp(s / total);
                        change = change.max((new - *m).abs());
                        *m = new;
                    }
                }
            }
            report.iterations += 1;
            report.last_change = change;
            if change < tolerance {
                report.converged = true;
                break;
            }
        }
        report
    }
}

/// The Bayes factor of exact agreement on one value, adjusted by that value's
/// term frequency `tf` (its share among all records): the chance that two random
/// records share *this* value replaces the field's average u of exact agreement.
pub fn tf_adjusted_factor(m_exact: f64, tf: f64) -> f64 {
    // A value's frequency may be far below the floor of m and u: one in ten million names.
    clamp(m_exact) / tf.clamp(1e-12, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (SplitMix64) for reproducible synthetic pairs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }

        fn level(&mut self, probabilities: &[f64]) -> u8 {
            let x = self.next();
            let mut acc = 0.0;
            for (i, p) in probabilities.iter().enumerate() {
                acc += p;
                if x < acc {
                    return i as u8;
                }
            }
            (probabilities.len() - 1) as u8
        }
    }

    const M: [[f64; 3]; 3] = [[0.05, 0.15, 0.80], [0.02, 0.08, 0.90], [0.10, 0.20, 0.70]];
    const U: [[f64; 3]; 3] = [[0.90, 0.08, 0.02], [0.97, 0.02, 0.01], [0.70, 0.20, 0.10]];

    fn pair(rng: &mut Rng, matched: bool) -> Vec<Gamma> {
        (0..3)
            .map(|f| {
                // One value in ten is missing.
                if rng.next() < 0.1 { None } else { Some(rng.level(if matched { &M[f] } else { &U[f] })) }
            })
            .collect()
    }

    #[test]
    fn em_recovers_the_parameters_that_made_the_pairs() {
        let mut rng = Rng(7);
        let lambda = 0.2;
        let candidates: Vec<Vec<Gamma>> = (0..20_000)
            .map(|_| {
                let m = rng.next() < lambda;
                pair(&mut rng, m)
            })
            .collect();
        let random: Vec<Vec<Gamma>> = (0..20_000).map(|_| pair(&mut rng, false)).collect();
        let mut model = Model::new(&[("name", 3), ("birth_date", 3), ("address", 3)], 0.5);
        model.estimate_u(&random);
        let report = model.em(&candidates, 200, 1e-7);
        assert!(report.converged, "{report:?}");
        assert!((model.lambda - lambda).abs() < 0.02, "λ {}", model.lambda);
        for (f, field) in model.fields.iter().enumerate() {
            for l in 0..3 {
                assert!((field.m[l] - M[f][l]).abs() < 0.03, "m[{f}][{l}] = {} vs {}", field.m[l], M[f][l]);
                assert!((field.u[l] - U[f][l]).abs() < 0.02, "u[{f}][{l}] = {} vs {}", field.u[l], U[f][l]);
            }
        }
    }

    #[test]
    fn agreement_raises_the_weight_and_missing_values_are_neutral() {
        let model = Model::new(&[("name", 3), ("phone", 2)], 0.01);
        let exact = model.match_weight(&[Some(2), Some(1)]);
        let close = model.match_weight(&[Some(1), Some(1)]);
        let apart = model.match_weight(&[Some(0), Some(0)]);
        assert!(exact > close && close > apart, "{exact} {close} {apart}");
        assert_eq!(model.bayes_factor(&[Some(2), None]), model.bayes_factor(&[Some(2)]));
        let p = model.probability(&[Some(2), Some(1)]);
        assert!((0.0..=1.0).contains(&p) && p > model.probability(&[Some(0), Some(0)]));
        // The weight is log2 of the posterior odds.
        assert!((model.match_weight(&[Some(2), Some(1)]) - (p / (1.0 - p)).log2()).abs() < 1e-9);
    }

    #[test]
    fn a_rare_name_agrees_more_tellingly_than_a_common_one() {
        // 王伟 is carried by about 1 in 3,000 people; 欧阳修远 by 1 in 10 million.
        let common = tf_adjusted_factor(0.9, 1.0 / 3_000.0);
        let rare = tf_adjusted_factor(0.9, 1.0 / 10_000_000.0);
        assert!(rare.log2() - common.log2() > 10.0, "{common} {rare}");
    }
}
