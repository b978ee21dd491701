//! The JSON API under `/api/v1` for machine clients: departments' systems push
//! data files, other systems read warnings and clue status. A client presents
//! `Authorization: Bearer <token>`; a token (issued with `qingfeng token add`)
//! acts as a user account, so its role and unit scope it exactly as they scope
//! that user in the web application. The OpenAPI document is [`openapi`],
//! served at `/api/v1/openapi.json`.

use crate::{AppState, auth};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use store::{ClueFilter, ClueRecord, Role, WarningFilter, WarningRecord};
use warehouse::{ImportError, ImportOptions, ImportResult};

/// Every route of the API, as `(method, path)`: the router is built from the
/// same handlers, and a test checks that the OpenAPI document lists exactly these.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/batches"),
    ("post", "/api/v1/batches"),
    ("get", "/api/v1/warnings"),
    ("get", "/api/v1/warnings/{id}"),
    ("get", "/api/v1/clues"),
    ("get", "/api/v1/clues/{code}"),
    ("get", "/api/v1/graph/neighbours/{id}"),
    ("get", "/api/v1/graph/path"),
];

/// Files pushed through the API larger than this are refused.
pub const MAX_PUSH_BYTES: usize = 512 * 1024 * 1024;

/// A JSON reply.
pub struct Json(pub Value);

impl IntoResponse for Json {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.0.to_string()).into_response()
    }
}

/// A failure, as JSON: `{"error": "中文 / English", "status": 403}`.
pub struct ApiError(pub(crate) StatusCode, pub(crate) String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1, "status": self.0.as_u16() }))).into_response()
    }
}

impl ApiError {
    pub(crate) fn internal(cause: impl std::fmt::Display) -> ApiError {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        eprintln!("internal error {reference} (api): {cause}");
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("服务器内部错误 / internal error, reference {reference}"))
    }

    pub(crate) fn not_found() -> ApiError {
        ApiError(StatusCode::NOT_FOUND, "不存在 / not found".into())
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl From<warehouse::WarehouseError> for ApiError {
    fn from(e: warehouse::WarehouseError) -> Self {
        ApiError::internal(e)
    }
}

/// The client: the user its token acts as.
pub struct ApiClient {
    pub user: store::User,
    pub label: String,
    pub address: Option<std::net::IpAddr>,
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "需要有效的接口令牌 / a valid API token is required (Authorization: Bearer …)".into(),
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let (user, label) =
            state.warehouse.store().api_token_user(&auth::token_hash(token.trim())).await?.ok_or_else(unauthorized)?;
        let address = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ApiClient { user, label, address })
    }
}

impl ApiClient {
    pub(crate) fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError(StatusCode::FORBIDDEN, "该令牌的角色无权访问 / this token's role may not do this".into()))
        }
    }

    fn directs(&self) -> bool {
        matches!(self.user.role, Role::Admin | Role::Supervisor)
    }

    /// Records what the client did, as the web application records a user.
    pub(crate) async fn record(
        &self,
        state: &AppState,
        action: &str,
        object: &str,
        detail: Value,
    ) -> Result<(), ApiError> {
        let entry = store::NewAudit {
            at: warehouse::china_now().to_rfc3339(),
            actor: self.user.username.clone(),
            role: self.user.role.as_str().to_owned(),
            address: self.address.map(|a| a.to_string()),
            action: action.to_owned(),
            object: object.to_owned(),
            detail: json!({ "token": self.label, "detail": detail }).to_string(),
        };
        state.warehouse.store().audit_append(&entry).await?;
        Ok(())
    }
}

fn batch_json(b: &store::BatchRecord) -> Value {
    json!({
        "id": b.id, "table": b.table, "status": b.status.as_str(), "source_name": b.source_name,
        "source_sha256": b.source_sha256, "rows_read": b.rows_read, "rows_stored": b.rows_stored,
        "error_count": b.error_count, "imported_at": b.imported_at, "imported_by": b.imported_by,
        "data_sha256": b.data_sha256, "reason": b.reason,
    })
}

/// `GET /api/v1/batches`
pub async fn batches(State(state): State<AppState>, client: ApiClient) -> Result<Json, ApiError> {
    client.require(auth::DATA)?;
    let batches: Vec<Value> = state.warehouse.batches().await?.iter().map(batch_json).collect();
    Ok(Json(json!({ "batches": batches })))
}

