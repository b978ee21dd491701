//! A draw plan (抽查计划) and the draw itself: targets by stratum (credit-risk
//! class) at a per-mille rate each, then inspectors for each drawn target from
//! those with no conflict — all from one seeded stream, in a fixed order, so
//! the published inputs reproduce the published result exactly.

use crate::{Seed, Stream};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub code: String,
    pub stratum: String,
    /// Who inspected it last: not drawn for it again.
    pub last_inspector: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Strata in draw order, each with its rate in per mille of its targets (rounded up).
    pub strata: Vec<(String, u32)>,
    pub targets: Vec<Target>,
    pub inspectors: Vec<String>,
    /// Inspectors per drawn target (at least two).
    pub per_target: usize,
    /// `(inspector, target)` pairs that must not meet: kin of the target's owners,
    /// declared conflicts.
    pub conflicts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub target: String,
    pub stratum: String,
    pub inspectors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("每个对象至少需要2名检查人员 / at least 2 inspectors per target are required, the plan says {0}")]
    TooFewPerTarget(usize),
    #[error("比例须在0到1000‰之间：{stratum} {rate}‰ / a rate must be 0 to 1000 per mille: {stratum} {rate}")]
    Rate { stratum: String, rate: u32 },
    #[error(
        "对象{target}的分层{stratum}不在计划中 / target {target} is in stratum {stratum}, which the plan does not list"
    )]
    UnknownStratum { target: String, stratum: String },
    #[error(
        "对象{target}可选检查人员只有{eligible}名，需要{needed}名 / target {target} has {eligible} eligible inspectors, {needed} needed"
    )]
    NotEnoughInspectors { target: String, eligible: usize, needed: usize },
}

/// Draws per the plan with the stream of `seed`.
pub fn run(plan: &Plan, seed: &Seed) -> Result<Vec<Selection>, DrawError> {
    if plan.per_target < 2 {
        return Err(DrawError::TooFewPerTarget(plan.per_target));
    }
    for (stratum, rate) in &plan.strata {
        if *rate > 1000 {
            return Err(DrawError::Rate { stratum: stratum.clone(), rate: *rate });
        }
    }
    for t in &plan.targets {
        if !plan.strata.iter().any(|(s, _)| *s == t.stratum) {
            return Err(DrawError::UnknownStratum { target: t.code.clone(), stratum: t.stratum.clone() });
        }
    }
    let mut inspectors = plan.inspectors.clone();
    inspectors.sort();
    inspectors.dedup();
    let mut stream = Stream::new(seed);
    let mut selections = Vec::new();
    for (stratum, rate) in &plan.strata {
        let mut members: Vec<&Target> = plan.targets.iter().filter(|t| t.stratum == *stratum).collect();
        members.sort_by(|a, b| a.code.cmp(&b.code));
        let count = (members.len() * *rate as usize).div_ceil(1000);
        for i in stream.sample(members.len(), count) {
            let target = members[i];
            let eligible: Vec<&String> = inspectors
                .iter()
                .filter(|p| target.last_inspector.as_deref() != Some(p.as_str()))
                .filter(|p| !plan.conflicts.iter().any(|(who, whom)| who == *p && *whom == target.code))
                .collect();
            if eligible.len() < plan.per_target {
                return Err(DrawError::NotEnoughInspectors {
                    target: target.code.clone(),
                    eligible: eligible.len(),
                    needed: plan.per_target,
                });
            }
            let picked = stream.sample(eligible.len(), plan.per_target);
            selections.push(Selection {
                target: target.code.clone(),
                stratum: stratum.clone(),
                inspectors: picked.into_iter().map(|j| eligible[j].clone()).collect(),
            });
        }
    }
    Ok(selections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let targets = (0..40)
            .map(|i| Target {
                code: format!("T{i:03}"),
                stratum: ["A", "B", "C", "D"][i % 4].into(),
                last_inspector: (i == 3).then(|| "P00".into()),
            })
            .collect();
        Plan {
            strata: vec![("A".into(), 100), ("B".into(), 200), ("C".into(), 300), ("D".into(), 1000)],
            targets,
            inspectors: (0..6).map(|i| format!("P{i:02}")).collect(),
            per_target: 2,
            conflicts: vec![("P01".into(), "T003".into())],
        }
    }

    #[test]
    fn rates_avoidance_and_reproducibility() {
        let seed = [3u8; 32];
        let result = run(&plan(), &seed).unwrap();
        let count = |s: &str| result.iter().filter(|x| x.stratum == s).count();
        // 10 targets per stratum: 10 % → 1, 20 % → 2, 30 % → 3, 100 % → 10.
        assert_eq!((count("A"), count("B"), count("C"), count("D")), (1, 2, 3, 10));
        let t3 = result.iter().find(|x| x.target == "T003").expect("every D target is drawn");
        assert!(!t3.inspectors.contains(&"P00".to_owned()), "last inspector avoided");
        assert!(!t3.inspectors.contains(&"P01".to_owned()), "declared conflict avoided");
        for s in &result {
            assert_eq!(s.inspectors.len(), 2);
            assert_ne!(s.inspectors[0], s.inspectors[1]);
        }
        assert_eq!(run(&plan(), &seed).unwrap(), result, "same inputs, same draw");
        assert_ne!(run(&plan(), &[4u8; 32]).unwrap(), result, "another seed, another draw");
        // Input order does not matter: targets and inspectors are sorted first.
        let mut shuffled = plan();
        shuffled.targets.reverse();
        shuffled.inspectors.reverse();
        assert_eq!(run(&shuffled, &seed).unwrap(), result);
    }

    #[test]
    fn bad_plans_are_refused() {
        let mut p = plan();
        p.per_target = 1;
        assert_eq!(run(&p, &[0; 32]), Err(DrawError::TooFewPerTarget(1)));
        let mut p = plan();
        p.inspectors.truncate(2);
        assert!(matches!(run(&p, &[0; 32]), Err(DrawError::NotEnoughInspectors { .. })));
        let mut p = plan();
        p.strata.pop();
        assert!(matches!(run(&p, &[0; 32]), Err(DrawError::UnknownStratum { .. })));
    }
}
