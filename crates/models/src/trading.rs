//! The statistics of public-resource trading that SQL says badly: the bid
//! screens of one tender (Imhof 2018; Huber & Imhof 2019) with a collusion
//! score, and bid-rotation groups over many tenders. Pure functions over
//! numbers and codes; the engine calls them from SQL (`bid_screens`,
//! `rotation_groups`) and the pages call them on what they read.

use std::collections::HashMap;

/// The screens of one tender's valid priced bids (n ≥ 3). Formulas are in
/// `docs/models/screens.md`; the standard deviations are the sample ones (n − 1).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Screens {
    /// Bids screened.
    pub n: usize,
    /// Coefficient of variation: sd / mean.
    pub cv: f64,
    /// Spread: (max − min) / min.
    pub spread: f64,
    /// Percentage difference between the two lowest: (b2 − b1) / b1.
    pub diffp: f64,
    /// Relative distance: (b2 − b1) / sd(losing bids); none when the losing bids are all equal.
    pub rd: Option<f64>,
    /// Unbiased excess kurtosis (n ≥ 4; none when every bid is equal).
    pub kurtosis: Option<f64>,
    /// Unbiased skewness (none when every bid is equal).
    pub skewness: Option<f64>,
    /// Kolmogorov–Smirnov distance of the bids, scaled to [0, 1] by min and max, from the uniform distribution.
    pub ks: f64,
    /// Bids whose price another bid has too.
    pub identical: usize,
    /// (largest gap − smallest gap) / largest gap between consecutive sorted bids: 0 for an exact arithmetic progression.
    pub gap_spread: f64,
    /// Share of the screens on the collusive side of their benchmark (`SCORE_RULES`), 0 to 1.
    pub score: f64,
    /// Which screens are on the collusive side, by name.
    pub flags: Vec<&'static str>,
}

/// The benchmarks of the collusion score: a screen counts when it lies on the
/// side that the Swiss cartel cases show for rigged tenders (low variance,
/// a wide gap to the winner with losing bids close together, peaked and
/// left-skewed, far from uniform).
pub const SCORE_RULES: [(&str, &str); 7] = [
    ("cv", "cv < 0.05"),
    ("spread", "spread < 0.10"),
    ("diffp", "diffp > 0.05"),
    ("rd", "rd > 1"),
    ("kurtosis", "kurtosis > 0"),
    ("skewness", "skewness < 0"),
    ("ks", "ks > 0.4"),
];

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample standard deviation (n − 1); zero for fewer than two values.
fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// The screens of `prices` (any order), or none with fewer than three positive prices.
pub fn screens(prices: &[f64]) -> Option<Screens> {
    let mut b: Vec<f64> = prices.iter().copied().filter(|p| p.is_finite() && *p > 0.0).collect();
    if b.len() < 3 {
        return None;
    }
    b.sort_by(f64::total_cmp);
    let n = b.len();
    let nf = n as f64;
    let (m, s) = (mean(&b), sd(&b));
    let (min, max) = (b[0], b[n - 1]);
    let losing = sd(&b[1..]);
    let rd = (losing > 0.0).then(|| (b[1] - b[0]) / losing);
    let moment = |k: i32| b.iter().map(|v| ((v - m) / s).powi(k)).sum::<f64>();
    let skewness = (s > 0.0).then(|| nf / ((nf - 1.0) * (nf - 2.0)) * moment(3));
    let kurtosis = (s > 0.0 && n >= 4).then(|| {
        nf * (nf + 1.0) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0)) * moment(4)
            - 3.0 * (nf - 1.0).powi(2) / ((nf - 2.0) * (nf - 3.0))
    });
    let ks = if max > min {
        (0..n)
            .map(|i| {
                let z = (b[i] - min) / (max - min);
                ((i + 1) as f64 / nf - z).max(z - i as f64 / nf)
            })
            .fold(0.0, f64::max)
    } else {
        1.0
    };
    let identical = (0..n).filter(|&i| (i > 0 && b[i] == b[i - 1]) || (i + 1 < n && b[i] == b[i + 1])).count();
    let gaps: Vec<f64> = b.windows(2).map(|w| w[1] - w[0]).collect();
    let (gap_min, gap_max) = gaps.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &g| (lo.min(g), hi.max(g)));
    let gap_spread = if gap_max > 0.0 { (gap_max - gap_min) / gap_max } else { 0.0 };
    let mut s = Screens {
        n,
        cv: s / m,
        spread: (max - min) / min,
        diffp: (b[1] - b[0]) / b[0],
        rd,
        kurtosis,
        skewness,
        ks,
        identical,
        gap_spread,
        score: 0.0,
        flags: Vec::new(),
    };
    let checks: [(&'static str, Option<bool>); 7] = [
        ("cv", Some(s.cv < 0.05)),
        ("spread", Some(s.spread < 0.10)),
        ("diffp", Some(s.diffp > 0.05)),
        ("rd", s.rd.map(|v| v > 1.0)),
        ("kurtosis", s.kurtosis.map(|v| v > 0.0)),
        ("skewness", s.skewness.map(|v| v < 0.0)),
        ("ks", Some(s.ks > 0.4)),
    ];
    let applicable = checks.iter().filter(|(_, c)| c.is_some()).count();
    s.flags = checks.iter().filter(|(_, c)| *c == Some(true)).map(|(name, _)| *name).collect();
    s.score = s.flags.len() as f64 / applicable as f64;
    Some(s)
}

