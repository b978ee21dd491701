//! The dashboard (驾驶舱): open warnings and their amounts by domain and model,
//! the clue pipeline, overdue clues and money recovered, each figure linking to
//! the list behind it.

use crate::auth::CurrentUser;
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::Html;
use minijinja::{Value, context};
use models::Domain;
use std::collections::BTreeMap;
use store::{ClueFilter, ClueStatus, WarningStatus};

pub async fn page(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    let store = state.warehouse.store();
    let scope = user.user.region_code.clone();
    let counts = match &scope {
        None => store.warning_counts().await?,
        // A user scoped to a region: the counts of its warnings only.
        Some(region) => {
            let filter =
                store::WarningFilter { region: Some(region.clone()), all_statuses: true, ..Default::default() };
            let mut counts: BTreeMap<(String, String, &'static str), store::WarningCount> = BTreeMap::new();
            for w in store.warnings(&filter).await?.0 {
                let c = counts.entry((w.domain.clone(), w.model.clone(), w.status.as_str())).or_insert(
                    store::WarningCount {
                        domain: w.domain.clone(),
                        model: w.model.clone(),
                        status: w.status,
                        count: 0,
                        amount_fen: 0,
                    },
                );
                c.count += 1;
                c.amount_fen += w.amount_fen;
            }
            counts.into_values().collect()
        }
    };
    let open: Vec<_> = counts.iter().filter(|c| c.status == WarningStatus::Open).collect();
    let pick = |zh: &str, en: &str| if lang == Lang::Zh { zh.to_owned() } else { en.to_owned() };
    let mut by_domain: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_model: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for c in &open {
        let d = by_domain.entry(c.domain.clone()).or_default();
        d.0 += c.count;
        d.1 += c.amount_fen;
        let m = by_model.entry((c.domain.clone(), c.model.clone())).or_default();
        m.0 += c.count;
        m.1 += c.amount_fen;
    }
    let domain_label =
        |key: &str| Domain::parse(key).map(|d| pick(d.label_zh(), d.label_en())).unwrap_or_else(|| key.to_owned());
    let catalogue = crate::warnings::catalogue(&state);
    let model_name = |code: &str| {
        catalogue.iter().find(|m| m.code == code).map(|m| pick(&m.name_zh, &m.name_en)).unwrap_or_default()
    };
    let domains: Vec<Value> = by_domain
        .iter()
        .map(|(k, (n, fen))| context! { key => k, label => domain_label(k), count => n, amount => models::yuan(*fen) })
        .collect();
    let mut models: Vec<_> = by_model.into_iter().collect();
    models.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let model_rows: Vec<Value> = models
        .iter()
        .map(|((d, m), (n, fen))| {
            context! { domain => d, domain_label => domain_label(d), model => m, name => model_name(m), count => n, amount => models::yuan(*fen) }
        })
        .collect();

    let today = warehouse::china_now().format("%Y-%m-%d").to_string();
    let mut clues = Vec::new();
    for clue in store.clues(&ClueFilter::default()).await? {
        if crate::auth::sees_clue(&state, &user.user, &clue).await? {
            clues.push(clue);
        }
    }
    let pipeline: Vec<Value> = ClueStatus::ALL
        .iter()
        .map(|s| {
            let n = clues.iter().filter(|c| c.status == *s).count();
            context! { key => s.as_str(), label => pick(s.label_zh(), s.as_str()), count => n }
        })
        .collect();
    let overdue = clues.iter().filter(|c| c.overdue(&today)).count();
    let recovered: i64 = clues.iter().map(|c| c.recovered_fen).sum();
    let open_count: i64 = open.iter().map(|c| c.count).sum();
    let open_amount: i64 = open.iter().map(|c| c.amount_fen).sum();
    let resolved: i64 = counts.iter().filter(|c| c.status == WarningStatus::ResolvedByData).map(|c| c.count).sum();
    let chart_domains = serde_json::json!({
        "tables": by_domain.keys().map(|k| domain_label(k)).collect::<Vec<_>>(),
        "rows": by_domain.values().map(|(n, _)| n).collect::<Vec<_>>(),
    });
    let chart_pipeline = serde_json::json!({
        "tables": ClueStatus::ALL.iter().map(|s| pick(s.label_zh(), s.as_str())).collect::<Vec<_>>(),
        "rows": ClueStatus::ALL.iter().map(|s| clues.iter().filter(|c| c.status == *s).count()).collect::<Vec<_>>(),
    });
    // Open warnings by region and by unit (the largest twelve), and new warnings by month.
    let (records, _) = store.warnings(&store::WarningFilter { region: scope.clone(), ..Default::default() }).await?;
    let month_of: std::collections::HashMap<i64, String> =
        store.scans(100_000).await?.into_iter().map(|s| (s.id, s.started_at.chars().take(7).collect())).collect();
    let mut by_region: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_month: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for w in &records {
        let add = |map: &mut BTreeMap<String, (i64, i64)>, key: &str| {
            let e = map.entry(key.to_owned()).or_default();
            e.0 += 1;
            e.1 += w.amount_fen;
        };
        if let Some(r) = &w.region_code {
            add(&mut by_region, r);
        }
        if let Some(u) = &w.org_code {
            add(&mut by_unit, u);
        }
        if let Some(m) = month_of.get(&w.first_scan) {
            add(&mut by_month, m);
        }
    }
    let top = |map: BTreeMap<String, (i64, i64)>| -> Vec<Value> {
        let mut rows: Vec<_> = map.into_iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        rows.into_iter()
            .take(12)
            .map(|(k, (n, fen))| context! { key => k, count => n, amount => models::yuan(fen) })
            .collect()
    };
    let chart_months = serde_json::json!({
        "tables": by_month.keys().collect::<Vec<_>>(),
        "rows": by_month.values().map(|(n, _)| n).collect::<Vec<_>>(),
    });
    let months: Vec<Value> =
        by_month.iter().map(|(k, (n, fen))| context! { key => k, count => n, amount => models::yuan(*fen) }).collect();
    // On-time rates of the quarter, over every unit (the assessment has them unit by unit).
    let quarter = crate::assessment::Quarter::of(warehouse::china_now().date_naive());
    let (rectified, verified) = crate::assessment::quarter_rates(&state, quarter).await?;
    let rate =
        |t: &crate::assessment::Tally| t.rate().map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into());
    let page = context! {
        by_region => top(by_region),
        by_unit => top(by_unit),
        months => months,
        chart_months => chart_months.to_string(),
        quarter => quarter.code(),
        rectified_rate => rate(&rectified),
        verified_rate => rate(&verified),
        open_count => open_count,
        open_amount => models::yuan(open_amount),
        resolved => resolved,
        clue_count => clues.len(),
        overdue => overdue,
        closed => clues.iter().filter(|c| c.status == ClueStatus::Closed).count(),
        recovered => models::yuan(recovered),
        domains => domains,
        models => model_rows,
        pipeline => pipeline,
        chart_domains => chart_domains.to_string(),
        chart_pipeline => chart_pipeline.to_string(),
    };
    render(&state, "dashboard.html", lang, Some(&user), "dashboard", page)
}
