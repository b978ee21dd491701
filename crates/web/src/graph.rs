//! Profiles of a person, enterprise or unit (一人一档、一企一档) and the
//! relationship graph, for staff pages and the JSON API. The resolved entities
//! are kept in memory until the data or a reviewer's decision changes.

use crate::api::{ApiClient, ApiError, Json};
use crate::auth::CurrentUser;
use crate::i18n::{self, Lang};
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use resolve::graph::{EDGE_KINDS, NodeKind, Subgraph};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::{Role, WarningFilter};
use warehouse::entities::Entities;

/// The resolved entities at one version of the data and of the decisions.
#[derive(Default)]
pub struct Cache {
    current: tokio::sync::Mutex<Option<((usize, i64, usize, i64), Arc<Entities>)>>,
}

pub(crate) async fn entities(state: &AppState) -> Result<Arc<Entities>, warehouse::WarehouseError> {
    let store = state.warehouse.store();
    let batches = store.batches().await?;
    let decisions = store.entity_decisions().await?;
    let version = (
        batches.len(),
        batches.iter().map(|b| b.id).max().unwrap_or(0),
        decisions.len(),
        decisions.iter().map(|d| d.id).max().unwrap_or(0),
    );
    let mut current = state.graph.current.lock().await;
    if let Some((v, e)) = current.as_ref()
        && *v == version
    {
        return Ok(e.clone());
    }
    let built = Arc::new(state.warehouse.entities().await?);
    *current = Some((version, built.clone()));
    Ok(built)
}

#[derive(Deserialize, Default)]
pub struct GraphQuery {
    #[serde(default)]
    hops: Option<usize>,
    /// Comma-separated edge kinds.
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    max_hops: Option<usize>,
}

/// The most hops and entities one query may ask for.
const MAX_HOPS: usize = 4;
const MAX_NODES: usize = 300;

impl GraphQuery {
    fn kinds(&self) -> Result<Vec<String>, String> {
        let kinds: Vec<String> = self
            .kind
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect();
        match kinds.iter().find(|k| !EDGE_KINDS.contains(&k.as_str())) {
            Some(bad) => Err(format!("未知的关系类型 / unknown edge kind {bad:?}")),
            None => Ok(kinds),
        }
    }
}

fn kind_key(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Person => "graph_person",
        NodeKind::Enterprise => "graph_enterprise",
        NodeKind::Unit => "graph_unit",
    }
}

/// `GET /api/v1/graph/neighbours/{id}?hops=&kind=`
pub async fn api_neighbours(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<String>,
    Query(q): Query<GraphQuery>,
) -> Result<Json, ApiError> {
    client.require(&[Role::Admin, Role::Supervisor])?;
    let kinds = q.kinds().map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?;
    let entities = entities(&state).await?;
    let hops = q.hops.unwrap_or(1).clamp(1, MAX_HOPS);
    let sub = entities.graph.neighbours(id.trim(), hops, &kinds, MAX_NODES).ok_or_else(ApiError::not_found)?;
    client.record(&state, "graph.view", &format!("entity:{id}"), json!({ "hops": hops, "kinds": kinds })).await?;
    Ok(Json(serde_json::to_value(&sub).map_err(ApiError::internal)?))
}

/// `GET /api/v1/graph/path?from=&to=&kind=&max_hops=`
pub async fn api_path(
    State(state): State<AppState>,
    client: ApiClient,
    Query(q): Query<GraphQuery>,
) -> Result<Json, ApiError> {
    client.require(&[Role::Admin, Role::Supervisor])?;
    let kinds = q.kinds().map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?;
    let (Some(from), Some(to)) = (q.from.as_deref(), q.to.as_deref()) else {
        return Err(ApiError(StatusCode::BAD_REQUEST, "需要 from 和 to / from and to are required".into()));
    };
    let entities = entities(&state).await?;
    let max_hops = q.max_hops.unwrap_or(6).clamp(1, 12);
    let sub = entities.graph.path(from.trim(), to.trim(), &kinds, max_hops).ok_or_else(ApiError::not_found)?;
    client.record(&state, "graph.view", &format!("path:{from}|{to}"), json!({ "kinds": kinds })).await?;
    Ok(Json(serde_json::to_value(&sub).map_err(ApiError::internal)?))
}