#[derive(Deserialize)]
pub struct PushQuery {
    /// The file's name as the department calls it (it names the table unless `table` is given).
    name: String,
    table: Option<String>,
    tolerance: Option<u64>,
}

/// `POST /api/v1/batches?name=disbursement_2026-03.csv[&table=…][&tolerance=N]`: the body is the file.
pub async fn push(
    State(state): State<AppState>,
    client: ApiClient,
    Query(q): Query<PushQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    client.require(auth::DATA)?;
    let name = crate::pages::sanitize_file_name(&q.name);
    let table = match q.table.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(contract::table(t).ok_or_else(|| {
            ApiError(StatusCode::BAD_REQUEST, format!("没有数据表{t}（见 qingfeng tables） / there is no table {t}"))
        })?),
        None => None,
    };
    let dir = state.warehouse.root().join("uploads").join(uuid::Uuid::new_v4().simple().to_string());
    tokio::fs::create_dir_all(&dir).await.map_err(ApiError::internal)?;
    let path = dir.join(&name);
    tokio::fs::write(&path, &body).await.map_err(ApiError::internal)?;
    let options = ImportOptions {
        table,
        tolerance: q.tolerance.unwrap_or(0),
        user: client.user.username.clone(),
        ..Default::default()
    };
    let errors_json = |errors: &[ingest::RowError]| -> Vec<Value> {
        errors
            .iter()
            .take(1000)
            .map(|e| json!({ "row": e.row, "column": e.column, "value": e.value, "reason": e.reason }))
            .collect()
    };
    if table.is_none() && ingest::ocds::is_ocds(&path) {
        let ocds = match state.warehouse.import_ocds(&path, &options, None).await {
            Ok(ocds) => ocds,
            Err(ImportError::File(e)) => {
                let message = e.to_string().replace(&path.display().to_string(), &name);
                return Err(ApiError(StatusCode::BAD_REQUEST, message));
            }
            Err(e) => return Err(ApiError::internal(e)),
        };
        let batches: Vec<Value> = ocds
            .results
            .iter()
            .map(|(_, result)| match result {
                ImportResult::Accepted { batch, errors } => {
                    json!({ "outcome": "accepted", "batch": batch_json(batch), "errors": errors_json(errors) })
                }
                ImportResult::Rejected { batch, errors } => {
                    json!({ "outcome": "rejected", "batch": batch_json(batch), "errors": errors_json(errors) })
                }
                ImportResult::Duplicate { existing } => {
                    json!({ "outcome": "duplicate", "batch": batch_json(existing), "errors": [] })
                }
            })
            .collect();
        let accepted = ocds.results.iter().any(|(_, r)| matches!(r, ImportResult::Accepted { .. }));
        let all_duplicates =
            !ocds.results.is_empty() && ocds.results.iter().all(|(_, r)| matches!(r, ImportResult::Duplicate { .. }));
        let status = match (accepted, all_duplicates) {
            (true, _) => StatusCode::CREATED,
            (false, true) => StatusCode::OK,
            (false, false) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        if accepted && let Some(hook) = &state.on_import {
            hook();
        }
        let reply = json!({ "outcome": "ocds", "ocds": ocds.summary, "batches": batches });
        client
            .record(
                &state,
                "api.push",
                &format!("file:{name}"),
                json!({ "outcome": "ocds", "status": status.as_u16() }),
            )
            .await?;
        return Ok((status, Json(reply)).into_response());
    }
    let result = state.warehouse.import(&path, &options, None).await;
    let (status, reply) = match result {
        Ok(ImportResult::Accepted { batch, errors }) => {
            if let Some(hook) = &state.on_import {
                hook();
            }
            (
                StatusCode::CREATED,
                json!({ "outcome": "accepted", "batch": batch_json(&batch), "errors": errors_json(&errors) }),
            )
        }
        Ok(ImportResult::Rejected { batch, errors }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "outcome": "rejected", "batch": batch_json(&batch), "errors": errors_json(&errors) }),
        ),
        Ok(ImportResult::Duplicate { existing }) => {
            (StatusCode::OK, json!({ "outcome": "duplicate", "batch": batch_json(&existing), "errors": [] }))
        }
        Err(ImportError::File(e)) => {
            let message = e.to_string().replace(&path.display().to_string(), &name);
            return Err(ApiError(StatusCode::BAD_REQUEST, message));
        }
        Err(e) => return Err(ApiError::internal(e)),
    };
    client.record(&state, "api.push", &format!("file:{name}"), json!({ "outcome": reply["outcome"] })).await?;
    Ok((status, Json(reply)).into_response())
}

