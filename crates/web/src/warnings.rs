//! The warning queue, a warning with its evidence beside the records behind
//! it, and the model catalogue generated from the models' own metadata.

use crate::auth::CurrentUser;
use crate::i18n::{self, Lang};
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};
use models::{Domain, Model, Severity, yuan};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use store::{WarningFilter, WarningRecord, WarningSort, WarningStatus};

const PAGE_SIZE: u64 = 50;
/// Rows an XLSX export holds at most.
const EXPORT_LIMIT: u64 = 100_000;

pub(crate) fn catalogue(state: &AppState) -> Vec<Model> {
    // Read on each request, so a custom model dropped into the data directory shows at once.
    models::catalogue(Some(&state.warehouse.root().join("models")))
        .unwrap_or_else(|_| models::builtin().unwrap_or_default())
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh { zh.to_owned() } else { en.to_owned() }
}

#[derive(Deserialize, Default, Clone)]
pub struct QueueQuery {
    domain: Option<String>,
    model: Option<String>,
    severity: Option<String>,
    region: Option<String>,
    unit: Option<String>,
    min_amount: Option<String>,
    sort: Option<String>,
    status: Option<String>,
    subject: Option<String>,
    page: Option<u64>,
}

impl QueueQuery {
    fn filter(&self) -> WarningFilter {
        let clean = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let status = self.status.as_deref().unwrap_or("open");
        WarningFilter {
            domain: clean(&self.domain),
            model: clean(&self.model),
            severity: clean(&self.severity),
            region: clean(&self.region),
            org_code: clean(&self.unit),
            subject_id: clean(&self.subject),
            min_amount_fen: clean(&self.min_amount).and_then(|a| domain::Money::parse(&a).ok()).map(|m| m.fen()),
            status: WarningStatus::parse(status),
            all_statuses: status == "all",
            sort: match self.sort.as_deref() {
                Some("amount") => WarningSort::Amount,
                Some("newest") => WarningSort::Newest,
                Some("model") => WarningSort::Model,
                _ => WarningSort::Severity,
            },
            limit: Some(PAGE_SIZE),
            offset: (self.page.unwrap_or(1).max(1) - 1) * PAGE_SIZE,
        }
    }

