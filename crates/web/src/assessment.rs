//! The units' quarterly assessment (考核点评): for each unit, the share of what
//! fell due in the quarter that was done on time — rectification tasks by their
//! deadline, clues about the unit verified by theirs, inspection results
//! published within 20 working days — weighed as `qingfeng.toml` says
//! (`[assessment]`), the formula shown on the page. Printable.

use crate::auth::{self, CurrentUser};
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use minijinja::context;
use models::AssessmentWeights;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A calendar quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    /// `2026Q4` (or `2026q4`, `2026-Q4`).
    pub fn parse(s: &str) -> Option<Quarter> {
        let s = s.trim().to_uppercase().replace('-', "");
        let (year, q) = s.split_once('Q')?;
        let (year, q) = (year.parse().ok()?, q.parse().ok()?);
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    pub fn of(d: NaiveDate) -> Quarter {
        Quarter { year: d.year(), q: (d.month() - 1) / 3 + 1 }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        Quarter::of(d) == *self
    }

    pub fn previous(&self) -> Quarter {
        if self.q == 1 { Quarter { year: self.year - 1, q: 4 } } else { Quarter { year: self.year, q: self.q - 1 } }
    }

    pub fn next(&self) -> Quarter {
        if self.q == 4 { Quarter { year: self.year + 1, q: 1 } } else { Quarter { year: self.year, q: self.q + 1 } }
    }

    pub fn code(&self) -> String {
        format!("{}Q{}", self.year, self.q)
    }
}

/// What the assessment counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    Rectified,
    Clues,
    Disclosed,
}

/// One thing that fell due for a unit: done by `due`, later, or not yet.
#[derive(Clone, Debug)]
pub struct Item {
    pub unit: String,
    pub metric: Metric,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Tally {
    pub on_time: u32,
    pub late: u32,
    /// Not done, deadline not passed: not counted in the rate.
    pub pending: u32,
}

impl Tally {
    /// Counts an item due on `due`, done on `done` (if it is), as of `today`.
    pub fn count(&mut self, due: NaiveDate, done: Option<NaiveDate>, today: NaiveDate) {
        match done {
            Some(d) if d <= due => self.on_time += 1,
            Some(_) => self.late += 1,
            None if today > due => self.late += 1,
            None => self.pending += 1,
        }
    }