fn warning_json(w: &WarningRecord) -> Value {
    json!({
        "id": w.id, "model": w.model, "domain": w.domain, "severity": w.severity, "status": w.status.as_str(),
        "subject": { "kind": w.subject_kind, "id": w.subject_id, "name": w.subject_name },
        "org_code": w.org_code, "region_code": w.region_code, "amount_fen": w.amount_fen,
        "reason_zh": w.reason_zh, "reason_en": w.reason_en, "first_scan": w.first_scan, "last_scan": w.last_scan,
    })
}

#[derive(Deserialize)]
pub struct WarningQuery {
    model: Option<String>,
    domain: Option<String>,
    region: Option<String>,
    /// `open` (default) or `all`.
    status: Option<String>,
    page: Option<u64>,
}

const API_PAGE: u64 = 100;

/// `GET /api/v1/warnings`
pub async fn warnings(
    State(state): State<AppState>,
    client: ApiClient,
    Query(q): Query<WarningQuery>,
) -> Result<Json, ApiError> {
    client.require(auth::SUPERVISION)?;
    let page = q.page.unwrap_or(1).max(1);
    let filter = WarningFilter {
        model: q.model.map(|m| m.to_uppercase()),
        domain: q.domain,
        region: auth::scope_region(&client.user, q.region),
        all_statuses: q.status.as_deref() == Some("all"),
        limit: Some(API_PAGE),
        offset: (page - 1) * API_PAGE,
        ..Default::default()
    };
    let (records, total) = state.warehouse.store().warnings(&filter).await?;
    client.record(&state, "api.warnings", "warnings", json!({ "page": page })).await?;
    Ok(Json(json!({
        "total": total, "page": page, "page_size": API_PAGE,
        "warnings": records.iter().map(warning_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/warnings/{id}`: with its figures and source references.
pub async fn warning(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Json, ApiError> {
    client.require(auth::SUPERVISION)?;
    let w = state
        .warehouse
        .store()
        .warning(&id)
        .await?
        .filter(|w| client.user.sees_region(w.region_code.as_deref()))
        .ok_or_else(ApiError::not_found)?;
    client.record(&state, "warning.view", &format!("warning:{id}"), json!({})).await?;
    let mut value = warning_json(&w);
    value["evidence"] = serde_json::from_str(&w.evidence_json).unwrap_or(Value::Null);
    Ok(Json(value))
}

fn clue_json(c: &ClueRecord) -> Value {
    json!({
        "code": c.code, "title": c.title, "status": c.status.as_str(), "handler": c.handler,
        "deadline": c.deadline, "verdict": c.verdict.map(|v| v.as_str()), "form": c.form.map(|f| f.as_str()),
        "recovered_fen": c.recovered_fen, "rectify_unit": c.rectify_unit, "rectify_deadline": c.rectify_deadline,
        "rectified_at": c.rectified_at, "version": c.version, "created_at": c.created_at, "updated_at": c.updated_at,
    })
}

const CLUE_ROLES: &[Role] = &[Role::Admin, Role::Supervisor, Role::Handler];

#[derive(Deserialize)]
pub struct ClueQuery {
    status: Option<String>,
}

/// `GET /api/v1/clues`: a handler's token sees only the clues assigned to its user.
pub async fn clues(
    State(state): State<AppState>,
    client: ApiClient,
    Query(q): Query<ClueQuery>,
) -> Result<Json, ApiError> {
    client.require(CLUE_ROLES)?;
    let filter = ClueFilter {
        handler: (!client.directs()).then(|| client.user.username.clone()),
        status: q.status.as_deref().and_then(store::ClueStatus::parse),
        rectify_unit: None,
    };
    let mut clues = Vec::new();
    for clue in state.warehouse.store().clues(&filter).await? {
        if auth::sees_clue(&state, &client.user, &clue).await.map_err(|e| ApiError::internal(format!("{e:?}")))? {
            clues.push(clue_json(&clue));
        }
    }
    Ok(Json(json!({ "clues": clues })))
}

/// `GET /api/v1/clues/{code}`: status, and the warnings it was made from.
pub async fn clue(
    State(state): State<AppState>,
    client: ApiClient,
    Path(code): Path<String>,
) -> Result<Json, ApiError> {
    client.require(CLUE_ROLES)?;
    let store = state.warehouse.store();
    let clue = store.clue(&code).await?.ok_or_else(ApiError::not_found)?;
    let in_scope =
        auth::sees_clue(&state, &client.user, &clue).await.map_err(|e| ApiError::internal(format!("{e:?}")))?;
    if !in_scope || (!client.directs() && clue.handler.as_deref() != Some(client.user.username.as_str())) {
        return Err(ApiError::not_found());
    }
    client.record(&state, "clue.view", &format!("clue:{}", clue.code), json!({})).await?;
    let (warnings, _) = store.clue_details(clue.id).await?;
    let mut value = clue_json(&clue);
    value["warnings"] = json!(warnings);
    Ok(Json(value))
}

/// `GET /api/v1/openapi.json`
pub async fn openapi_json() -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(openapi())).into_response()
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> Value {
    let error = json!({ "$ref": "#/components/responses/Error" });
    let secured = |summary: &str, roles: &str, parameters: Value, ok: Value| {
        json!({
            "summary": summary,
            "description": format!("Roles: {roles}."),
            "security": [{ "bearer": [] }],
            "parameters": parameters,
            "responses": { "200": ok, "401": error, "403": error },
        })
    };
    let query = |name: &str, description: &str, schema: Value| json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema });
    let path_param =
        |name: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } });
    let body = |schema: &str| json!({ "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let mut push = secured(
        "Push a data file (one table of the data contract), imported as one batch; or an OCDS file, imported as a batch per table it fills",
        "admin, supervisor, clerk",
        json!([
            { "name": "name", "in": "query", "required": true, "description": "The file's name (names the table unless `table` is given), e.g. disbursement_2026-03.csv; a name ending in .json, .jsonl or .ndjson without `table` is OCDS", "schema": { "type": "string" } },
            query("table", "The table, when the name does not say it", json!({ "type": "string" })),
            query("tolerance", "Bad rows accepted before the batch is rejected (default 0)", json!({ "type": "integer", "minimum": 0 })),
        ]),
        body("PushResult"),
    );
    push["requestBody"] = json!({
        "required": true,
        "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
    });
    push["responses"]["201"] = body("PushResult");
    push["responses"]["422"] = body("PushResult");
    push["responses"]["400"] = error.clone();
    let mut warning = secured(
        "One warning with its evidence (figures and source records)",
        "admin, supervisor",
        json!([path_param("id")]),
        body("Warning"),
    );
    warning["responses"]["404"] = error.clone();
    let mut clue = secured(
        "One clue's status and the warnings it was made from",
        "admin, supervisor; a handler's token only the clues assigned to its user",
        json!([path_param("code")]),
        body("Clue"),
    );
    clue["responses"]["404"] = error.clone();
    let kind_param = query(
        "kind",
        "Only these edge kinds, comma-separated: kin, household, post, role, agent, bid, award, payment, disbursement, shared_identifier",
        json!({ "type": "string" }),
    );
    let mut neighbours = secured(
        "Every person, enterprise and unit within `hops` of one (at most 300), and the edges between them with their evidence rows",
        "admin, supervisor",
        json!([
            path_param("id"),
            query("hops", "1 to 4 (default 1)", json!({ "type": "integer", "minimum": 1 })),
            kind_param.clone()
        ]),
        body("Subgraph"),
    );
    neighbours["responses"]["404"] = error.clone();
    neighbours["responses"]["400"] = error.clone();
    let mut path = secured(
        "A shortest path between two entities (ID numbers or credit codes): its nodes in order and each edge with its evidence",
        "admin, supervisor",
        json!([
            { "name": "from", "in": "query", "required": true, "schema": { "type": "string" } },
            { "name": "to", "in": "query", "required": true, "schema": { "type": "string" } },
            kind_param,
            query("max_hops", "1 to 12 (default 6)", json!({ "type": "integer", "minimum": 1 })),
        ]),
        body("Subgraph"),
    );
    path["responses"]["404"] = error.clone();
    path["responses"]["400"] = error.clone();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "清风 Qingfeng API",
            "version": "1",
            "description": "For machine clients: departments' systems push data files; other systems read warnings and clue status. A token (`qingfeng token add USER --label NAME`) acts as its user: the user's role scopes it. Every call that reads a warning or clue, and every push, is in the audit trail.",
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "responses": {
                "Error": { "description": "A failure", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
            },
            "schemas": {
                "Error": { "type": "object", "required": ["error", "status"], "properties": { "error": { "type": "string" }, "status": { "type": "integer" } } },
                "Batch": { "type": "object", "required": ["id", "table", "status", "source_name", "source_sha256", "rows_read", "rows_stored", "error_count", "imported_at", "imported_by"],
                    "properties": {
                        "id": { "type": "integer" }, "table": { "type": "string" }, "status": { "type": "string", "enum": ["pending", "accepted", "rejected", "aborted"] },
                        "source_name": { "type": "string" }, "source_sha256": { "type": "string" }, "rows_read": { "type": "integer" }, "rows_stored": { "type": "integer" },
                        "error_count": { "type": "integer" }, "imported_at": { "type": "string" }, "imported_by": { "type": "string" },
                        "data_sha256": { "type": ["string", "null"] }, "reason": { "type": ["string", "null"] },
                    } },
                "Batches": { "type": "object", "required": ["batches"], "properties": { "batches": { "type": "array", "items": { "$ref": "#/components/schemas/Batch" } } } },
                "RowError": { "type": "object", "required": ["row", "column", "value", "reason"],
                    "properties": { "row": { "type": "integer" }, "column": { "type": "string" }, "value": { "type": "string" }, "reason": { "type": "string" } } },
                "PushResult": { "type": "object", "required": ["outcome"],
                    "description": "A file of one table: its batch and its bad rows. An OCDS file (`outcome` is `ocds`): what it held and the lines that could not be used (`ocds`), and one result per table it filled (`batches`).",
                    "properties": { "outcome": { "type": "string", "enum": ["accepted", "rejected", "duplicate", "ocds"] }, "batch": { "$ref": "#/components/schemas/Batch" },
                        "errors": { "type": "array", "items": { "$ref": "#/components/schemas/RowError" } },
                        "ocds": { "$ref": "#/components/schemas/OcdsSummary" },
                        "batches": { "type": "array", "items": { "$ref": "#/components/schemas/PushResult" } } } },
                "OcdsSummary": { "type": "object", "required": ["processes", "tenders", "bids", "awards", "ocds_bids", "ocds_awards", "errors"],
                    "properties": { "processes": { "type": "integer" }, "tenders": { "type": "integer" }, "bids": { "type": "integer" }, "awards": { "type": "integer" },
                        "ocds_bids": { "type": "integer" }, "ocds_awards": { "type": "integer" },
                        "errors": { "type": "array", "items": { "type": "object", "required": ["line", "reason_zh", "reason_en"],
                            "properties": { "line": { "type": "integer" }, "reason_zh": { "type": "string" }, "reason_en": { "type": "string" } } } } } },
                "Warning": { "type": "object", "required": ["id", "model", "domain", "severity", "status", "subject", "amount_fen", "reason_zh", "reason_en"],
                    "properties": {
                        "id": { "type": "string" }, "model": { "type": "string" }, "domain": { "type": "string" }, "severity": { "type": "string" },
                        "status": { "type": "string", "enum": ["open", "resolved_by_data"] },
                        "subject": { "type": "object", "properties": { "kind": { "type": "string" }, "id": { "type": "string" }, "name": { "type": "string" } } },
                        "org_code": { "type": ["string", "null"] }, "region_code": { "type": ["string", "null"] }, "amount_fen": { "type": "integer" },
                        "reason_zh": { "type": "string" }, "reason_en": { "type": "string" }, "first_scan": { "type": "integer" }, "last_scan": { "type": "integer" },
                        "evidence": { "type": "object", "description": "Only on a single warning: figures and source references" },
                    } },
                "Warnings": { "type": "object", "required": ["total", "page", "page_size", "warnings"],
                    "properties": { "total": { "type": "integer" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
                        "warnings": { "type": "array", "items": { "$ref": "#/components/schemas/Warning" } } } },
                "Clue": { "type": "object", "required": ["code", "title", "status", "version", "created_at", "updated_at"],
                    "properties": {
                        "code": { "type": "string" }, "title": { "type": "string" },
                        "status": { "type": "string", "enum": ["registered", "assigned", "verifying", "verified", "disposed", "rectifying", "closed"] },
                        "handler": { "type": ["string", "null"] }, "deadline": { "type": ["string", "null"] }, "verdict": { "type": ["string", "null"] },
                        "form": { "type": ["string", "null"] }, "recovered_fen": { "type": "integer" }, "rectify_unit": { "type": ["string", "null"] },
                        "rectify_deadline": { "type": ["string", "null"] }, "rectified_at": { "type": ["string", "null"] }, "version": { "type": "integer" },
                        "created_at": { "type": "string" }, "updated_at": { "type": "string" },
                        "warnings": { "type": "array", "items": { "type": "string" }, "description": "Only on a single clue" },
                    } },
                "Clues": { "type": "object", "required": ["clues"], "properties": { "clues": { "type": "array", "items": { "$ref": "#/components/schemas/Clue" } } } },
                "Node": { "type": "object", "required": ["id", "kind", "name"],
                    "properties": { "id": { "type": "string", "description": "ID number or credit code; a person known only by name: name@table/batch/row/role" },
                        "kind": { "type": "string", "enum": ["person", "enterprise", "unit"] }, "name": { "type": "string" } } },
                "Evidence": { "type": "object", "required": ["table", "batch", "row", "detail"],
                    "properties": { "table": { "type": "string" }, "batch": { "type": "integer" }, "row": { "type": "integer", "description": "The row in the file as sent" }, "detail": { "type": "string" } } },
                "Edge": { "type": "object", "required": ["from", "to", "kind", "label", "evidence", "count"],
                    "properties": { "from": { "type": "string" }, "to": { "type": "string" }, "kind": { "type": "string" }, "label": { "type": "string" },
                        "evidence": { "type": "array", "items": { "$ref": "#/components/schemas/Evidence" }, "description": "At most 20 rows" },
                        "count": { "type": "integer", "description": "How many rows say it" } } },
                "Subgraph": { "type": "object", "required": ["nodes", "edges"],
                    "properties": { "nodes": { "type": "array", "items": { "$ref": "#/components/schemas/Node" } }, "edges": { "type": "array", "items": { "$ref": "#/components/schemas/Edge" } } } },
            },
        },
        "paths": {
            "/api/v1/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/api/v1/batches": {
                "get": secured("The batch register", "admin, supervisor, clerk", json!([]), body("Batches")),
                "post": push,
            },
            "/api/v1/warnings": { "get": secured(
                "Warnings in queue order, 100 a page",
                "admin, supervisor",
                json!([
                    query("model", "A model code (M01, P06 …)", json!({ "type": "string" })),
                    query("domain", "livelihood, trading, finance, conduct", json!({ "type": "string" })),
                    query("region", "A region code or its prefix", json!({ "type": "string" })),
                    query("status", "open (default) or all", json!({ "type": "string", "enum": ["open", "all"] })),
                    query("page", "From 1", json!({ "type": "integer", "minimum": 1 })),
                ]),
                body("Warnings"),
            ) },
            "/api/v1/warnings/{id}": { "get": warning },
            "/api/v1/clues": { "get": secured(
                "Clues and where each stands",
                "admin, supervisor; a handler's token only the clues assigned to its user",
                json!([query("status", "Only clues in this state", json!({ "type": "string" }))]),
                body("Clues"),
            ) },
            "/api/v1/clues/{code}": { "get": clue },
            "/api/v1/graph/neighbours/{id}": { "get": neighbours },
            "/api/v1/graph/path": { "get": path },
        },
    })
}