/// The graph as the profile page's chart draws it.
fn chart(sub: &Subgraph, lang: Lang) -> Value {
    json!({
        "nodes": sub.nodes.iter().map(|n| json!({ "id": n.id, "name": n.name, "kind": i18n::get(lang, kind_key(n.kind)) })).collect::<Vec<_>>(),
        "edges": sub.edges.iter().map(|e| json!({
            "from": e.from, "to": e.to, "kind": e.kind, "label": e.label, "count": e.count,
            "evidence": e.evidence.iter().map(|v| format!("{} #{} {} {}", v.table, v.batch, v.row, v.detail)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /graph/neighbours.json?from=ID&hops=&kind=` — the page's expansions.
pub async fn neighbours_json(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<GraphQuery>,
) -> Result<Response, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let kinds = q.kinds().map_err(AppError::BadRequest)?;
    let id = q.from.clone().unwrap_or_default();
    let entities = entities(&state).await?;
    let sub = entities
        .graph
        .neighbours(id.trim(), q.hops.unwrap_or(1).clamp(1, MAX_HOPS), &kinds, MAX_NODES)
        .ok_or(AppError::NotFound)?;
    crate::audit::record(&state, &user, "graph.view", &format!("entity:{id}"), json!({})).await?;
    Ok(Json(chart(&sub, lang)).into_response())
}

/// `GET /graph/path.json?from=&to=&kind=` — the page's path highlight.
pub async fn path_json(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<GraphQuery>,
) -> Result<Response, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let kinds = q.kinds().map_err(AppError::BadRequest)?;
    let (from, to) = (q.from.clone().unwrap_or_default(), q.to.clone().unwrap_or_default());
    let entities = entities(&state).await?;
    let sub = entities
        .graph
        .path(from.trim(), to.trim(), &kinds, q.max_hops.unwrap_or(6).clamp(1, 12))
        .ok_or(AppError::NotFound)?;
    crate::audit::record(&state, &user, "graph.view", &format!("path:{from}|{to}"), json!({})).await?;
    Ok(Json(chart(&sub, lang)).into_response())
}

/// The key a decision names a side by: a valid ID, or for a person known only
/// by name (`name@reference`), the reference.
fn decision_key(side: &str) -> &str {
    side.rsplit_once('@').map_or(side, |(_, reference)| reference)
}

/// `POST /graph/decide` — a reviewer's decision on a pair from a profile
/// (fields `a`, `b`, `decision`, optional `replaces`, `back`).
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let field = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let (a, b, decision) = (decision_key(field("a")), decision_key(field("b")), field("decision"));
    if a.is_empty() || b.is_empty() || a == b || !store::ENTITY_DECISIONS.contains(&decision) {
        return Err(AppError::BadRequest("判定不完整 / the decision is incomplete".into()));
    }
    for side in [a, b] {
        state.warehouse.check_decision_side(side).await.map_err(AppError::BadRequest)?;
    }
    let replaces = field("replaces").parse::<i64>().ok();
    let note: String = field("note").chars().take(500).collect();
    let audit = crate::audit::entry(
        &user,
        "entity.decide",
        &format!("pair:{a}|{b}"),
        json!({ "decision": decision, "note": note, "replaces": replaces }),
    );
    match state.warehouse.store().record_entity_decision(a, b, decision, &note, replaces, &audit).await {
        Ok(_) => {}
        Err(e @ store::StoreError::Decided { .. }) => return Err(AppError::BadRequest(e.to_string())),
        Err(e) => return Err(e.into()),
    }
    let back = field("back");
    let target = if back.is_empty() { "/".to_owned() } else { format!("/profile/{}", crate::urlencode(back)) };
    Ok(axum::response::Redirect::to(&target).into_response())
}

/// The columns naming a person or an organization, by table: where a profile looks.
const PERSON_COLUMNS: [(&str, &str); 12] = [
    ("person", "id_number"),
    ("death", "id_number"),
    ("official", "id_number"),
    ("kinship", "id_number"),
    ("kinship", "relative_id_number"),
    ("enterprise", "legal_rep_id"),
    ("enterprise_role", "holder_id"),
    ("disbursement", "recipient_id"),
    ("vehicle", "owner_id"),
    ("property", "owner_id"),
    ("reimbursement", "claimant_id"),
    ("inspector", "id_number"),
];
const ORGANIZATION_COLUMNS: [(&str, &str); 12] = [
    ("enterprise", "credit_code"),
    ("enterprise_role", "credit_code"),
    ("enterprise_role", "holder_id"),
    ("inspection_target", "credit_code"),
    ("official", "org_code"),
    ("tender", "buyer_code"),
    ("bid", "bidder_code"),
    ("award", "winner_code"),
    ("budget", "org_code"),
    ("payment", "org_code"),
    ("payment", "payee_code"),
    ("reimbursement", "org_code"),
];

/// Rows shown per table on a profile.
const ROWS_PER_TABLE: usize = 100;

/// `GET /profile/{id}` — one person, enterprise or unit: every record about it,
/// the mentions joined to it by the model, its warnings, and its graph.
pub async fn profile(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let id = id.trim().to_owned();
    let entities = entities(&state).await?;
    let node = entities.graph.find(&id).cloned().ok_or(AppError::NotFound)?;
    let columns: &[(&str, &str)] = if node.kind == NodeKind::Person { &PERSON_COLUMNS } else { &ORGANIZATION_COLUMNS };
    let mut records = Vec::new();
    for (table, column) in columns {
        let rows = state.warehouse.records_where(table, column, std::slice::from_ref(&id)).await?;
        if rows.is_empty() {
            continue;
        }
        let total = rows.len();
        records.push(context! {
            table => i18n::table_label(lang, table),
            column => *column,
            total => total,
            rows => rows.iter().take(ROWS_PER_TABLE).map(|r| context! {
                batch => r.source.batch,
                row => r.source.row,
                values => r.values.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" · "),
            }).collect::<Vec<_>>(),
        });
    }
    let current = state.warehouse.store().entity_decisions().await?;
    let replaces = |a: &str, b: &str| -> Option<i64> {
        let (a, b) = (decision_key(a), decision_key(b));
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        current.iter().find(|d| d.a == a && d.b == b).map(|d| d.id)
    };
    let row = |l: &warehouse::entities::ResolvedMention| {
        json!({
            "entity": l.entity,
            "replaces": replaces(&l.mention.reference(), &l.entity),
            "reference": l.mention.reference(),
            "name": l.mention.name,
            "id": l.mention.id,
            "probability": format!("{:.3}", l.probability),
            "evidence": resolve::link::describe(&l.evidence),
        })
    };
    let linked: Vec<Value> = entities.linked.iter().filter(|l| l.entity == id).map(row).collect();
    let review: Vec<Value> = entities.review.iter().filter(|l| l.entity == id).map(row).collect();
    // Decisions taken on this entity's pairs, so a new one can say what it replaces.
    let decisions: Vec<Value> = current
        .iter()
        .filter(|d| d.a == decision_key(&id) || d.b == decision_key(&id))
        .map(|d| json!({ "id": d.id, "a": d.a, "b": d.b, "decision": d.decision, "by": d.decided_by, "at": d.decided_at, "note": d.note }))
        .collect();
    let (warnings, _) = state
        .warehouse
        .store()
        .warnings(&WarningFilter { subject_id: Some(id.clone()), all_statuses: true, ..Default::default() })
        .await?;
    let sub = entities.graph.neighbours(&id, 1, &[], MAX_NODES).unwrap_or_default();
    crate::audit::record(&state, &user, "profile.view", &format!("entity:{id}"), json!({})).await?;
    let page = context! {
        id => id.clone(),
        name => node.name.clone(),
        kind => i18n::get(lang, kind_key(node.kind)),
        records => records,
        linked => linked,
        review => review,
        decisions => decisions,
        choices => ["same", "different", "unsure"].iter().map(|k| context! { key => *k, label => i18n::get(lang, &format!("decision_{k}")) }).collect::<Vec<_>>(),
        unlink => vec![context! { key => "different", label => i18n::get(lang, "decision_unlink") }],
        warnings => warnings.iter().map(|w| context! { id => w.id.clone(), model => w.model.clone(), severity => w.severity.clone(), reason => if lang == Lang::Zh { w.reason_zh.clone() } else { w.reason_en.clone() } }).collect::<Vec<_>>(),
        chart => chart(&sub, lang).to_string(),
        edge_kinds => EDGE_KINDS.iter().map(|k| context! { key => *k, label => i18n::get(lang, &format!("edge_{k}")) }).collect::<Vec<_>>(),
    };
    render(&state, "profile.html", lang, Some(&user), "warnings", page)
}