    /// On time over decided (on time + late); `None` when nothing was decided.
    pub fn rate(&self) -> Option<f64> {
        let decided = self.on_time + self.late;
        (decided > 0).then(|| f64::from(self.on_time) / f64::from(decided))
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct UnitScore {
    pub unit: String,
    pub rectified: Tally,
    pub clues: Tally,
    pub disclosed: Tally,
    /// Σ weight × rate, a metric with nothing decided counting as fully met.
    pub score: f64,
}

/// Scores every unit that had something fall due in `quarter`, best first.
pub fn assess(items: &[Item], quarter: Quarter, today: NaiveDate, weights: &AssessmentWeights) -> Vec<UnitScore> {
    let mut tallies: BTreeMap<&str, [Tally; 3]> = BTreeMap::new();
    for item in items.iter().filter(|i| quarter.contains(i.due)) {
        tallies.entry(item.unit.as_str()).or_default()[item.metric as usize].count(item.due, item.done, today);
    }
    let mut scores: Vec<UnitScore> = tallies
        .into_iter()
        .map(|(unit, [rectified, clues, disclosed])| {
            let part = |w: f64, t: &Tally| w * t.rate().unwrap_or(1.0);
            let score = part(weights.rectified_on_time, &rectified)
                + part(weights.clues_on_time, &clues)
                + part(weights.disclosed_on_time, &disclosed);
            UnitScore { unit: unit.to_owned(), rectified, clues, disclosed, score }
        })
        .collect();
    scores.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.unit.cmp(&b.unit)));
    scores
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Everything that falls due, read from the state store and the ledger.
async fn items(state: &AppState, names: &HashMap<String, String>) -> Result<Vec<Item>, AppError> {
    let store = state.warehouse.store();
    let mut items = Vec::new();
    let mut warning_units: HashMap<String, Option<String>> = HashMap::new();
    for clue in store.clues(&store::ClueFilter::default()).await? {
        if let (Some(unit), Some(due)) = (&clue.rectify_unit, clue.rectify_deadline.as_deref().and_then(date)) {
            items.push(Item {
                unit: unit.clone(),
                metric: Metric::Rectified,
                due,
                done: clue.rectified_at.as_deref().and_then(date),
            });
        }
        let Some(due) = clue.deadline.as_deref().and_then(date) else { continue };
        let (warnings, events) = store.clue_details(clue.id).await?;
        let verified = events.iter().find(|e| e.action == "verify").and_then(|e| date(&e.at));
        let mut units = BTreeSet::new();
        for id in warnings {
            if !warning_units.contains_key(&id) {
                let unit = store.warning(&id).await?.and_then(|w| w.org_code);
                warning_units.insert(id.clone(), unit);
            }
            units.extend(warning_units[&id].clone());
        }
        units.extend(clue.rectify_unit.clone());
        for unit in units {
            items.push(Item { unit, metric: Metric::Clues, due, done: verified });
        }
    }
    // Inspection results: the departments of the draw's teams, by name (a unit's code where the
    // officials' records name the unit so).
    let by_name: HashMap<&str, &str> = names.iter().map(|(code, name)| (name.as_str(), code.as_str())).collect();
    let calendar = state.warehouse.calendar_overrides().await?;
    let today = warehouse::china_now().date_naive();
    let draws = state.warehouse.draws().await?;
    for r in store.inspection_results(None).await? {
        let Some(draw) = draws.iter().find(|d| d.commitment == r.plan_commitment) else { continue };
        let Some(checked) = date(&r.checked_on) else { continue };
        let (due, _) = warehouse::inspections::timeliness(checked, None, today, &calendar);
        let done = r.published_at.as_deref().and_then(date);
        for team in draw.plan.teams().unwrap_or_default() {
            let name = team.department.trim();
            if name.is_empty() {
                continue;
            }
            let unit = by_name
                .iter()
                .find(|(n, _)| **n == name || n.ends_with(name))
                .map(|(_, code)| code.to_string())
                .unwrap_or_else(|| name.to_owned());
            items.push(Item { unit, metric: Metric::Disclosed, due, done });
        }
    }
    Ok(items)
}

/// Over every unit: the quarter's rectification and clue-verification tallies, each item once.
pub async fn quarter_rates(state: &AppState, quarter: Quarter) -> Result<(Tally, Tally), AppError> {
    let today = warehouse::china_now().date_naive();
    let store = state.warehouse.store();
    let (mut rectified, mut verified) = (Tally::default(), Tally::default());
    let count = |tally: &mut Tally, due: NaiveDate, done: Option<NaiveDate>| {
        if quarter.contains(due) {
            tally.count(due, done, today);
        }
    };
    for clue in store.clues(&store::ClueFilter::default()).await? {
        if let Some(due) = clue.rectify_deadline.as_deref().and_then(date) {
            count(&mut rectified, due, clue.rectified_at.as_deref().and_then(date));
        }
        if let Some(due) = clue.deadline.as_deref().and_then(date) {
            let (_, events) = store.clue_details(clue.id).await?;
            let done = events.iter().find(|e| e.action == "verify").and_then(|e| date(&e.at));
            count(&mut verified, due, done);
        }
    }
    Ok((rectified, verified))
}

#[derive(Deserialize, Default)]
pub struct AssessmentQuery {
    quarter: Option<String>,
}

/// `GET /assessment?quarter=2026Q4`
pub async fn page(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<AssessmentQuery>,
) -> Result<Html<String>, AppError> {
    user.require(auth::SUPERVISION)?;
    user.require_unscoped()?;
    let today = warehouse::china_now().date_naive();
    let quarter = match q.quarter.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Quarter::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!("季度应为 2026Q4 这样的格式 / a quarter is like 2026Q4, not {s}"))
        })?,
        None => Quarter::of(today),
    };
    let data = state.warehouse.root();
    let catalogue = models::catalogue(Some(&data.join("models"))).map_err(AppError::internal)?;
    let config = models::Config::load(&data.join("qingfeng.toml"), &catalogue).map_err(AppError::internal)?;
    let weights = config.assessment;
    let names: HashMap<String, String> = state
        .warehouse
        .records_all("official", "org_code")
        .await?
        .into_iter()
        .filter_map(|r| {
            let name = r.values.iter().find(|(k, _)| k == "org_name").map(|(_, v)| v.clone())?;
            (!name.is_empty()).then_some((r.source.key, name))
        })
        .collect();
    let items = items(&state, &names).await?;
    let scores = assess(&items, quarter, today, &weights);
    let percent = |t: &Tally| t.rate().map(|r| format!("{:.1}%", r * 100.0));
    let rows: Vec<minijinja::Value> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            context! {
                rank => i + 1,
                unit => s.unit.clone(),
                name => names.get(&s.unit).cloned(),
                rectified => s.rectified.clone(), rectified_rate => percent(&s.rectified),
                clues => s.clues.clone(), clues_rate => percent(&s.clues),
                disclosed => s.disclosed.clone(), disclosed_rate => percent(&s.disclosed),
                score => format!("{:.1}", s.score),
            }
        })
        .collect();
    let formula = format!(
        "{} × {} + {} × {} + {} × {}",
        weights.rectified_on_time,
        crate::i18n::get(lang, "assess_rectified"),
        weights.clues_on_time,
        crate::i18n::get(lang, "assess_clues"),
        weights.disclosed_on_time,
        crate::i18n::get(lang, "assess_disclosed"),
    );
    let page = context! {
        quarter => quarter.code(),
        quarter_label => if lang == Lang::Zh {
            format!("{}年第{}季度", quarter.year, quarter.q)
        } else {
            format!("{} Q{}", quarter.year, quarter.q)
        },
        previous => quarter.previous().code(),
        next => quarter.next().code(),
        rows => rows,
        formula => formula,
        configured => config.source.is_some(),
        generated => today.to_string(),
    };
    render(&state, "assessment.html", lang, Some(&user), "assessment", page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn item(unit: &str, metric: Metric, due: &str, done: Option<&str>) -> Item {
        Item { unit: unit.into(), metric, due: d(due), done: done.map(d) }
    }

    #[test]
    fn quarters() {
        assert_eq!(Quarter::parse("2026q4"), Some(Quarter { year: 2026, q: 4 }));
        assert_eq!(Quarter::parse("2026-Q1").map(|q| q.previous().code()), Some("2025Q4".into()));
        assert_eq!(Quarter::parse("2026Q5"), None);
        assert_eq!(Quarter::of(d("2026-11-29")).code(), "2026Q4");
        assert_eq!(Quarter { year: 2026, q: 4 }.next().code(), "2027Q1");
    }

    #[test]
    fn scores_weigh_on_time_rates_as_configured() {
        let items = [
            item("A", Metric::Rectified, "2026-10-10", Some("2026-10-09")),
            item("A", Metric::Rectified, "2026-10-20", Some("2026-10-25")),
            item("A", Metric::Clues, "2026-11-01", None),
            item("A", Metric::Clues, "2026-12-30", None),
            item("B", Metric::Disclosed, "2026-11-05", Some("2026-11-05")),
            item("B", Metric::Rectified, "2026-07-01", None),
        ];
        let weights = AssessmentWeights::default();
        let scores = assess(&items, Quarter { year: 2026, q: 4 }, d("2026-11-29"), &weights);
        // B: nothing late in the quarter (its overdue task fell due in Q3): 100.
        assert_eq!(scores[0].unit, "B");
        assert_eq!(scores[0].score, 100.0);
        // A: rectification 1 of 2 on time (40 × 0.5), clues 0 of 1 decided (the other pending),
        // nothing to disclose (30).
        let a = &scores[1];
        assert_eq!((a.rectified.on_time, a.rectified.late), (1, 1));
        assert_eq!((a.clues.late, a.clues.pending), (1, 1));
        assert_eq!(a.score, 40.0 * 0.5 + 0.0 + 30.0);
        let heavier = AssessmentWeights { rectified_on_time: 80.0, clues_on_time: 10.0, disclosed_on_time: 10.0 };
        let a =
            assess(&items, Quarter { year: 2026, q: 4 }, d("2026-11-29"), &heavier).into_iter().find(|s| s.unit == "A");
        assert_eq!(a.unwrap().score, 80.0 * 0.5 + 0.0 + 10.0);
    }
}