    /// The query string without the page, for pager and export links.
    fn query_string(&self) -> String {
        let pairs = [
            ("domain", &self.domain),
            ("model", &self.model),
            ("severity", &self.severity),
            ("region", &self.region),
            ("unit", &self.unit),
            ("min_amount", &self.min_amount),
            ("sort", &self.sort),
            ("status", &self.status),
            ("subject", &self.subject),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::urlencode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn severity_label(lang: Lang, severity: &str) -> &'static str {
    i18n::get(lang, &format!("severity_{severity}"))
}

fn row_value(lang: Lang, w: &WarningRecord, catalogue: &[Model], models_on_subject: usize) -> Value {
    let model = catalogue.iter().find(|m| m.code == w.model);
    context! {
        id => w.id.clone(),
        model => w.model.clone(),
        model_name => model.map(|m| pick(lang, &m.name_zh, &m.name_en)).unwrap_or_default(),
        severity => w.severity.clone(),
        severity_label => severity_label(lang, &w.severity),
        subject_kind => i18n::get(lang, &format!("subject_{}", w.subject_kind)),
        subject_kind_key => w.subject_kind.clone(),
        subject_id => w.subject_id.clone(),
        subject_query => crate::urlencode(&w.subject_id),
        subject_name => w.subject_name.clone(),
        amount => yuan(w.amount_fen),
        reason => pick(lang, &w.reason_zh, &w.reason_en),
        status => w.status.as_str(),
        status_label => i18n::get(lang, &format!("warning_{}", w.status.as_str())),
        first_scan => w.first_scan,
        models_on_subject => models_on_subject,
    }
}

/// How many distinct models fired on each subject (组合预警).
async fn models_per_subject(state: &AppState) -> Result<BTreeMap<String, usize>, AppError> {
    let (all, _) = state.warehouse.store().warnings(&WarningFilter::default()).await?;
    let mut per: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in all {
        per.entry(w.subject_id).or_default().insert(w.model);
    }
    Ok(per.into_iter().map(|(k, v)| (k, v.len())).collect())
}

pub async fn queue(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    let catalogue = catalogue(&state);
    let mut filter = q.filter();
    filter.region = crate::auth::scope_region(&user.user, filter.region.take());
    let (list, total) = state.warehouse.store().warnings(&filter).await?;
    let per_subject = models_per_subject(&state).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|w| row_value(lang, w, &catalogue, per_subject.get(&w.subject_id).copied().unwrap_or(1)))
        .collect();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let base = q.query_string();
    let link = |p: u64| if base.is_empty() { format!("?page={p}") } else { format!("?{base}&page={p}") };
    let last_scan = state.warehouse.store().scans(1).await?.into_iter().next().map(|s| {
        context! { id => s.id, at => s.started_at.replace('T', " ").chars().take(19).collect::<String>(), status => s.status }
    });
    // A least amount that is not money is said, not silently ignored.
    let amount_error = q.min_amount.as_deref().map(str::trim).filter(|a| !a.is_empty()).and_then(|a| {
        domain::Money::parse(a).err().map(|e| {
            let message = e.to_string();
            let (zh, en) = contract::split_bilingual(&message);
            if lang == Lang::Zh { zh.to_owned() } else { en.to_owned() }
        })
    });
    let page_value = context! {
        amount_error => amount_error,
        rows => rows,
        total => total,
        page => page,
        pages => pages,
        previous => (page > 1).then(|| link(page - 1)),
        next => (page < pages).then(|| link(page + 1)),
        export => format!("/warnings/export.xlsx?{base}"),
        domains => Domain::ALL.iter().map(|d| context! { key => d.as_str(), label => pick(lang, d.label_zh(), d.label_en()) }).collect::<Vec<_>>(),
        models => catalogue.iter().map(|m| context! { key => m.code.clone(), label => format!("{} {}", m.code, pick(lang, &m.name_zh, &m.name_en)) }).collect::<Vec<_>>(),
        severities => [Severity::High, Severity::Medium, Severity::Low].iter().map(|s| context! { key => s.as_str(), label => severity_label(lang, s.as_str()) }).collect::<Vec<_>>(),
        q => context! {
            domain => q.domain.clone().unwrap_or_default(),
            model => q.model.clone().unwrap_or_default(),
            severity => q.severity.clone().unwrap_or_default(),
            region => q.region.clone().unwrap_or_default(),
            unit => q.unit.clone().unwrap_or_default(),
            min_amount => q.min_amount.clone().unwrap_or_default(),
            sort => q.sort.clone().unwrap_or_else(|| "severity".into()),
            status => q.status.clone().unwrap_or_else(|| "open".into()),
            subject => q.subject.clone().unwrap_or_default(),
        },
        last_scan => last_scan,
    };
    render(&state, "warnings.html", lang, Some(&user), "warnings", page_value)
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    let mut filter = q.filter();
    filter.region = crate::auth::scope_region(&user.user, filter.region.take());
    crate::audit::record(
        &state,
        &user,
        "warnings.export",
        "warnings",
        serde_json::json!({ "query": format!("{filter:?}") }),
    )
    .await?;
    filter.limit = Some(EXPORT_LIMIT);
    filter.offset = 0;
    let (list, _) = state.warehouse.store().warnings(&filter).await?;
    let warnings =
        list.iter().map(warehouse::warning_from_record).collect::<Result<Vec<_>, _>>().map_err(AppError::internal)?;
    let bytes = warehouse::export::xlsx(&warnings).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"warnings.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

/// A figure's value for people: money in yuan, lists joined, ratios as they are.
fn show(name: &str, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if name.ends_with("_fen") => yuan(n.as_i64().unwrap_or(0)),
        serde_json::Value::Array(items) => items.iter().map(|i| show(name, i)).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let record = state.warehouse.store().warning(&id).await?.ok_or(AppError::NotFound)?;
    if !user.user.sees_region(record.region_code.as_deref()) {
        // Outside the user's region: as if it did not exist.
        return Err(AppError::NotFound);
    }
    if user.require(crate::auth::SUPERVISION).is_err() {
        // A handler sees the warnings of the clues assigned to them, and no others.
        let own = user.user.role == store::Role::Handler
            && state
                .warehouse
                .store()
                .clues_of_warning(&record.id)
                .await?
                .iter()
                .any(|c| c.handler.as_deref() == Some(user.user.username.as_str()));
        if !own {
            return Err(if user.user.role == store::Role::Handler { AppError::NotFound } else { AppError::Forbidden });
        }
    }
    crate::audit::record(&state, &user, "warning.view", &format!("warning:{}", record.id), serde_json::json!({}))
        .await?;
    let warning = warehouse::warning_from_record(&record).map_err(AppError::internal)?;
    let catalogue = catalogue(&state);
    let model = catalogue.iter().find(|m| m.code == record.model);
    let figures: Vec<Value> = warning
        .evidence
        .figures
        .iter()
        .map(|(name, v)| {
            let label = model
                .and_then(|m| m.figures.get(name))
                .map(|f| pick(lang, &f.zh, &f.en))
                .unwrap_or_else(|| name.clone());
            context! { name => name.clone(), label => label, value => show(name, v) }
        })
        .collect();
    let records = state.warehouse.source_records(&warning.evidence.sources).await?;
    // Rows whose person the models read through entity resolution say so.
    let entities = crate::graph::entities(&state).await?;
    let resolved_in = |s: &models::Source| -> Vec<Value> {
        entities
            .linked
            .iter()
            .filter(|l| l.mention.table == s.table && l.mention.batch == s.batch && l.mention.row == s.row)
            .map(|l| {
                context! {
                    column => l.mention.column(),
                    recorded => if l.mention.id.is_empty() { "—".to_owned() } else { l.mention.id.clone() },
                    entity => l.entity.clone(),
                    name => l.entity_name.clone(),
                    probability => format!("{:.3}", l.probability),
                    evidence => resolve::link::describe(&l.evidence),
                }
            })
            .collect()
    };
    let sources: Vec<Value> = warning
        .evidence
        .sources
        .iter()
        .map(|s| {
            let record = records.iter().find(|r| r.source == *s);
            let table = contract::stored_table(&s.table);
            let values: Vec<Value> = record
                .map(|r| {
                    r.values
                        .iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| {
                            let column = table.and_then(|t| t.columns.iter().find(|c| c.key == k));
                            let label = column
                                .map(|c| if lang == Lang::Zh { c.label.to_owned() } else { k.clone() })
                                .unwrap_or_else(|| k.clone());
                            // Enums are stored by key; in Chinese, show the label the department wrote.
                            let value = i18n::enum_label(lang, &s.table, k, v);
                            context! { label => label, value => value }
                        })
                        .collect()
                })
                .unwrap_or_default();
            context! {
                table => s.table.clone(),
                table_label => i18n::table_label(lang, &s.table),
                batch => s.batch,
                row => s.row,
                key => s.key.clone(),
                file => record.map(|r| r.source_name.clone()),
                values => values,
                found => record.is_some(),
                resolved => resolved_in(s),
            }
        })
        .collect();
    let filter =
        WarningFilter { subject_id: Some(record.subject_id.clone()), all_statuses: true, ..Default::default() };
    let (same, _) = state.warehouse.store().warnings(&filter).await?;
    let others: Vec<Value> =
        same.iter().filter(|w| w.id != record.id).map(|w| row_value(lang, w, &catalogue, 0)).collect();
    let directs = matches!(user.user.role, store::Role::Admin | store::Role::Supervisor);
    let clues: Vec<Value> = if directs {
        state
            .warehouse
            .store()
            .clues_of_warning(&record.id)
            .await?
            .iter()
            .map(|c| {
                let status =
                    if lang == Lang::Zh { c.status.label_zh().to_owned() } else { c.status.as_str().to_owned() };
                context! { code => c.code.clone(), title => c.title.clone(), status_label => status }
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = context! {
        w => row_value(lang, &record, &catalogue, 0),
        clues => clues,
        may_open_clue => directs,
        basis => model.map(|m| pick(lang, &m.basis_zh, &m.basis_en)),
        summary => model.map(|m| pick(lang, &m.summary_zh, &m.summary_en)),
        figures => figures,
        sources => sources,
        others => others,
        org_code => record.org_code.clone(),
        region_code => record.region_code.clone(),
    };
    render(&state, "warning.html", lang, Some(&user), "warnings", page)
}

pub async fn catalogue_page(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let catalogue = catalogue(&state);
    let (open, _) = state.warehouse.store().warnings(&WarningFilter::default()).await?;
    let list: Vec<Value> = catalogue
        .iter()
        .map(|m| {
            context! {
                code => m.code.clone(),
                name => pick(lang, &m.name_zh, &m.name_en),
                other_name => pick(lang, &m.name_en, &m.name_zh),
                domain => pick(lang, m.domain.label_zh(), m.domain.label_en()),
                severity => m.severity.as_str(),
                severity_label => severity_label(lang, m.severity.as_str()),
                summary => pick(lang, &m.summary_zh, &m.summary_en),
                basis => pick(lang, &m.basis_zh, &m.basis_en),
                reads => m.reads.iter().map(|t| i18n::table_label(lang, t)).collect::<Vec<_>>().join("、"),
                params => m.params.iter().map(|(k, p)| context! { name => k.clone(), default => p.default.to_string(), label => pick(lang, &p.zh, &p.en) }).collect::<Vec<_>>(),
                figures => m.figures.values().map(|f| pick(lang, &f.zh, &f.en)).collect::<Vec<_>>().join("、"),
                open => open.iter().filter(|w| w.model == m.code).count(),
                custom => !m.builtin,
            }
        })
        .collect();
    render(&state, "models.html", lang, Some(&user), "models", context! { models => list })
}