/// One tender as the rotation search sees it.
#[derive(Clone, Debug)]
pub struct CoBid<'a> {
    pub tender: &'a str,
    /// Days since 1970-01-01 (the award date, else the opening).
    pub day: i32,
    pub winner: Option<&'a str>,
    /// The valid bidders.
    pub bidders: Vec<&'a str>,
}

/// A bid-rotation group: firms that bid together in `tenders` (indices into
/// the input, by day), one of them winning each, each of them winning at least once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub firms: Vec<String>,
    pub tenders: Vec<usize>,
}

/// The groups of ≥ 2 firms that bid together in at least `min_tenders` tenders
/// within `window_days` of the first, the winner of each being one of them and
/// every one of them winning at least once (P06). For every tender as the first
/// of such a run: take the later tenders in the window won by one of its
/// bidders; while some winner did not bid in all of them, drop the tenders won
/// by the winner missing from most; the winners left are the group. A group
/// found from several first tenders is reported once, with its longest run.
/// Each first tender looks only at the tenders its bidders won and its winner
/// bid for, each stretch found by binary search, so the work grows with the
/// tenders and the runs, not with their square.
pub fn rotation_groups(tenders: &[CoBid], window_days: i32, min_tenders: usize) -> Vec<Group> {
    // Firms as numbers given in the order of their names, so that comparing numbers
    // compares names: the search then compares no strings.
    // Hashed with foldhash, not std's SipHash: every bid's firm name is hashed
    // twice, and SipHash showed in P06's profile (BENCHMARKS.md).
    type Fast = foldhash::fast::FixedState;
    let mut names: Vec<&str> = tenders
        .iter()
        .flat_map(|t| t.bidders.iter().copied().chain(t.winner))
        .collect::<std::collections::HashSet<&str, Fast>>()
        .into_iter()
        .collect();
    names.sort_unstable();
    let ids: HashMap<&str, u32, Fast> = names.iter().enumerate().map(|(n, &f)| (f, n as u32)).collect();
    let id = |f: &str| ids.get(f).copied();
    let bidders: Vec<Vec<u32>> = tenders
        .iter()
        .map(|t| {
            let mut v: Vec<u32> = t.bidders.iter().filter_map(|b| id(b)).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let winner: Vec<Option<u32>> = tenders.iter().map(|t| t.winner.and_then(id)).collect();
    let bid = |i: usize, f: u32| bidders[i].binary_search(&f).is_ok();
    let mut order: Vec<usize> = (0..tenders.len()).collect();
    order.sort_by(|&a, &b| (tenders[a].day, &tenders[a].tender).cmp(&(tenders[b].day, &tenders[b].tender)));
    // (bidder, winner, position) for each bidder of each tender whose winner bid
    // for it, sorted, and where each bidder's entries begin: the tenders that a
    // bidder bid for and a given firm won, by day, are one stretch of that
    // bidder's entries, found by a binary search among them.
    let mut pairs: Vec<(u32, u32, u32)> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        if let Some(w) = winner[i]
            && bid(i, w)
        {
            pairs.extend(bidders[i].iter().map(|&b| (b, w, k as u32)));
        }
    }
    pairs.sort_unstable();
    let mut begins = vec![0usize; names.len() + 1];
    for &(b, ..) in &pairs {
        begins[b as usize + 1] += 1;
    }
    for f in 0..names.len() {
        begins[f + 1] += begins[f];
    }
    let day: Vec<i32> = order.iter().map(|&i| tenders[i].day).collect();
    let mut found: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
    let (mut positions, mut run) = (Vec::new(), Vec::new());
    for (k, &first) in order.iter().enumerate() {
        let Some(first_winner) = winner[first] else { continue };
        if !bid(first, first_winner) {
            continue;
        }
        let start = day[k];
        // The tenders from this one on, within the window, won by one of its bidders
        // and bid for by its winner (who stays in any group found from it).
        let cobids = &pairs[begins[first_winner as usize]..begins[first_winner as usize + 1]];
        positions.clear();
        for &f in &bidders[first] {
            let from = cobids.partition_point(|&(_, w, p)| (w, p) < (f, k as u32));
            positions.extend(
                cobids[from..]
                    .iter()
                    .take_while(|&&(_, w, p)| w == f && day[p as usize] - start <= window_days)
                    .map(|&(_, _, p)| p),
            );
        }
        if positions.len() < min_tenders {
            continue;
        }
        positions.sort_unstable();
        run.clear();
        run.extend(positions.iter().map(|&p| order[p as usize]));
        loop {
            if run.len() < min_tenders {
                break;
            }
            let mut winners: Vec<u32> = run.iter().filter_map(|&i| winner[i]).collect();
            winners.sort_unstable();
            winners.dedup();
            // The winner absent from the most of these tenders leaves, with the tenders it won.
            let worst = winners
                .iter()
                .map(|&f| {
                    let missing = run.iter().filter(|&&i| !bid(i, f)).count();
                    let wins = run.iter().filter(|&&i| winner[i] == Some(f)).count();
                    (missing, std::cmp::Reverse(wins), f)
                })
                .max()
                .filter(|(missing, _, _)| *missing > 0);
            match worst {
                Some((_, _, f)) if f == first_winner => break,
                Some((_, _, f)) => run.retain(|&i| winner[i] != Some(f)),
                None => {
                    if winners.len() >= 2 && run.len() >= min_tenders {
                        let entry = found.entry(winners).or_default();
                        if run.len() > entry.len() {
                            entry.clone_from(&run);
                        }
                    }
                    break;
                }
            }
        }
    }
    let mut groups: Vec<Group> = found
        .into_iter()
        .map(|(firms, tenders)| Group { firms: firms.iter().map(|&f| names[f as usize].to_owned()).collect(), tenders })
        .collect();
    groups.sort_by(|a, b| a.firms.cmp(&b.firms));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn screens_of_a_known_tender() {
        // Bids 100, 110, 111, 112: winner far below three close cover bids.
        let s = screens(&[112.0, 100.0, 111.0, 110.0]).unwrap();
        assert_eq!(s.n, 4);
        let m = 108.25;
        let sd = ((8.25f64.powi(2) + 1.75f64.powi(2) + 2.75f64.powi(2) + 3.75f64.powi(2)) / 3.0).sqrt();
        assert!(close(s.cv, sd / m));
        assert!(close(s.spread, 0.12));
        assert!(close(s.diffp, 0.10));
        assert!(close(s.rd.unwrap(), 10.0 / 1.0));
        // Against scipy.stats.skew/kurtosis(bias=False) on the same bids.
        assert!((s.skewness.unwrap() - -1.871_671_210_563_742).abs() < 1e-9, "{:?}", s.skewness);
        assert!((s.kurtosis.unwrap() - 3.576_870_263_947_516).abs() < 1e-9, "{:?}", s.kurtosis);
        // z = 0, 10/12, 11/12, 1: D- at the second bid = 10/12 - 1/4.
        assert!(close(s.ks, 10.0 / 12.0 - 0.25));
        assert_eq!(s.identical, 0);
        assert!(s.flags.contains(&"rd") && s.flags.contains(&"skewness") && !s.flags.contains(&"spread"));
    }

    #[test]
    fn identical_prices_and_progressions_are_seen() {
        let s = screens(&[100.0, 105.0, 105.0, 120.0]).unwrap();
        assert_eq!(s.identical, 2);
        let s = screens(&[100.0, 110.0, 120.0, 130.0]).unwrap();
        assert!(close(s.gap_spread, 0.0));
        assert!(screens(&[100.0, 110.0]).is_none());
        assert!(screens(&[100.0, 100.0, 100.0]).is_some_and(|s| s.skewness.is_none() && s.rd.is_none()));
    }

    fn t<'a>(tender: &'a str, day: i32, winner: &'a str, bidders: &[&'a str]) -> CoBid<'a> {
        CoBid { tender, day, winner: Some(winner), bidders: bidders.to_vec() }
    }

    /// P06 as its documentation says it, with names and sets and no index: the
    /// search above must find the same groups.
    fn rotation_by_definition(tenders: &[CoBid], window_days: i32, min_tenders: usize) -> Vec<Group> {
        use std::collections::{BTreeMap, BTreeSet};
        let mut order: Vec<usize> = (0..tenders.len()).collect();
        order.sort_by_key(|&i| (tenders[i].day, tenders[i].tender));
        let bids = |i: usize, f: &str| tenders[i].bidders.contains(&f);
        let mut found: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
        for (k, &first) in order.iter().enumerate() {
            let Some(w) = tenders[first].winner.filter(|&w| bids(first, w)) else { continue };
            let mut run: Vec<usize> = order[k..]
                .iter()
                .copied()
                .take_while(|&i| tenders[i].day - tenders[first].day <= window_days)
                .filter(|&i| tenders[i].winner.is_some_and(|v| bids(first, v) && bids(i, v)) && bids(i, w))
                .collect();
            while run.len() >= min_tenders {
                let winners: BTreeSet<&str> = run.iter().filter_map(|&i| tenders[i].winner).collect();
                let missing = |f: &str| run.iter().filter(|&&i| !bids(i, f)).count();
                let won = |f: &str| run.iter().filter(|&&i| tenders[i].winner == Some(f)).count();
                let worst = winners.iter().max_by_key(|&&f| (missing(f), std::cmp::Reverse(won(f)), f)).copied();
                match worst.filter(|&f| missing(f) > 0) {
                    Some(f) if f == w => break,
                    Some(f) => run.retain(|&i| tenders[i].winner != Some(f)),
                    None => {
                        let firms: Vec<String> = winners.iter().map(|f| f.to_string()).collect();
                        let entry = found.entry(firms).or_default();
                        if winners.len() >= 2 && run.len() > entry.len() {
                            *entry = run;
                        }
                        break;
                    }
                }
            }
        }
        found.into_iter().filter(|(_, t)| !t.is_empty()).map(|(firms, tenders)| Group { firms, tenders }).collect()
    }

    #[test]
    fn the_rotation_search_finds_what_its_definition_says() {
        const FIRMS: [&str; 6] = ["A", "B", "C", "D", "E", "F"];
        let names: Vec<String> = (0..60).map(|n| format!("T{n:02}")).collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        let mut groups = 0;
        for _ in 0..300 {
            let pool = 3 + next(4);
            let tenders: Vec<CoBid> = names
                .iter()
                .take(10 + next(50))
                .map(|name| {
                    let bidders: Vec<&str> = (0..2 + next(3)).map(|_| FIRMS[next(pool as u64)]).collect();
                    let winner = match next(10) {
                        0 => None,
                        1 => Some(FIRMS[next(6)]),
                        _ => Some(bidders[next(bidders.len() as u64)]),
                    };
                    CoBid { tender: name, day: next(1500) as i32, winner, bidders }
                })
                .collect();
            let found = rotation_groups(&tenders, 365, 3);
            assert_eq!(found, rotation_by_definition(&tenders, 365, 3), "{tenders:?}");
            groups += found.len();
        }
        // The data make groups, not only their absence.
        assert!(groups > 50, "{groups} groups");
    }

    #[test]
    fn a_rotating_trio_is_one_group() {
        let tenders = vec![
            t("T1", 0, "A", &["A", "B", "C", "X"]),
            t("T2", 100, "B", &["A", "B", "C"]),
            t("T3", 200, "C", &["C", "B", "A", "Y"]),
            t("T4", 300, "X", &["A", "B", "X"]),
        ];
        let g = rotation_groups(&tenders, 730, 3);
        assert_eq!(g, vec![Group { firms: vec!["A".into(), "B".into(), "C".into()], tenders: vec![0, 1, 2] }]);
        // Beyond the window, or one winner short, it is no group.
        let mut late = tenders.clone();
        late[2].day = 900;
        assert!(rotation_groups(&late, 730, 3).is_empty());
        let mut outsider = tenders.clone();
        outsider[2].winner = Some("Y");
        assert!(rotation_groups(&outsider, 730, 3).is_empty());
        // Two of them alternating is a group of two.
        let mut pair = tenders.clone();
        pair[2].winner = Some("A");
        assert_eq!(
            rotation_groups(&pair, 730, 3),
            vec![Group { firms: vec!["A".into(), "B".into()], tenders: vec![0, 1, 2] }]
        );
    }
}
