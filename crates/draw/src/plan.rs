//! A draw plan (抽查计划) and the draw itself: targets by stratum (credit-risk
//! class) at a per-mille rate each, then for each drawn target inspectors from
//! each team (one team per department; several make a joint inspection 联合抽查)
//! among those with no conflict — all from one seeded stream, in a fixed order,
//! so the published inputs reproduce the published result exactly.

use crate::{Seed, Stream};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub code: String,
    pub stratum: String,
    /// Who inspected it last: not drawn for it again.
    pub last_inspector: Option<String>,
}

/// One department's inspectors and how many of them go to each drawn target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub department: String,
    pub inspectors: Vec<String>,
    pub per_target: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Strata in draw order, each with its rate in per mille of its targets (rounded up).
    pub strata: Vec<(String, u32)>,
    pub targets: Vec<Target>,
    /// Teams in draw order; together at least two inspectors per target.
    pub teams: Vec<Team>,
    /// `(inspector, target)` pairs that must not meet: kin of the target's owners,
    /// declared conflicts.
    pub conflicts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub target: String,
    pub stratum: String,
    /// Team by team, in plan order.
    pub inspectors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("每个对象至少需要2名检查人员 / at least 2 inspectors per target are required, the plan says {0}")]
    TooFewPerTarget(usize),
    #[error("检查组{0}每个对象至少派1人 / team {0} must send at least one inspector per target")]
    EmptyTeam(String),
    #[error("比例须在0到1000‰之间：{stratum} {rate}‰ / a rate must be 0 to 1000 per mille: {stratum} {rate}")]
    Rate { stratum: String, rate: u32 },
    #[error(
        "对象{target}的分层{stratum}不在计划中 / target {target} is in stratum {stratum}, which the plan does not list"
    )]
    UnknownStratum { target: String, stratum: String },
    #[error(
        "对象{target}在{department}可选检查人员只有{eligible}名，需要{needed}名 / target {target} has {eligible} eligible inspectors in {department}, {needed} needed"
    )]
    NotEnoughInspectors { target: String, department: String, eligible: usize, needed: usize },
}

/// Draws per the plan with the stream of `seed`.
pub fn run(plan: &Plan, seed: &Seed) -> Result<Vec<Selection>, DrawError> {
    let total: usize = plan.teams.iter().map(|t| t.per_target).sum();
    if total < 2 {
        return Err(DrawError::TooFewPerTarget(total));
    }
    if let Some(team) = plan.teams.iter().find(|t| t.per_target == 0) {
        return Err(DrawError::EmptyTeam(team.department.clone()));
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
    let teams: Vec<Vec<String>> = plan
        .teams
        .iter()
        .map(|team| {
            let mut inspectors = team.inspectors.clone();
            inspectors.sort();
            inspectors.dedup();
            inspectors
        })
        .collect();
    let mut stream = Stream::new(seed);
    let mut selections = Vec::new();
    for (stratum, rate) in &plan.strata {
        let mut members: Vec<&Target> = plan.targets.iter().filter(|t| t.stratum == *stratum).collect();
        members.sort_by(|a, b| a.code.cmp(&b.code));
        let count = (members.len() * *rate as usize).div_ceil(1000);
        for i in stream.sample(members.len(), count) {
            let target = members[i];
            let mut chosen: Vec<String> = Vec::new();
            for (team, inspectors) in plan.teams.iter().zip(&teams) {
                let eligible: Vec<&String> = inspectors
                    .iter()
                    .filter(|p| target.last_inspector.as_deref() != Some(p.as_str()))
                    .filter(|p| !plan.conflicts.iter().any(|(who, whom)| who == *p && *whom == target.code))
                    .filter(|p| !chosen.contains(p))
                    .collect();
                if eligible.len() < team.per_target {
                    return Err(DrawError::NotEnoughInspectors {
                        target: target.code.clone(),
                        department: team.department.clone(),
                        eligible: eligible.len(),
                        needed: team.per_target,
                    });
                }
                let picked = stream.sample(eligible.len(), team.per_target);
                chosen.extend(picked.into_iter().map(|j| eligible[j].clone()));
            }
            selections.push(Selection { target: target.code.clone(), stratum: stratum.clone(), inspectors: chosen });
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
            teams: vec![Team {
                department: "市场监督管理局".into(),
                inspectors: (0..6).map(|i| format!("P{i:02}")).collect(),
                per_target: 2,
            }],
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
        shuffled.teams[0].inspectors.reverse();
        assert_eq!(run(&shuffled, &seed).unwrap(), result);
    }

    #[test]
    fn bad_plans_are_refused() {
        let mut p = plan();
        p.teams[0].per_target = 1;
        assert_eq!(run(&p, &[0; 32]), Err(DrawError::TooFewPerTarget(1)));
        let mut p = plan();
        p.teams[0].inspectors.truncate(2);
        assert!(matches!(run(&p, &[0; 32]), Err(DrawError::NotEnoughInspectors { .. })));
        let mut p = plan();
        p.strata.pop();
        assert!(matches!(run(&p, &[0; 32]), Err(DrawError::UnknownStratum { .. })));
        let mut p = plan();
        p.teams.push(Team { department: "税务局".into(), inspectors: vec!["S1".into()], per_target: 0 });
        assert_eq!(run(&p, &[0; 32]), Err(DrawError::EmptyTeam("税务局".into())));
    }

    #[test]
    fn a_joint_inspection_draws_each_department_its_own() {
        let mut p = plan();
        p.teams[0].per_target = 1;
        // An inspector listed by both departments never goes twice to one target.
        p.teams.push(Team {
            department: "税务局".into(),
            inspectors: vec!["S1".into(), "S2".into(), "S3".into(), "P05".into()],
            per_target: 1,
        });
        let result = run(&p, &[5u8; 32]).unwrap();
        assert_eq!(result.len(), 16);
        for s in &result {
            assert_eq!(s.inspectors.len(), 2);
            assert!(s.inspectors[0].starts_with('P'), "first the market regulator's: {s:?}");
            assert!(["S1", "S2", "S3", "P05"].contains(&s.inspectors[1].as_str()), "then the tax bureau's: {s:?}");
            assert_ne!(s.inspectors[0], s.inspectors[1]);
        }
    }

    /// The draw of fixed inputs, pinned (taken from the draw before teams
    /// existed: a single team draws exactly as it did, so published draws stay
    /// reproducible). These must never change.
    #[test]
    fn the_draw_of_fixed_inputs_is_pinned() {
        let got: Vec<String> = run(&plan(), &[3u8; 32])
            .unwrap()
            .into_iter()
            .map(|s| format!("{} {} {}", s.target, s.stratum, s.inspectors.join(",")))
            .collect();
        let pinned = [
            "T024 A P02,P00",
            "T017 B P03,P02",
            "T021 B P04,P00",
            "T022 C P05,P04",
            "T014 C P03,P02",
            "T010 C P00,P04",
            "T031 D P03,P05",
            "T015 D P02,P01",
            "T019 D P05,P02",
            "T003 D P03,P02",
            "T035 D P03,P01",
            "T023 D P02,P00",
            "T027 D P04,P03",
            "T039 D P03,P02",
            "T011 D P05,P02",
            "T007 D P00,P01",
        ];
        assert_eq!(got, pinned);
    }
}
