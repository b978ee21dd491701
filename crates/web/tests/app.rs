//! The web application through its router, without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::sync::Arc;
use tower::ServiceExt;
use warehouse::Warehouse;

struct TestApp {
    router: Router,
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
}

const PASSWORD: &str = "correct horse 电池 staple";

async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let warehouse = Arc::new(Warehouse::open(&data).await.unwrap());
    for (name, role) in [("admin", store::Role::Admin), ("handler", store::Role::Handler)] {
        let user = store::NewUser {
            username: name.into(),
            display_name: format!("{name} 测试"),
            role,
            password_hash: web::auth::hash_password(PASSWORD).unwrap(),
            unit_code: None,
        };
        warehouse.store().create_user(&user, 0).await.unwrap();
    }
    let router = web::app(web::AppState::new(warehouse, false));
    TestApp { router, _dir: dir, data }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl TestApp {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Posts a multipart upload (see `multipart`) with the session cookie.
    async fn upload(&self, cookie: &str, (content_type, body): (String, Vec<u8>)) -> Reply {
        let request =
            Request::post("/upload").header(header::COOKIE, cookie).header(header::CONTENT_TYPE, content_type);
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Posts a URL-encoded form with the session cookie.
    async fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap();
        self.send(request).await
    }

    async fn get(&self, path: &str, cookie: &str) -> Reply {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    /// Signs in and returns the cookie header to send, and the session's CSRF token.
    async fn sign_in(&self, user: &str, password: &str) -> Result<(String, String), Reply> {
        let form = self.get("/login", "").await;
        let login_csrf = between(&form.body, "name=\"csrf\" value=\"", "\"");
        let csrf_cookie = set_cookie_value(&form.headers, "qf_login_csrf");
        let body = format!("username={user}&password={}&csrf={login_csrf}&next=/", urlencode(password));
        let reply = self
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("qf_login_csrf={csrf_cookie}"))
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        if reply.status != StatusCode::SEE_OTHER {
            return Err(reply);
        }
        let cookie = format!("qf_session={}", set_cookie_value(&reply.headers, "qf_session"));
        let page = self.get("/upload", &cookie).await;
        let csrf = between(&page.body, "name=\"csrf\" value=\"", "\"");
        Ok((cookie, csrf))
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("{start} not in {text}"));
    let to = text[from..].find(end).unwrap() + from;
    text[from..to].to_owned()
}

fn set_cookie_value(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v[name.len() + 1..].split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn multipart(file_name: &str, content: &[u8], csrf: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "----qingfengtestboundary";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = spawn_app().await;
    for path in ["/login", "/", "/assets/app.css", "/nosuch"] {
        let reply = app.get(path, "").await;
        let h = |name: &str| reply.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(h("content-security-policy").contains("script-src 'self'"), "{path}");
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
}

#[tokio::test]
async fn staff_pages_need_a_session() {
    let app = spawn_app().await;
    for path in ["/", "/batches", "/upload", "/quality", "/reports/1/csv"] {
        let reply = app.get(path, "").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.headers[header::LOCATION].to_str().unwrap().starts_with("/login?next="), "{path}");
    }
    let reply = app.get("/", "qf_session=forged").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let (content_type, body) = multipart("person.csv", b"x", None);
    let reply = app
        .send(Request::post("/upload").header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // Public: the sign-in page, assets, health.
    assert_eq!(app.get("/login", "").await.status, StatusCode::OK);
    assert_eq!(app.get("/assets/htmx.min.js", "").await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz", "").await.body, "ok");
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_shows_the_overview() {
    let app = spawn_app().await;
    let form = app.get("/login", "").await;
    assert!(form.body.contains("工作人员登录"));
    let (cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let page = app.get("/", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("人员基础信息") && page.body.contains("admin 测试"), "{}", page.body);
}

#[tokio::test]
async fn session_cookie_flags() {
    let app = spawn_app().await;
    let form = app.get("/login", "").await;
    let login_csrf = between(&form.body, "name=\"csrf\" value=\"", "\"");
    let csrf_cookie = set_cookie_value(&form.headers, "qf_login_csrf");
    let reply = app
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("qf_login_csrf={csrf_cookie}"))
                .header("x-forwarded-proto", "https")
                .body(Body::from(format!(
                    "username=admin&password={}&csrf={login_csrf}&next=//evil.example",
                    urlencode(PASSWORD)
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/", "no open redirect");
    let cookie = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("qf_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn wrong_passwords_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let reply = app.sign_in("admin", "wrong").await.unwrap_err();
        assert!(reply.body.contains("用户名或密码错误"), "{}", reply.body);
    }
    let reply = app.sign_in("admin", PASSWORD).await.unwrap_err();
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("登录失败次数过多"));
    // Another user is not locked out by someone else's failures.
    assert!(app.sign_in("handler", PASSWORD).await.is_ok());
    // Nor does an unknown user name say so.
    let reply = app.sign_in("nobody", PASSWORD).await.unwrap_err();
    assert!(reply.body.contains("用户名或密码错误"));
}

#[tokio::test]
async fn login_without_its_csrf_cookie_is_refused() {
    let app = spawn_app().await;
    let reply = app
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("username=admin&password={}&csrf=abc", urlencode(PASSWORD))))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn upload_needs_the_csrf_token() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let csv = "身份证号,姓名\n11010519491231002X,王秀英\n".as_bytes();
    let reply = app.upload(&cookie, multipart("person.csv", csv, Some("not-the-token"))).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app.upload(&cookie, multipart("person.csv", csv, Some(&csrf))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("已接收"), "{}", reply.body);
}

/// A file under `docs/`.
fn docs_file(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs")
        .join(relative)
}

/// An OCDS file uploaded on the page: what it held, a result per table, the rows a
/// table refused (by their line) and the lines that could not be used.
#[tokio::test]
async fn an_ocds_upload_shows_each_table_and_every_bad_line() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let text = std::fs::read_to_string(docs_file("models/example-ocds/trading.jsonl")).unwrap();
    let mut lines: Vec<String> = text.lines().take(3).map(str::to_owned).collect();
    // The third release has no buyer: its tender row fails, named by its line (4, after the broken one).
    let mut third: serde_json::Value = serde_json::from_str(&lines[2]).unwrap();
    third.as_object_mut().unwrap().remove("buyer");
    lines[2] = third.to_string();
    lines.insert(1, "{\"ocid\": \"broken\", ".to_owned());
    let reply = app.upload(&cookie, multipart("trading.jsonl", lines.join("\n").as_bytes(), Some(&csrf))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    for expected in [
        "id=\"ocds-summary\"",
        "3 个交易过程",
        "id=\"ocds-tables\"",
        "交易项目",
        "已拒收",
        "已接收",
        "buyer_code",
        "id=\"ocds-lines\"",
        "不是有效的JSON",
    ] {
        assert!(reply.body.contains(expected), "{expected} missing: {}", reply.body);
    }
    assert!(
        reply.body.contains("<td class=\"num\">4</td><td>buyer_code</td>"),
        "the tender row's error by its line: {}",
        reply.body
    );
    let batches = app.get("/batches", &cookie).await;
    assert!(batches.body.contains("trading.jsonl"), "{}", batches.body);
}

/// A file that cannot be imported at all (its name names no table; an empty
/// file) is explained on the page, not answered with an error page.
#[tokio::test]
async fn an_upload_that_cannot_be_imported_is_explained() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    for (name, content) in [("notes.csv", "a,b\n1,2\n"), ("person.csv", ""), ("trading.jsonl", "")] {
        let reply = app.upload(&cookie, multipart(name, content.as_bytes(), Some(&csrf))).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
        assert!(
            reply.body.contains("id=\"file-error\"") && reply.body.contains("文件无法导入"),
            "{name}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn hostile_uploads_are_contained_and_escaped() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let csv =
        "身份证号,姓名\n<script>alert(1)</script>,王秀英\n11010519491231002X,<img src=x onerror=alert(2)>\n".as_bytes();
    let (content_type, body) = multipart("../../../person.csv", csv, None);
    let reply = app
        .send(
            Request::post("/upload")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .header("hx-request", "true")
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.body.contains("<script>alert(1)"), "{}", reply.body);
    assert!(reply.body.contains("&lt;script&gt;alert(1)&lt;"), "{}", reply.body);
    assert!(reply.body.contains("已拒收"));
    // The file landed inside the data directory's uploads, under its bare name.
    let uploads: Vec<_> = walk(&app.data.join("uploads"));
    assert_eq!(uploads.len(), 1);
    assert!(uploads[0].ends_with("person.csv"));
    assert!(!app.data.parent().unwrap().join("person.csv").exists());

    // Markup in a file name is removed before the name is stored or shown.
    let csv = "身份证号,姓名\n11010519491231002X,<b>王秀英</b>\n".as_bytes();
    let reply = app.upload(&cookie, multipart("person_<b>.csv", csv, Some(&csrf))).await;
    assert!(reply.body.contains("已接收"), "{}", reply.body);
    let page = app.get("/batches", &cookie).await;
    assert!(page.body.contains("person_b.csv") && !page.body.contains("<b>"), "{}", page.body);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { found.extend(walk(&path)) } else { found.push(path) }
    }
    found
}

#[tokio::test]
async fn handlers_cannot_upload() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("handler", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert!(app.get("/upload", &cookie).await.body.contains("当前角色不能上传数据"));
    let (content_type, body) = multipart("person.csv", b"x", Some(&csrf));
    let reply = app
        .send(
            Request::post("/upload")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_render_in_both_languages_with_data() {
    let app = spawn_app().await;
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let county = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../examples/county");
    for name in ["fund_program.csv", "disbursement_2026Q1.csv", "person.csv"] {
        let reply = app.upload(&cookie, multipart(name, &std::fs::read(county.join(name)).unwrap(), Some(&csrf))).await;
        assert!(reply.body.contains("已接收"), "{name}: {}", reply.body);
    }
    for (lang, expect) in [
        ("zh", ["数据概览", "数据质量报告", "导入批次"]),
        ("en", ["Data overview", "Data-quality report", "Import batches"]),
    ] {
        let cookie = format!("{cookie}; lang={lang}");
        let overview = app.get("/", &cookie).await;
        assert!(overview.body.contains(expect[0]), "{}", overview.body);
        let quality = app.get("/quality", &cookie).await;
        assert_eq!(quality.status, StatusCode::OK, "{}", quality.body);
        assert!(quality.body.contains(expect[1]));
        assert!(quality.body.contains("LB99"), "the dangling program code is shown");
        let batches = app.get("/batches?table=disbursement&status=accepted", &cookie).await;
        assert!(batches.body.contains(expect[2]) && batches.body.contains("disbursement_2026Q1.csv"));
        assert!(!batches.body.contains("person.csv"));
    }
    let switched = app.get("/lang?to=en&next=/quality", &cookie).await;
    assert_eq!(switched.headers[header::LOCATION], "/quality");
    assert!(switched.headers[header::SET_COOKIE].to_str().unwrap().starts_with("lang=en"));
}

/// Imports the example county's death and disbursement files and stores the
/// M01 warning a scan raises on them (the web crate does not run models).
async fn with_an_m01_warning(app: &TestApp) -> String {
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let example = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/example");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    let mut batches = Vec::new();
    for name in ["death.csv", "disbursement.csv"] {
        match warehouse.import(&example.join(name), &options, None).await.unwrap() {
            warehouse::ImportResult::Accepted { batch, .. } => batches.push(batch.id),
            other => panic!("{other:?}"),
        }
    }
    let model = models::builtin().unwrap().into_iter().find(|m| m.code == "M01").unwrap();
    let mut figures = serde_json::Map::new();
    figures.insert("death_date".into(), "2025-03-10".into());
    figures.insert("payments".into(), 1.into());
    figures.insert("periods".into(), serde_json::json!(["2025-04"]));
    figures.insert("program_code".into(), "DB01".into());
    figures.insert("program_name".into(), "最低生活保障".into());
    let finding = models::Finding {
        key: "33109919500101102X/DB01".into(),
        subject: models::Subject { kind: "person".into(), id: "33109919500101102X".into(), name: "王一".into() },
        amount_fen: 60_000,
        org_code: None,
        region_code: Some("331099001001".into()),
        figures,
        sources: vec![
            models::Source { table: "death".into(), batch: batches[0], row: 2, key: "33109919500101102X".into() },
            models::Source { table: "disbursement".into(), batch: batches[1], row: 4, key: "R0003".into() },
        ],
    };
    save_warning(&warehouse, &model, finding).await
}

/// Staff accounts with the test password.
async fn add_users(warehouse: &Warehouse, users: &[(&str, store::Role)]) {
    for (name, role) in users {
        let user = store::NewUser {
            username: (*name).into(),
            display_name: (*name).into(),
            role: *role,
            password_hash: web::auth::hash_password(PASSWORD).unwrap(),
            unit_code: None,
        };
        warehouse.store().create_user(&user, 0).await.unwrap();
    }
}

/// A P01 warning about tender `key` (named `name`), in `region`.
async fn with_a_p01_warning(warehouse: &Warehouse, key: &str, name: &str, region: Option<&str>) -> String {
    let model = models::builtin().unwrap().into_iter().find(|m| m.code == "P01").unwrap();
    let finding = models::Finding {
        key: key.into(),
        subject: models::Subject { kind: "tender".into(), id: key.into(), name: name.into() },
        amount_fen: 1,
        org_code: None,
        region_code: region.map(str::to_owned),
        figures: serde_json::Map::new(),
        sources: vec![],
    };
    save_warning(warehouse, &model, finding).await
}

/// Stores `finding` as a warning of `model`, as a scan would.
async fn save_warning(warehouse: &Warehouse, model: &models::Model, finding: models::Finding) -> String {
    let region = finding.region_code.clone();
    let warning = models::Warning::new(model, finding);
    let scan = warehouse
        .store()
        .begin_scan(&store::NewScan {
            started_at: "2026-11-29T12:00:00+08:00".into(),
            trigger: "manual".into(),
            models_json: format!("[\"{}\"]", model.code),
            batches_json: "[]".into(),
            config_json: "{}".into(),
            config_sha256: String::new(),
        })
        .await
        .unwrap();
    let mut record = warehouse::warning_record(model, &warning, scan);
    record.region_code = region;
    warehouse.save_model_warnings(scan, model, vec![record]).await.unwrap();
    warning.id
}

/// A Cardinal indicator's warning shows the OCDS rows behind it, by their line in the file.
#[tokio::test]
async fn a_cardinal_warning_shows_its_ocds_rows() {
    let app = spawn_app().await;
    let (cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let file = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/cardinal/R024.jsonl");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    let imported = warehouse.import_ocds(&file, &options, None).await.unwrap();
    let batch = |table: &str| match imported.results.iter().find(|(t, _)| *t == table) {
        Some((_, warehouse::ImportResult::Accepted { batch, .. })) => batch.id,
        other => panic!("{table}: {other:?}"),
    };
    let (bids, process) = (batch("ocds_bid"), batch("ocds_process"));
    let model = models::builtin().unwrap().into_iter().find(|m| m.code == "R024").unwrap();
    let mut figures = serde_json::Map::new();
    for (name, value) in [("winner", "W".into()), ("currency", "USD".into()), ("difference", 1.0.into())] {
        figures.insert(name.into(), value);
    }
    for name in ["winner_amount", "second_amount", "q1", "q3", "lower_fence"] {
        figures.insert(name.into(), 1.0.into());
    }
    let finding = models::Finding {
        key: "F".into(),
        subject: models::Subject { kind: "tender".into(), id: "F".into(), name: "F".into() },
        amount_fen: 0,
        org_code: None,
        region_code: None,
        figures,
        sources: vec![
            models::Source { table: "ocds_process".into(), batch: process, row: 1, key: "F".into() },
            models::Source { table: "ocds_bid".into(), batch: bids, row: 1, key: "F/L".into() },
        ],
    };
    let id = save_warning(&warehouse, &model, finding).await;
    let page = app.get(&format!("/warnings/{id}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // The bid row (status, amount, currency, tenderer) under its Chinese labels, and the file it came from.
    for expected in ["OCDS投标", "投标状态", "valid", "USD", "投标人标识", "R024.jsonl", "次低价与中标价过近"]
    {
        assert!(page.body.contains(expected), "{expected} missing: {}", page.body);
    }
}

#[tokio::test]
async fn warnings_queue_detail_catalogue_and_export() {
    let app = spawn_app().await;
    let (cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let empty = app.get("/warnings", &cookie).await;
    assert!(empty.body.contains("暂无预警"), "{}", empty.body);
    let id = with_an_m01_warning(&app).await;

    let queue = app.get("/warnings", &cookie).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert!(queue.body.contains(&format!("/warnings/{id}")) && queue.body.contains("600.00"), "{}", queue.body);
    for (query, shown) in [
        ("?severity=high", true),
        ("?severity=low", false),
        ("?domain=livelihood&model=M01", true),
        ("?domain=finance", false),
        ("?region=331099", true),
        ("?region=331098", false),
        ("?min_amount=600", true),
        ("?min_amount=600.01", false),
        ("?status=resolved_by_data", false),
        ("?status=all&sort=amount", true),
        ("?min_amount=abc", true),
    ] {
        let reply = app.get(&format!("/warnings{query}"), &cookie).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body.contains(&format!("/warnings/{id}")), shown, "{query}");
    }

    let bad_amount = app.get("/warnings?min_amount=abc", &cookie).await;
    assert!(
        bad_amount.body.contains("id=\"amount-error\"") && bad_amount.body.contains("金额不是数字"),
        "{}",
        bad_amount.body
    );
    assert!(!app.get("/warnings?min_amount=600", &cookie).await.body.contains("amount-error"));

    // The warning page: reason, figures, and the source records themselves.
    let page = app.get(&format!("/warnings/{id}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in
        ["王一已于2025-03-10死亡", "死亡日期", "2025-03-10", "R0003", "ACCP1DB01", "disbursement.csv", "死亡登记"]
    {
        assert!(page.body.contains(expected), "{expected} missing: {}", page.body);
    }
    let english = app.get(&format!("/warnings/{id}"), &format!("{cookie}; lang=en")).await;
    assert!(english.body.contains("died on 2025-03-10") && english.body.contains("Date of death"), "{}", english.body);
    assert_eq!(app.get("/warnings/M01-000000000000", &cookie).await.status, StatusCode::NOT_FOUND);

    // The dashboard counts it under its domain and model, and links to the lists behind.
    let dashboard = app.get("/dashboard", &cookie).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
    assert!(dashboard.body.contains("id=\"kpi-open\">1<"), "{}", dashboard.body);
    let by_model = between(&dashboard.body, "id=\"by-model\"", "</table>");
    assert!(by_model.contains("/warnings?model=M01") && by_model.contains("600.00"), "{by_model}");
    assert!(dashboard.body.contains("/warnings?domain=livelihood"), "{}", dashboard.body);
    let by_region = between(&dashboard.body, "id=\"by-region\"", "</table>");
    assert!(by_region.contains("/warnings?region=331099001001") && by_region.contains("600.00"), "{by_region}");
    let by_month = between(&dashboard.body, "id=\"by-month\"", "</table>");
    assert!(by_month.contains("<th>20") && by_month.contains(">1<"), "{by_month}");
    assert!(dashboard.body.contains("id=\"kpi-rectified\">—<"), "nothing due yet: {}", dashboard.body);

    let catalogue = app.get("/models", &cookie).await;
    for code in ["M01", "M09", "F01", "F09"] {
        assert!(catalogue.body.contains(&format!("id=\"model-{code}\"")), "{code}");
    }
    assert!(catalogue.body.contains("threshold = 50000"), "F02's parameter and default are shown");

    let export = app
        .send(
            Request::get("/warnings/export.xlsx?model=M01")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    assert_eq!(app.get("/warnings", "").await.status, StatusCode::SEE_OTHER, "staff only");
}

#[tokio::test]
async fn a_units_claims_and_a_vehicles_fuel_history() {
    let app = spawn_app().await;
    let (cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let example = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/example");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    for name in ["official_vehicle.csv", "fuel_record.csv", "reimbursement.csv"] {
        let result = warehouse.import(&example.join(name), &options, None).await.unwrap();
        assert!(matches!(result, warehouse::ImportResult::Accepted { .. }), "{name}");
    }
    let claims = app.get("/units/11331099MB0000004P/reimbursements", &cookie).await;
    assert_eq!(claims.status, StatusCode::OK, "{}", claims.body);
    for expected in ["BX0001", "2025-10-02", "金色年华KTV", "公务接待", "清函〔2025〕1号"] {
        assert!(claims.body.contains(expected), "{expected} missing: {}", claims.body);
    }
    let car = app.get(&format!("/vehicles/{}", urlencode("浙J0A004")), &cookie).await;
    assert_eq!(car.status, StatusCode::OK, "{}", car.body);
    for expected in ["2025-10-01 06:30", "2025-10-11 15:00", "休息日加油", "YK0004", "fuel-calendar"] {
        assert!(car.body.contains(expected), "{expected} missing: {}", car.body);
    }
    // The swapped working Saturday is not a rest day; National Day is.
    assert_eq!(car.body.matches("class=\"flagged\"").count(), 1, "{}", car.body);
    // A refuel that names only the card belongs to the card's car.
    let by_card = app.get(&format!("/vehicles/{}", urlencode("浙J0A003")), &cookie).await;
    assert!(by_card.body.contains("2025-04-08 20:00"), "{}", by_card.body);
    let unknown = app.get(&format!("/vehicles/{}", urlencode("浙J9999")), &cookie).await;
    assert!(unknown.body.contains("车辆登记中没有这个号牌"));
}

#[tokio::test]
async fn a_tender_a_bidder_and_the_screens_ranking() {
    let app = spawn_app().await;
    let (cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let example = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/example");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    for name in ["enterprise.csv", "enterprise_role.csv", "tender.csv", "bid.csv", "award.csv"] {
        let result = warehouse.import(&example.join(name), &options, None).await.unwrap();
        assert!(matches!(result, warehouse::ImportResult::Accepted { .. }), "{name}");
    }
    // P05's case: two bids share a file hash, and only those two cells are marked.
    let tender = app.get("/tenders/ZB2025014", &cookie).await;
    assert_eq!(tender.status, StatusCode::OK, "{}", tender.body);
    assert_eq!(tender.body.matches("<td class=\"shared\"><code>9f86d081884c7d659a2feaa0c55ad015</code>").count(), 2);
    assert_eq!(tender.body.matches("class=\"shared\"").count(), 2, "{}", tender.body);
    for expected in ["医疗设备采购A", "文件特征码", "串通评分", "公开招标"] {
        assert!(tender.body.contains(expected), "{expected} missing");
    }
    // P06's group seen from one of its firms: two co-bidders, three tenders each, one win each.
    let bidder = app.get("/bidders/91331099MA0000354K", &cookie).await;
    assert_eq!(bidder.status, StatusCode::OK, "{}", bidder.body);
    assert!(
        bidder.body.contains("id=\"bid-count\">3<") && bidder.body.contains("id=\"win-count\">1<"),
        "{}",
        bidder.body
    );
    let partners = between(&bidder.body, "id=\"partners\"", "</table>");
    assert_eq!(
        partners.matches("<td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">1</td>").count(),
        2,
        "{partners}"
    );
    assert!(bidder.body.contains("data-kind=\"graph\""));
    // The group's page: its three tenders, each won by a different member.
    let group = app
        .get(&format!("/groups/{}", urlencode("91331099MA0000354K,91331099MA0000355N,91331099MA0000356R")), &cookie)
        .await;
    assert_eq!(group.status, StatusCode::OK, "{}", group.body);
    let rows = between(&group.body, "id=\"group-tenders\"", "</table>");
    assert_eq!(rows.matches("<tr><td>2025-").count(), 3, "{rows}");
    assert_eq!(rows.matches("class=\"num won\"").count(), 3, "{rows}");
    // The ranking leads with P04's relative-distance case (score 5 of 7).
    let ranking = app.get("/screens", &cookie).await;
    assert_eq!(ranking.status, StatusCode::OK);
    let first = between(&ranking.body, "<tbody>", "</tr>");
    assert!(first.contains("ZB2025011") && first.contains("71%"), "{first}");
    let english = app.get("/screens", &format!("{cookie}; lang=en")).await;
    assert!(english.body.contains("Bid screens"), "{}", english.body);
    assert_eq!(app.get("/screens", "").await.status, StatusCode::SEE_OTHER, "staff only");
}

#[tokio::test]
async fn the_ledger_is_public_as_tiles() {
    let app = spawn_app().await;
    assert_eq!(app.get("/ledger/checkpoint", "").await.status, StatusCode::NOT_FOUND, "no entries yet");
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    app.upload(&cookie, multipart("person.csv", "身份证号,姓名\n11010519491231002X,王秀英\n".as_bytes(), Some(&csrf)))
        .await;
    // No session needed.
    let checkpoint = app.get("/ledger/checkpoint", "").await;
    assert_eq!(checkpoint.status, StatusCode::OK);
    let key = ledger::Verifier::parse(app.get("/ledger/key", "").await.body.trim()).unwrap();
    let text = ledger::open(&checkpoint.body, &[key]).unwrap();
    let parsed = ledger::Checkpoint::parse(text).unwrap();
    assert_eq!(parsed.size, 1);
    let tile = app.send(Request::get("/ledger/tile/0/000.p/1").body(Body::empty()).unwrap()).await;
    assert_eq!(tile.status, StatusCode::OK);
    assert_eq!(tile.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(app.get("/ledger/tile/0/000", "").await.status, StatusCode::NOT_FOUND, "no full tile yet");
    assert_eq!(app.get("/ledger/tile/entries/000.p/1", "").await.status, StatusCode::OK);
}

/// A warning becomes a clue; the supervisor assigns it; only its handler sees it and
/// works it; a form decided on an old version is refused with a clear conflict;
/// every step is in the clue's history.
#[tokio::test]
async fn a_clue_from_warning_to_verdict() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(
        &warehouse,
        &[("clerk", store::Role::Clerk), ("other", store::Role::Handler), ("auditor", store::Role::Auditor)],
    )
    .await;
    let id = with_an_m01_warning(&app).await;
    let (admin, admin_csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let page = app.get(&format!("/warnings/{id}"), &admin).await;
    assert!(page.body.contains("id=\"open-clue\""), "a supervisor may open a clue: {}", page.body);
    let made = app
        .post_form(
            "/clues",
            &admin,
            &[("csrf", &admin_csrf), ("warning", &id), ("title", "王一死亡后仍领低保"), ("note", "")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let location = made.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, "/clues/XS000001");
    let assign = [
        ("csrf", admin_csrf.as_str()),
        ("version", "1"),
        ("action", "assign"),
        ("handler", "handler"),
        ("deadline", "2020-01-31"),
        ("note", "请核实"),
    ];
    assert_eq!(app.post_form(&location, &admin, &assign).await.status, StatusCode::SEE_OTHER);

    // The handler sees it, overdue (the deadline has passed), and starts verifying.
    let (handler, handler_csrf) = app.sign_in("handler", PASSWORD).await.map_err(|r| r.body).unwrap();
    let list = app.get("/clues", &handler).await;
    assert!(list.body.contains("XS000001") && list.body.contains("id=\"overdue-count\""), "{}", list.body);
    let clue = app.get(&location, &handler).await;
    assert!(clue.body.contains("id=\"step-start\"") && !clue.body.contains("id=\"step-assign\""), "{}", clue.body);
    let start = [("csrf", handler_csrf.as_str()), ("version", "2"), ("action", "start"), ("note", "")];
    assert_eq!(app.post_form(&location, &handler, &start).await.status, StatusCode::SEE_OTHER);
    // The same form again, on version 2, after the clue moved to 3: a conflict, said plainly.
    let stale = app.post_form(&location, &handler, &start).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("已被他人更新") && stale.body.contains("version 3"), "{}", stale.body);
    let verify =
        [("csrf", handler_csrf.as_str()), ("version", "3"), ("action", "verify"), ("verdict", "true"), ("note", "")];
    assert_eq!(app.post_form(&location, &handler, &verify).await.status, StatusCode::SEE_OTHER);
    // A handler cannot dispose of it: that is the supervisor's.
    let dispose =
        [("csrf", handler_csrf.as_str()), ("version", "4"), ("action", "dispose"), ("form", "first"), ("note", "")];
    assert_eq!(app.post_form(&location, &handler, &dispose).await.status, StatusCode::FORBIDDEN);
    let history = app.get(&location, &admin).await;
    assert!(history.body.contains("已核实") && history.body.contains("属实"), "{}", history.body);
    for step in ["立为线索", "交办", "开始核查", "核查结论"] {
        assert!(between(&history.body, "id=\"clue-history\"", "</table>").contains(step), "{step} missing");
    }
    // Another handler learns nothing of it; a clerk sees no clues at all.
    let (other, _) = app.sign_in("other", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get(&location, &other).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/clues", &other).await.body.contains("XS000001"));
    let (clerk, _) = app.sign_in("clerk", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get("/clues", &clerk).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&location, &clerk).await.status, StatusCode::FORBIDDEN);
    // A form without its CSRF token changes nothing.
    let forged = app.post_form(&location, &admin, &[("version", "4"), ("action", "comment"), ("note", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let english = app.get(&location, &format!("{admin}; lang=en")).await;
    assert!(english.body.contains("History") && english.body.contains("verified"), "{}", english.body);
    // Disposed of and closed: the closure's summary goes into the public ledger, with no names.
    let dispose = [
        ("csrf", admin_csrf.as_str()),
        ("version", "4"),
        ("action", "dispose"),
        ("form", "first"),
        ("accountable", "王某某"),
        ("recovered", "1200"),
        ("note", ""),
    ];
    assert_eq!(app.post_form(&location, &admin, &dispose).await.status, StatusCode::SEE_OTHER);
    let close = [("csrf", admin_csrf.as_str()), ("version", "5"), ("action", "close"), ("note", "")];
    assert_eq!(app.post_form(&location, &admin, &close).await.status, StatusCode::SEE_OTHER);
    let closures = warehouse.store().ledger_entries_of_kind("clue_closure").await.unwrap();
    assert_eq!(closures.len(), 1);
    let record: serde_json::Value = serde_json::from_str(&closures[0].1.record).unwrap();
    assert_eq!(
        (record["clue"].as_str(), record["form"].as_str(), record["recovered_fen"].as_i64()),
        (Some("XS000001"), Some("first"), Some(120_000))
    );
    assert!(!closures[0].1.record.contains("王"), "{}", closures[0].1.record);
    let heads = warehouse.store().ledger_entries_of_kind("audit_head").await.unwrap();
    assert_eq!(heads.len(), 1, "the audit trail's head anchored with the closure");

    // The auditor reads who did what: the sign-ins, the clue's making and steps, who viewed the
    // warning and the clue, the refused attempt at a forged form excepted (nothing happened).
    assert!(app.sign_in("auditor", "wrong password").await.is_err());
    let (auditor, _) = app.sign_in("auditor", PASSWORD).await.map_err(|r| r.body).unwrap();
    let trail = app.get("/audit", &auditor).await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.body);
    assert!(trail.body.contains("id=\"audit-intact\""), "{}", trail.body);
    let list = between(&trail.body, "id=\"audit-list\"", "</table>");
    for expected in
        ["sign_in.failed", "clue.create", "clue.act", "clue.view", "warning.view", "clue:XS000001", "handler"]
    {
        assert!(list.contains(expected), "{expected} missing from the trail: {list}");
    }
    let export = app.get("/audit/export.csv", &auditor).await;
    assert!(export.body.starts_with("seq,at,actor") && export.body.contains("audit.view"), "{}", export.body);
    assert_eq!(app.get("/audit", &admin).await.status, StatusCode::FORBIDDEN, "the administrator does not read it");
}

/// The written matrix of `docs/authorization.md`, route by route and role by role,
/// anonymous included: every cell is requested and must answer as the table says.
#[tokio::test]
async fn every_route_for_every_role() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(
        &warehouse,
        &[
            ("supervisor", store::Role::Supervisor),
            ("clerk", store::Role::Clerk),
            ("security_admin", store::Role::SecurityAdmin),
            ("auditor", store::Role::Auditor),
        ],
    )
    .await;
    // Something behind every route: a warning, a clue assigned to the handler, a second clue
    // that is not theirs, trading and conduct data, and a rejected batch with its report.
    let own_warning = with_an_m01_warning(&app).await;
    let example = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/example");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    for name in [
        "enterprise.csv",
        "enterprise_role.csv",
        "tender.csv",
        "bid.csv",
        "award.csv",
        "official_vehicle.csv",
        "fuel_record.csv",
        "reimbursement.csv",
    ] {
        let result = warehouse.import(&example.join(name), &options, None).await.unwrap();
        assert!(matches!(result, warehouse::ImportResult::Accepted { .. }), "{name}");
    }
    let bad = app.data.parent().unwrap().join("person.csv");
    std::fs::write(&bad, "身份证号,姓名\n123,某\n").unwrap();
    let rejected = match warehouse.import(&bad, &options, None).await.unwrap() {
        warehouse::ImportResult::Rejected { batch, .. } => batch.id,
        other => panic!("{other:?}"),
    };
    let store = warehouse.store();
    let clue = |warning: &str, title: &str| store::NewClue {
        title: title.into(),
        warnings: vec![warning.into()],
        report: None,
        note: String::new(),
        by: store::Actor::new("admin", "admin"),
        at: "2026-11-29T10:00:00+08:00".into(),
    };
    let own = store.create_clue(&clue(&own_warning, "own")).await.unwrap();
    let assign = store::Action::Assign { handler: "handler".into(), deadline: "2026-12-31".into() };
    let admin = store::Actor::new("admin", "admin");
    store.act_on_clue(&own.code, 1, &assign, &admin, "", "2026-11-29T10:01:00+08:00").await.unwrap();
    let other_warning = with_a_p01_warning(&warehouse, "ZB2025001", "采购", None).await;
    let other = store.create_clue(&clue(&other_warning, "not the handler's")).await.unwrap();
    let report = store::NewReport {
        receipt: "MATRIX000001".into(),
        secret_hash: "x".into(),
        about_kind: "unit".into(),
        about: "某单位".into(),
        content: "内容".into(),
        identity: None,
        at: "2026-11-29T10:00:00+08:00".into(),
    };
    let audit = store::NewAudit {
        at: report.at.clone(),
        actor: "public".into(),
        role: String::new(),
        address: None,
        action: "report.create".into(),
        object: "report:MATRIX000001".into(),
        detail: "{}".into(),
    };
    let report = store.create_report(&report, &audit).await.unwrap();

    let mut sessions: Vec<(&str, String, String)> = vec![("anonymous", String::new(), String::new())];
    for role in ["admin", "supervisor", "handler", "clerk", "security_admin", "auditor"] {
        let (cookie, csrf) = app.sign_in(role, PASSWORD).await.map_err(|r| r.body).unwrap();
        sessions.push((role, cookie, csrf));
    }
    // Each route of the table as concrete requests: (path, is it the caller's own?).
    let concrete = |route: &str| -> Vec<(String, bool)> {
        match route {
            "/reports/{batch}/{format}" => vec![(format!("/reports/{rejected}/csv"), true)],
            "/warnings/{id}" => {
                vec![(format!("/warnings/{own_warning}"), true), (format!("/warnings/{other_warning}"), false)]
            }
            "/tenders/{id}" => vec![("/tenders/ZB2025014".into(), true)],
            "/bidders/{code}" => vec![("/bidders/91331099MA0000354K".into(), true)],
            "/groups/{firms}" => vec![(
                format!("/groups/{}", urlencode("91331099MA0000354K,91331099MA0000355N,91331099MA0000356R")),
                true,
            )],
            "/units/{org}/reimbursements" => vec![("/units/11331099MB0000004P/reimbursements".into(), true)],
            "/vehicles/{plate}" => vec![(format!("/vehicles/{}", urlencode("浙J0A004")), true)],
            "/profile/{id}" => vec![("/profile/91331099MA0000354K".into(), true)],
            "/graph/neighbours.json" => vec![("/graph/neighbours.json?from=91331099MA0000354K&hops=2".into(), true)],
            "/graph/path.json" => {
                vec![("/graph/path.json?from=91331099MA0000354K&to=91331099MA0000355N".into(), true)]
            }
            "/clues/{code}" => vec![(format!("/clues/{}", own.code), true), (format!("/clues/{}", other.code), false)],
            "/reports/{id}" => vec![(format!("/reports/{}", report.id), true)],
            plain => vec![(plain.to_owned(), true)],
        }
    };
    let matrix = std::fs::read_to_string(
        std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
            .join("../../docs/authorization.md"),
    )
    .unwrap();
    let mut checked = 0;
    for line in matrix.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let (method, route) = cells[0].trim_matches('`').split_once(' ').unwrap();
        for ((role, cookie, csrf), expected) in sessions.iter().zip(&cells[1..]) {
            for (path, own) in concrete(route) {
                let reply = if method == "GET" {
                    app.get(&path, cookie).await
                } else {
                    // A comment on a clue, or a clue made of the handler's warning: harmless and repeatable.
                    let version = match store.clue(path.rsplit('/').next().unwrap()).await.unwrap() {
                        Some(c) => c.version.to_string(),
                        None => String::new(),
                    };
                    // A reviewer's "unsure" on a pair, replacing the last one: repeatable too.
                    let replaces =
                        store.entity_decisions().await.unwrap().first().map(|d| d.id.to_string()).unwrap_or_default();
                    let fields: Vec<(&str, &str)> = if route == "/clues" {
                        vec![("csrf", csrf), ("warning", own_warning.as_str()), ("title", "matrix")]
                    } else if route == "/graph/decide" {
                        vec![
                            ("csrf", csrf),
                            ("a", "331099198001011015"),
                            ("b", "11010519491231002X"),
                            ("decision", "unsure"),
                            ("replaces", &replaces),
                            ("back", "91331099MA0000354K"),
                        ]
                    } else {
                        vec![("csrf", csrf), ("version", &version), ("action", "comment"), ("note", "matrix")]
                    };
                    app.post_form(&path, cookie, &fields).await
                };
                let want = match (*expected, own) {
                    ("login", _) => StatusCode::SEE_OTHER,
                    ("✓", _) | ("own", true) => {
                        if method == "POST" {
                            StatusCode::SEE_OTHER
                        } else {
                            StatusCode::OK
                        }
                    }
                    ("own", false) => StatusCode::NOT_FOUND,
                    ("✗", _) => StatusCode::FORBIDDEN,
                    (other, _) => panic!("unknown cell {other:?} in {line}"),
                };
                assert_eq!(reply.status, want, "{method} {path} as {role} (table: {expected})");
                if *expected == "login" {
                    let location = reply.headers[header::LOCATION].to_str().unwrap();
                    assert!(location.starts_with("/login"), "{method} {path}: {location}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 25 * 7, "{checked} requests");
}

/// A citizen reports, named; gets a receipt and secret; follows it; the identity is
/// stored only as ciphertext; a supervisor may show it (audited), an administrator may
/// not; the report becomes a clue, once; wrong secrets and floods are refused.
#[tokio::test]
async fn a_citizens_report_from_form_to_clue() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("supervisor", store::Role::Supervisor), ("auditor", store::Role::Auditor)]).await;
    let form = app.get("/report", "").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = between(&form.body, "name=\"csrf\" value=\"", "\"");
    let cookie = format!("qf_login_csrf={}", set_cookie_value(&form.headers, "qf_login_csrf"));
    let fields: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("about_kind", "person".into()),
        ("about", "清风县某村会计".into()),
        ("content", "其父已去世两年，仍在领取低保。".into()),
        ("name", "张举报".into()),
        ("contact", "13800000000".into()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = app.post_form("/report", &cookie, &pairs).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let receipt = between(&sent.body, "id=\"receipt\">", "<");
    let secret = between(&sent.body, "id=\"secret\">", "<");
    assert_eq!((receipt.len(), secret.len()), (12, 16));
    // Stored encrypted: neither the name nor the number is in the database in the clear.
    let stored = warehouse.store().report_by_receipt(&receipt).await.unwrap().unwrap();
    let sealed = String::from_utf8_lossy(stored.identity.as_deref().unwrap()).into_owned();
    assert!(!sealed.contains("张举报") && !sealed.contains("13800000000"));
    let db = std::fs::read(app.data.join("state.db")).unwrap();
    let wal = std::fs::read(app.data.join("state.db-wal")).unwrap_or_default();
    for needle in ["张举报".as_bytes(), b"13800000000"] {
        assert!(!db.windows(needle.len()).any(|w| w == needle) && !wal.windows(needle.len()).any(|w| w == needle));
    }
    // Following it: with the secret, its status; without, nothing.
    let ok_pairs = [("csrf", csrf.as_str()), ("receipt", receipt.as_str()), ("secret", secret.as_str())];
    let followed = app.post_form("/report/status", &cookie, &ok_pairs).await;
    assert!(followed.body.contains("id=\"report-status\"") && followed.body.contains("已受理"), "{}", followed.body);
    let bad_pairs = [("csrf", csrf.as_str()), ("receipt", receipt.as_str()), ("secret", "WRONGSECRET00000")];
    let refused = app.post_form("/report/status", &cookie, &bad_pairs).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains("其父已去世"));

    // Staff: the administrator sees the report, not who sent it, and cannot ask.
    let (admin, admin_csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let page = app.get(&format!("/reports/{}", stored.id), &admin).await;
    assert!(
        page.body.contains("其父已去世两年") && !page.body.contains("张举报") && !page.body.contains("id=\"reveal\"")
    );
    let path = format!("/reports/{}", stored.id);
    let reveal = app.post_form(&path, &admin, &[("csrf", &admin_csrf), ("action", "identity")]).await;
    assert_eq!(reveal.status, StatusCode::FORBIDDEN);
    // The supervisor may, and it is recorded.
    let (supervisor, sup_csrf) = app.sign_in("supervisor", PASSWORD).await.map_err(|r| r.body).unwrap();
    let shown = app.post_form(&path, &supervisor, &[("csrf", &sup_csrf), ("action", "identity")]).await;
    assert!(shown.body.contains("张举报 13800000000"), "{}", shown.body);
    let made = app.post_form(&path, &supervisor, &[("csrf", &sup_csrf), ("action", "clue")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let again = app.post_form(&path, &supervisor, &[("csrf", &sup_csrf), ("action", "clue")]).await;
    assert_ne!(again.status, StatusCode::SEE_OTHER, "one clue per report");
    let followed = app.post_form("/report/status", &cookie, &ok_pairs).await;
    assert!(followed.body.contains("已立为线索办理"), "{}", followed.body);
    // The answer reaches the reporter through the status page.
    let answer =
        [("csrf", sup_csrf.as_str()), ("action", "answer"), ("reply", "已立案核查，感谢监督。"), ("close", "1")];
    assert_eq!(app.post_form(&path, &supervisor, &answer).await.status, StatusCode::SEE_OTHER);
    let followed = app.post_form("/report/status", &cookie, &ok_pairs).await;
    assert!(followed.body.contains("已办结") && followed.body.contains("已立案核查，感谢监督。"), "{}", followed.body);
    let (auditor, _) = app.sign_in("auditor", PASSWORD).await.map_err(|r| r.body).unwrap();
    let trail = app.get("/audit", &auditor).await;
    let list = between(&trail.body, "id=\"audit-list\"", "</table>");
    assert!(list.contains("report.identity.view") && list.contains("report.answer") && list.contains("report.create"));
    assert!(!list.contains("张举报"), "the trail does not hold the identity");
    // Too long a text is refused with the reason, and the text is kept for the sender.
    let long = "很".repeat(5001);
    let long_pairs = [("csrf", csrf.as_str()), ("about_kind", "person"), ("about", "某人"), ("content", long.as_str())];
    let too_long = app.post_form("/report", &cookie, &long_pairs).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains("不超过5000字") && too_long.body.contains(&long), "the text comes back");
    // A flood from one address is refused after five reports in an hour (one is in).
    let statuses: Vec<StatusCode> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(app.post_form("/report", &cookie, &pairs).await.status);
        }
        v
    };
    assert_eq!(statuses[..4], [StatusCode::OK; 4]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
}

/// Several warnings ticked in the queue become one clue.
#[tokio::test]
async fn one_clue_of_several_warnings() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let first = with_an_m01_warning(&app).await;
    let model = models::builtin().unwrap().into_iter().find(|m| m.code == "P01").unwrap();
    let finding = models::Finding {
        key: "ZB2025001".into(),
        subject: models::Subject {
            kind: "tender".into(), id: "ZB2025001".into(), name: "城区照明设备采购".into()
        },
        amount_fen: 1,
        org_code: None,
        region_code: None,
        figures: serde_json::Map::new(),
        sources: vec![],
    };
    let second = save_warning(&warehouse, &model, finding).await;
    let (admin, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let queue = app.get("/warnings", &admin).await;
    assert!(queue.body.contains("form=\"clue-from-selected\"") && queue.body.contains(&format!("value=\"{second}\"")));
    let made = app
        .post_form("/clues", &admin, &[("csrf", &csrf), ("warning", &first), ("warning", &second), ("title", "")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let clue = app.get(made.headers[header::LOCATION].to_str().unwrap(), &admin).await;
    let listed = between(&clue.body, "id=\"clue-warnings\"", "</ul>");
    assert!(listed.contains(&first) && listed.contains(&second), "{listed}");
    assert!(clue.body.contains("等2条预警"), "{}", clue.body);
    let none = app.post_form("/clues", &admin, &[("csrf", &csrf), ("title", "x")]).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    let unknown = app.post_form("/clues", &admin, &[("csrf", &csrf), ("warning", "M01-000000000000")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// A draw in the ledger; staff enter a drawn target's result (refused for one not
/// drawn), see it overdue, publish it; the public page shows it with its proof.
#[tokio::test]
async fn an_inspection_result_from_form_to_portal() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("clerk", store::Role::Clerk)]).await;
    let plan = serde_json::json!({
        "title": "测试抽查",
        "strata": [["A", 500]],
        "targets": (0..6).map(|i| serde_json::json!({"code": format!("91331099MA0000{i:04}"), "name": format!("企业{i}"), "stratum": "A"})).collect::<Vec<_>>(),
        "inspectors": ["331099000001", "331099000002", "331099000003"],
        "per_target": 2,
        "secret_commitments": [hex::encode(draw::commit_secret(b"s1")), hex::encode(draw::commit_secret(b"s2"))],
    })
    .to_string();
    let commitment = hex::encode(draw::wire::commitment(&plan).unwrap());
    let record = serde_json::json!({"type": "draw_plan", "plan_commitment": commitment, "plan": serde_json::from_str::<serde_json::Value>(&plan).unwrap()});
    warehouse.ledger_append(&[("draw_plan", record.to_string())]).await.unwrap();
    let result = draw::wire::draw(&plan, &["s1".into(), "s2".into()], None).unwrap();
    let record = serde_json::json!({"type": "draw_result", "result": &result});
    warehouse.ledger_append(&[("draw_result", record.to_string())]).await.unwrap();
    let drawn = &result.selections[0].target;
    let not_drawn = (0..6)
        .map(|i| format!("91331099MA0000{i:04}"))
        .find(|c| !result.selections.iter().any(|s| s.target == *c))
        .unwrap();

    let (clerk, csrf) = app.sign_in("clerk", PASSWORD).await.map_err(|r| r.body).unwrap();
    let list = app.get("/inspections", &clerk).await;
    assert!(list.body.contains("测试抽查") && list.body.contains(&commitment[..12]), "{}", list.body);
    let page_path = format!("/inspections/{}", &commitment[..12]);
    let page = app.get(&page_path, &clerk).await;
    assert!(page.body.contains(&format!("id=\"target-{drawn}\"")), "{}", page.body);
    let enter = |target: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("action", "result".to_owned()),
            ("target", target.to_owned()),
            ("checked", "2020-01-02".to_owned()),
            ("outcome", "corrected".to_owned()),
            ("findings", "负责人电话13912345678，未按规定公示年报".to_owned()),
        ]
    };
    let refused = enter(&not_drawn);
    let refused: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = app.post_form(&page_path, &clerk, &refused).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("was not drawn in this draw"), "{}", reply.body);
    let accepted = enter(drawn);
    let accepted: Vec<(&str, &str)> = accepted.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post_form(&page_path, &clerk, &accepted).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&page_path, &clerk).await;
    assert!(between(&page.body, &format!("id=\"target-{drawn}\""), "</tr>").contains("逾期未公示"), "{}", page.body);
    assert!(app.get("/inspections", &clerk).await.body.contains("class=\"overdue\""));
    // A handler has no business here.
    let (handler, _) = app.sign_in("handler", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get("/inspections", &handler).await.status, StatusCode::FORBIDDEN);

    let publish = [("csrf", csrf.as_str()), ("action", "publish")];
    assert_eq!(app.post_form(&page_path, &clerk, &publish).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&page_path, &clerk).await;
    let row = between(&page.body, &format!("id=\"target-{drawn}\""), "</tr>");
    assert!(row.contains("逾期公示") && row.contains("/public/proof/"), "{row}");
    assert!(!row.contains("<form"), "a published result cannot be changed: {row}");
    let public = app.get(&format!("/public/inspections/{commitment}"), "").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("发现问题已责令改正") && public.body.contains("139****5678"), "{}", public.body);
    assert!(!public.body.contains("13912345678"));
    let actions: Vec<String> =
        warehouse.store().audit_entries(0, 1000).await.unwrap().into_iter().map(|e| e.entry.action).collect();
    assert!(
        actions.iter().any(|a| a == "inspection.result") && actions.iter().any(|a| a == "inspection.publish"),
        "{actions:?}"
    );
}

/// Checks `value` against an OpenAPI schema: types, required properties, enums,
/// array items and `$ref`s into `components.schemas`. Returns what does not fit.
fn misfits(value: &serde_json::Value, schema: &serde_json::Value, doc: &serde_json::Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "{reference} is in the document");
        return misfits(value, target, doc, at);
    }
    let mut out = Vec::new();
    let types: Vec<&str> = match &schema["type"] {
        serde_json::Value::String(t) => vec![t.as_str()],
        serde_json::Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
        _ => vec![],
    };
    let kind = match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    };
    if !types.is_empty() && !types.contains(&kind) && !(kind == "integer" && types.contains(&"number")) {
        out.push(format!("{at}: {kind}, documented {types:?}"));
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        out.push(format!("{at}: {value} not in {values:?}"));
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        if value.get(required.as_str().unwrap()).is_none() {
            out.push(format!("{at}: no {required}"));
        }
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object()) {
        for (key, v) in object {
            match properties.get(key) {
                Some(s) => out.extend(misfits(v, s, doc, &format!("{at}.{key}"))),
                None => out.push(format!("{at}.{key}: not documented")),
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            out.extend(misfits(v, items, doc, &format!("{at}[{i}]")));
        }
    }
    out
}

/// The JSON API: tokens scoped like their users, pushes that import, reads of
/// warnings and clues, each answer as the OpenAPI document describes it, and a
/// document that lists exactly the API's routes.
#[tokio::test]
async fn the_api_answers_as_its_openapi_document_says() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("clerk", store::Role::Clerk), ("supervisor", store::Role::Supervisor)]).await;
    let store = warehouse.store();
    let mut tokens = std::collections::HashMap::new();
    for name in ["clerk", "supervisor", "handler"] {
        let user = store.user_by_name(name).await.unwrap().unwrap();
        let token = format!("qf_test_{name}");
        store.create_api_token(user.id, "system", &web::auth::token_hash(&token), 0).await.unwrap();
        tokens.insert(name, format!("Bearer {token}"));
    }
    let call = |method: &str, path: &str, token: Option<&str>, body: Vec<u8>| {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, t);
        }
        request.body(Body::from(body)).unwrap()
    };
    let doc_reply = app.send(call("GET", "/api/v1/openapi.json", None, vec![])).await;
    assert_eq!(doc_reply.status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&doc_reply.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.push((method.clone(), path.clone()));
            assert!(operation["responses"]["200"].is_object(), "{method} {path} documents its answer");
            if path != "/api/v1/openapi.json" {
                assert_eq!(operation["security"][0]["bearer"], serde_json::json!([]), "{method} {path} needs a token");
            }
        }
    }
    let mut routes: Vec<(String, String)> =
        web::api::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    documented.sort();
    routes.sort();
    assert_eq!(documented, routes, "the document lists exactly the API's routes");
    let schema_of = |path: &str, method: &str, status: u16| -> serde_json::Value {
        doc["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]["schema"].clone()
    };
    let check = |reply: &Reply, path: &str, method: &str| {
        let value: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let schema = schema_of(path, method, reply.status.as_u16());
        let schema = if schema.is_null() {
            doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"].clone()
        } else {
            schema
        };
        let wrong = misfits(&value, &schema, &doc, "$");
        assert!(wrong.is_empty(), "{method} {path} ({}): {wrong:?}\n{}", reply.status, reply.body);
    };

    // No token, a wrong token: 401, as JSON.
    let none = app.send(call("GET", "/api/v1/batches", None, vec![])).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    check(&none, "/api/v1/batches", "get");
    assert_eq!(
        app.send(call("GET", "/api/v1/batches", Some("Bearer qf_nope"), vec![])).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A department's system pushes files as its clerk.
    let clerk = Some(tokens["clerk"].as_str());
    let person = "身份证号,姓名\n11010519491231002X,王秀英\n".as_bytes().to_vec();
    let pushed = app.send(call("POST", "/api/v1/batches?name=person.csv", clerk, person.clone())).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.body);
    check(&pushed, "/api/v1/batches", "post");
    let again = app.send(call("POST", "/api/v1/batches?name=person.csv", clerk, person)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("\"outcome\":\"duplicate\""));
    let bad = "身份证号,姓名\n123,某\n".as_bytes().to_vec();
    let rejected = app.send(call("POST", "/api/v1/batches?name=p.csv&table=person", clerk, bad)).await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    check(&rejected, "/api/v1/batches", "post");
    let value: serde_json::Value = serde_json::from_str(&rejected.body).unwrap();
    assert_eq!((value["errors"][0]["row"].as_u64(), value["errors"][0]["value"].as_str()), (Some(2), Some("123")));
    // An OCDS file: a batch per table it fills, and the same file again changes nothing.
    let ocds = std::fs::read(docs_file("models/example-ocds/trading.jsonl")).unwrap();
    let pushed = app.send(call("POST", "/api/v1/batches?name=trading.jsonl", clerk, ocds.clone())).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.body);
    check(&pushed, "/api/v1/batches", "post");
    let value: serde_json::Value = serde_json::from_str(&pushed.body).unwrap();
    let tables: Vec<&str> =
        value["batches"].as_array().unwrap().iter().map(|b| b["batch"]["table"].as_str().unwrap()).collect();
    assert!(tables.contains(&"ocds_bid") && tables.contains(&"tender"), "{tables:?}");
    let again = app.send(call("POST", "/api/v1/batches?name=trading.jsonl", clerk, ocds)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    check(&again, "/api/v1/batches", "post");
    assert!(!again.body.contains("\"outcome\":\"accepted\""), "{}", again.body);
    let no_table = app.send(call("POST", "/api/v1/batches?name=p.csv&table=nope", clerk, vec![])).await;
    assert_eq!(no_table.status, StatusCode::BAD_REQUEST);
    let listed = app.send(call("GET", "/api/v1/batches", clerk, vec![])).await;
    check(&listed, "/api/v1/batches", "get");
    // A clerk's token reads no warnings.
    let refused = app.send(call("GET", "/api/v1/warnings", clerk, vec![])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    check(&refused, "/api/v1/warnings", "get");

    // Another system reads warnings and clues as a supervisor.
    let warning = with_an_m01_warning(&app).await;
    let supervisor = Some(tokens["supervisor"].as_str());
    let list = app.send(call("GET", "/api/v1/warnings?model=m01", supervisor, vec![])).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    check(&list, "/api/v1/warnings", "get");
    assert!(list.body.contains(&warning));
    let one = app.send(call("GET", &format!("/api/v1/warnings/{warning}"), supervisor, vec![])).await;
    check(&one, "/api/v1/warnings/{id}", "get");
    assert!(one.body.contains("\"evidence\""));
    let missing = app.send(call("GET", "/api/v1/warnings/none", supervisor, vec![])).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    check(&missing, "/api/v1/warnings/{id}", "get");
    let clue = store
        .create_clue(&store::NewClue {
            title: "API".into(),
            warnings: vec![warning.clone()],
            report: None,
            note: String::new(),
            by: store::Actor::new("supervisor", "supervisor"),
            at: "2026-11-29T10:00:00+08:00".into(),
        })
        .await
        .unwrap();
    let clues = app.send(call("GET", "/api/v1/clues", supervisor, vec![])).await;
    check(&clues, "/api/v1/clues", "get");
    let detail = app.send(call("GET", &format!("/api/v1/clues/{}", clue.code), supervisor, vec![])).await;
    check(&detail, "/api/v1/clues/{code}", "get");
    assert!(detail.body.contains(&warning));
    // A handler's token sees only its user's clues.
    let handler = Some(tokens["handler"].as_str());
    assert!(!app.send(call("GET", "/api/v1/clues", handler, vec![])).await.body.contains(&clue.code));
    let hidden = app.send(call("GET", &format!("/api/v1/clues/{}", clue.code), handler, vec![])).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // The relationship graph: the pushed person is there, alone; unknown IDs are 404.
    let person_id = "11010519491231002X";
    let around =
        app.send(call("GET", &format!("/api/v1/graph/neighbours/{person_id}?hops=2"), supervisor, vec![])).await;
    assert_eq!(around.status, StatusCode::OK, "{}", around.body);
    check(&around, "/api/v1/graph/neighbours/{id}", "get");
    assert!(around.body.contains("王秀英"));
    let nobody = app.send(call("GET", "/api/v1/graph/neighbours/110101199001011237", supervisor, vec![])).await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    check(&nobody, "/api/v1/graph/neighbours/{id}", "get");
    let bad_kind =
        app.send(call("GET", &format!("/api/v1/graph/neighbours/{person_id}?kind=nope"), supervisor, vec![])).await;
    assert_eq!(bad_kind.status, StatusCode::BAD_REQUEST);
    let itself =
        app.send(call("GET", &format!("/api/v1/graph/path?from={person_id}&to={person_id}"), supervisor, vec![])).await;
    assert_eq!(itself.status, StatusCode::OK, "{}", itself.body);
    check(&itself, "/api/v1/graph/path", "get");
    let no_path =
        app.send(call("GET", &format!("/api/v1/graph/path?from={person_id}&to=nobody"), supervisor, vec![])).await;
    assert_eq!(no_path.status, StatusCode::NOT_FOUND);
    check(&no_path, "/api/v1/graph/path", "get");
    assert_eq!(
        app.send(call("GET", &format!("/api/v1/graph/neighbours/{person_id}"), clerk, vec![])).await.status,
        StatusCode::FORBIDDEN
    );

    // Revoked, the token opens nothing; what the tokens did is in the audit trail.
    let user = store.user_by_name("supervisor").await.unwrap().unwrap();
    assert!(store.revoke_api_token(user.id, "system", 1).await.unwrap());
    assert_eq!(app.send(call("GET", "/api/v1/clues", supervisor, vec![])).await.status, StatusCode::UNAUTHORIZED);
    let trail: Vec<(String, String)> =
        store.audit_entries(0, 1000).await.unwrap().into_iter().map(|e| (e.entry.actor, e.entry.action)).collect();
    assert!(trail.contains(&("clerk".into(), "api.push".into())), "{trail:?}");
    assert!(trail.contains(&("supervisor".into(), "warning.view".into())), "{trail:?}");
    assert!(trail.contains(&("supervisor".into(), "clue.view".into())), "{trail:?}");
    assert!(trail.contains(&("supervisor".into(), "graph.view".into())), "{trail:?}");
}

/// A shareholder recorded with a mistyped ID number is joined to the person on
/// their profile, with its score and evidence; a supervisor says "not the same
/// person" there, and the link is gone, the decision listed; a second decision
/// on the pair must name the first.
#[tokio::test]
async fn a_profile_shows_a_resolved_mention_and_takes_a_reviewers_decision() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("supervisor", store::Role::Supervisor)]).await;
    let example = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/example");
    let options = warehouse::ImportOptions { user: "test".into(), ..Default::default() };
    for name in ["person.csv", "enterprise.csv", "enterprise_role.csv", "official.csv", "kinship.csv"] {
        warehouse.import(&example.join(name), &options, None).await.unwrap();
    }
    let extra = app.data.parent().unwrap().join("enterprise_role_extra.csv");
    // 王一 is 33109919500101102X; her check character mistyped.
    std::fs::write(
        &extra,
        "统一社会信用代码,姓名/名称,证件号/信用代码,角色,持股比例
91331099MA0000354K,王一,331099195001011020,股东,40
",
    )
    .unwrap();
    assert!(matches!(
        warehouse.import(&extra, &options, None).await.unwrap(),
        warehouse::ImportResult::Accepted { .. }
    ));
    let (cookie, csrf) = app.sign_in("supervisor", PASSWORD).await.map_err(|r| r.body).unwrap();
    let page = app.get("/profile/33109919500101102X", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let linked =
        page.body.split("id=\"profile-linked\"").nth(1).expect("a linked mention").split("</section>").next().unwrap();
    assert!(
        linked.contains("331099195001011020") && linked.contains("id_number typo (one edit, check failing)"),
        "{linked}"
    );
    let reference =
        linked.split("name=\"a\" value=\"").nth(1).unwrap().split('"').next().unwrap().replace("&#x2f;", "/");
    assert!(reference.starts_with("enterprise_role/"), "{reference}");
    // The row's own form posts the session's token and offers "not the same person".
    assert!(linked.contains(&format!("name=\"csrf\" value=\"{csrf}\"")), "{linked}");
    assert!(linked.contains("name=\"decision\" value=\"different\""), "{linked}");
    let decide = |decision: &'static str, replaces: String| {
        let (cookie, csrf, reference) = (cookie.clone(), csrf.clone(), reference.clone());
        let app = &app;
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("a", reference.as_str()),
                ("b", "33109919500101102X"),
                ("decision", decision),
                ("replaces", replaces.as_str()),
                ("back", "33109919500101102X"),
            ];
            app.post_form("/graph/decide", &cookie, &fields).await
        }
    };
    assert_eq!(decide("different", String::new()).await.status, StatusCode::SEE_OTHER);
    let page = app.get("/profile/33109919500101102X", &cookie).await;
    assert!(!page.body.contains("id=\"profile-linked\""), "the link is gone");
    assert!(page.body.contains("id=\"profile-decisions\"") && page.body.contains(">different<"));
    // An unknown edge kind is a bad request, named.
    let bad_kind = app.get("/graph/neighbours.json?from=33109919500101102X&kind=friend", &cookie).await;
    assert_eq!(bad_kind.status, StatusCode::BAD_REQUEST);
    assert!(bad_kind.body.contains("friend"), "{}", bad_kind.body);
    // A reference to no record is refused, saying why; nothing is stored.
    let fields = [
        ("csrf", csrf.as_str()),
        ("a", "enterprise_role/999/2/holder"),
        ("b", "33109919500101102X"),
        ("decision", "same"),
        ("back", "33109919500101102X"),
    ];
    let refused = app.post_form("/graph/decide", &cookie, &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("no such accepted batch"), "{}", refused.body);
    assert_eq!(warehouse.store().entity_decisions().await.unwrap().len(), 1);
    // Nobody overrides it without naming it.
    let again = decide("same", String::new()).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    let first = warehouse.store().entity_decisions().await.unwrap()[0].id;
    assert_eq!(decide("same", first.to_string()).await.status, StatusCode::SEE_OTHER);
    let page = app.get("/profile/33109919500101102X", &cookie).await;
    assert!(page.body.contains("id=\"profile-linked\""), "joined again by the reviewer");
}

/// A clue's disposal orders a unit to rectify; that unit's clerk sees the task —
/// not the clue — and reports it done; another unit's clerk sees nothing of it.
#[tokio::test]
async fn a_rectification_task_reaches_its_units_clerk_only() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let store = warehouse.store();
    for (name, unit) in [("clerk_a", "11331099MB0000001E"), ("clerk_b", "11331099MB0000002C")] {
        let user = store::NewUser {
            username: name.into(),
            display_name: name.into(),
            role: store::Role::Clerk,
            password_hash: web::auth::hash_password(PASSWORD).unwrap(),
            unit_code: Some(unit.into()),
        };
        store.create_user(&user, 0).await.unwrap();
    }
    let warning = with_an_m01_warning(&app).await;
    let admin = store::Actor::new("admin", "admin");
    let clue = store
        .create_clue(&store::NewClue {
            title: "王一死亡后仍领低保".into(),
            warnings: vec![warning],
            report: None,
            note: String::new(),
            by: admin.clone(),
            at: "2026-11-01T09:00:00+08:00".into(),
        })
        .await
        .unwrap();
    let steps = [
        store::Action::Assign { handler: "handler".into(), deadline: "2026-11-10".into() },
        store::Action::Start,
        store::Action::Verify { verdict: store::Verdict::True },
        store::Action::Dispose { form: store::Form::First, accountable: "村会计".into(), recovered_fen: 60_000 },
        store::Action::Rectify { unit: "11331099MB0000001E".into(), deadline: "2026-11-20".into() },
    ];
    for (i, step) in steps.iter().enumerate() {
        let note = if i == 4 { "完善低保资格复核制度，停发死亡人员待遇" } else { "" };
        store.act_on_clue(&clue.code, i as i64 + 1, step, &admin, note, "2026-11-02T09:00:00+08:00").await.unwrap();
    }
    let (clerk_a, csrf_a) = app.sign_in("clerk_a", PASSWORD).await.map_err(|r| r.body).unwrap();
    let tasks = app.get("/tasks", &clerk_a).await;
    assert_eq!(tasks.status, StatusCode::OK);
    let row = between(&tasks.body, &format!("id=\"task-{}\"", clue.code), "</tr>");
    assert!(row.contains("完善低保资格复核制度") && row.contains("class=\"overdue\""), "{row}");
    assert!(!tasks.body.contains("王一"), "the clerk sees the task, not the clue: {}", tasks.body);
    assert_eq!(app.get(&format!("/clues/{}", clue.code), &clerk_a).await.status, StatusCode::FORBIDDEN);

    let (clerk_b, csrf_b) = app.sign_in("clerk_b", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert!(!app.get("/tasks", &clerk_b).await.body.contains(&clue.code));
    let path = format!("/tasks/{}", clue.code);
    let forged = [("csrf", csrf_b.as_str()), ("version", "6"), ("note", "已整改")];
    assert_eq!(app.post_form(&path, &clerk_b, &forged).await.status, StatusCode::NOT_FOUND);

    let empty = [("csrf", csrf_a.as_str()), ("version", "6"), ("note", " ")];
    assert_eq!(app.post_form(&path, &clerk_a, &empty).await.status, StatusCode::BAD_REQUEST);
    let done = [("csrf", csrf_a.as_str()), ("version", "6"), ("note", "已修订复核制度并停发")];
    assert_eq!(app.post_form(&path, &clerk_a, &done).await.status, StatusCode::SEE_OTHER);
    let row = between(&app.get("/tasks", &clerk_a).await.body, &format!("id=\"task-{}\"", clue.code), "</tr>");
    assert!(row.contains("已整改，待销号") && !row.contains("<form"), "{row}");
    let (_, events) = store.clue_details(clue.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str(), last.note.as_str()),
        ("clerk_a", "rectified", "已修订复核制度并停发")
    );
    // The supervisor sees every unit's tasks, with the clue.
    let (admin_cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let all = app.get("/tasks", &admin_cookie).await;
    assert!(all.body.contains("王一死亡后仍领低保") && all.body.contains("11331099MB0000001E"), "{}", all.body);

    // The quarter's assessment: the task was reported after its deadline (0 of 1), the clue
    // verified before its own (1 of 1), nothing to publish (counts in full): 40 × 0 + 30 + 30.
    let page = app.get("/assessment?quarter=2026Q4", &admin_cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(between(&page.body, "id=\"formula\"", "</section>").contains("40 × 整改按时率"), "{}", page.body);
    let row = between(&page.body, "id=\"unit-11331099MB0000001E\"", "</tr>");
    assert!(row.contains("0.0%") && row.contains("100.0%") && row.contains("<strong>60.0</strong>"), "{row}");
    // Weights from qingfeng.toml: 40 × 0 + 50 × 1 + 30.
    std::fs::write(app.data.join("qingfeng.toml"), "[assessment]\nclues_on_time = 50\n").unwrap();
    let page = app.get("/assessment?quarter=2026Q4", &admin_cookie).await;
    assert!(
        between(&page.body, "id=\"unit-11331099MB0000001E\"", "</tr>").contains("<strong>80.0</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"print-report\""));
    assert!(app.get("/assessment?quarter=2026Q3", &admin_cookie).await.body.contains("本季度没有到期的考核事项"));
    assert_eq!(app.get("/assessment?quarter=2026Q9", &admin_cookie).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/assessment", &clerk_a).await.status, StatusCode::FORBIDDEN);
}

/// The security administrator makes an account (its password shown once), disables
/// it (its session ends), enables it and resets its password; the system
/// administrator may not; every change is audited.
#[tokio::test]
async fn the_security_administrator_manages_accounts() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("secadmin", store::Role::SecurityAdmin)]).await;
    let (sec, csrf) = app.sign_in("secadmin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let made = app
        .post_form(
            "/users",
            &sec,
            &[
                ("csrf", &csrf),
                ("username", "mz_clerk"),
                ("name", "民政报送员"),
                ("role", "clerk"),
                ("unit", "11331099MB0000001E"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let password = between(&made.body, "<code>", "</code>");
    assert_eq!(password.len(), 16);
    let user = warehouse.store().user_by_name("mz_clerk").await.unwrap().unwrap();
    assert_eq!((user.role, user.unit_code.as_deref()), (store::Role::Clerk, Some("11331099MB0000001E")));
    let (clerk, _) = app.sign_in("mz_clerk", &password).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get("/tasks", &clerk).await.status, StatusCode::OK);
    let again = app.post_form("/users", &sec, &[("csrf", &csrf), ("username", "mz_clerk"), ("role", "clerk")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad = app.post_form("/users", &sec, &[("csrf", &csrf), ("username", "../x"), ("role", "clerk")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let path = format!("/users/{}", user.id);
    assert_eq!(
        app.post_form(&path, &sec, &[("csrf", &csrf), ("action", "disable")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/tasks", &clerk).await.status, StatusCode::SEE_OTHER, "the session ended");
    assert!(app.sign_in("mz_clerk", &password).await.is_err(), "a disabled account cannot sign in");
    assert_eq!(
        app.post_form(&path, &sec, &[("csrf", &csrf), ("action", "enable")]).await.status,
        StatusCode::SEE_OTHER
    );
    let reset = app.post_form(&path, &sec, &[("csrf", &csrf), ("action", "reset")]).await;
    let new_password = between(&reset.body, "<code>", "</code>");
    assert_ne!(new_password, password);
    assert!(app.sign_in("mz_clerk", &password).await.is_err());
    assert!(app.sign_in("mz_clerk", &new_password).await.is_ok());
    let own = warehouse.store().user_by_name("secadmin").await.unwrap().unwrap();
    let own_path = format!("/users/{}", own.id);
    assert_eq!(
        app.post_form(&own_path, &sec, &[("csrf", &csrf), ("action", "disable")]).await.status,
        StatusCode::BAD_REQUEST
    );
    // 三员分立: the system administrator does not manage accounts.
    let (admin, admin_csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get("/users", &admin).await.status, StatusCode::FORBIDDEN);
    let forbidden = app.post_form(&path, &admin, &[("csrf", &admin_csrf), ("action", "disable")]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let actions: Vec<String> = warehouse
        .store()
        .audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entry.actor == "secadmin")
        .map(|e| e.entry.action)
        .collect();
    for expected in ["user.create", "user.disable", "user.enable", "user.reset_password"] {
        assert!(actions.iter().any(|a| a == expected), "{expected}: {actions:?}");
    }
}

/// A handler attaches a document to their clue: it is in the clue's history and
/// list, downloads byte for byte as an attachment (never shown inline), and is an
/// audited read; another handler finds nothing.
#[tokio::test]
async fn a_document_attached_to_a_clue() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    add_users(&warehouse, &[("other", store::Role::Handler)]).await;
    let store = warehouse.store();
    let warning = with_an_m01_warning(&app).await;
    let admin = store::Actor::new("admin", "admin");
    let clue = store
        .create_clue(&store::NewClue {
            title: "附件测试".into(),
            warnings: vec![warning],
            report: None,
            note: String::new(),
            by: admin.clone(),
            at: "2026-11-29T09:00:00+08:00".into(),
        })
        .await
        .unwrap();
    let assign = store::Action::Assign { handler: "handler".into(), deadline: "2026-12-31".into() };
    store.act_on_clue(&clue.code, 1, &assign, &admin, "", "2026-11-29T09:01:00+08:00").await.unwrap();
    let (handler, csrf) = app.sign_in("handler", PASSWORD).await.map_err(|r| r.body).unwrap();
    let content = "<script>alert(1)</script> 谈话笔录".as_bytes();
    let boundary = "----qingfengattach";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf.as_str()), ("version", "2"), ("note", "谈话笔录")] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../笔录.html\"\r\nContent-Type: text/html\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let path = format!("/clues/{}/attachments", clue.code);
    let request = Request::post(&path)
        .header(header::COOKIE, &handler)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = app.get(&format!("/clues/{}", clue.code), &handler).await;
    let listed = between(&page.body, "id=\"clue-attachments\"", "</section>");
    assert!(listed.contains("笔录.html") && !listed.contains("../"), "{listed}");
    assert!(between(&page.body, "id=\"clue-history\"", "</table>").contains("上传附件"));
    let sha = between(&listed, "attachments/", "\"");
    let download = app.get(&format!("{path}/{sha}"), &handler).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body.as_bytes(), content);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/octet-stream");
    assert!(download.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment;"));
    let (other, _) = app.sign_in("other", PASSWORD).await.map_err(|r| r.body).unwrap();
    assert_eq!(app.get(&format!("{path}/{sha}"), &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}/{}", "0".repeat(64)), &handler).await.status, StatusCode::NOT_FOUND);
    let trail = store.audit_entries(0, 1000).await.unwrap();
    assert!(trail.iter().any(|e| e.entry.action == "clue.attachment.view" && e.entry.actor == "handler"));
}

/// Two clues about the same matter: the supervisor merges one into the other; its
/// warnings join the other, it is closed with the merge in its history.
#[tokio::test]
async fn a_clue_merged_into_another() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let store = warehouse.store();
    let first = with_an_m01_warning(&app).await;
    let second = with_a_p01_warning(&warehouse, "ZB2025001", "采购", None).await;
    let admin = store::Actor::new("admin", "admin");
    let make = |w: &str, title: &str| store::NewClue {
        title: title.into(),
        warnings: vec![w.into()],
        report: None,
        note: String::new(),
        by: admin.clone(),
        at: "2026-11-29T09:00:00+08:00".into(),
    };
    let a = store.create_clue(&make(&first, "甲")).await.unwrap();
    let b = store.create_clue(&make(&second, "乙")).await.unwrap();
    let (handler, handler_csrf) = app.sign_in("handler", PASSWORD).await.map_err(|r| r.body).unwrap();
    let (cookie, csrf) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let path = format!("/clues/{}", b.code);
    assert!(app.get(&path, &cookie).await.body.contains("id=\"step-merge\""));
    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("version", "1".to_owned()),
            ("action", "merge".to_owned()),
            ("into", a.code.to_lowercase()),
        ]
    };
    let handler_fields = fields(&handler_csrf);
    let handler_fields: Vec<(&str, &str)> = handler_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&path, &handler, &handler_fields).await.status,
        StatusCode::NOT_FOUND,
        "not the handler's clue"
    );
    let admin_fields = fields(&csrf);
    let admin_fields: Vec<(&str, &str)> = admin_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let merged = app.post_form(&path, &cookie, &admin_fields).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    assert_eq!(merged.headers[header::LOCATION], format!("/clues/{}", a.code));
    let target = app.get(&format!("/clues/{}", a.code), &cookie).await;
    let listed = between(&target.body, "id=\"clue-warnings\"", "</ul>");
    assert!(listed.contains(&first) && listed.contains(&second), "{listed}");
    assert!(between(&target.body, "id=\"clue-history\"", "</table>").contains("并入线索"));
    let source = app.get(&path, &cookie).await;
    assert!(between(&source.body, "id=\"clue-history\"", "</table>").contains("并入其他线索"), "{}", source.body);
    assert!(!source.body.contains("id=\"step-merge\""), "a closed clue merges no more");
    let again = app.post_form(&path, &cookie, &admin_fields).await;
    assert_ne!(again.status, StatusCode::SEE_OTHER);

    // And split off again: the ticked warning becomes a clue of its own.
    let target_path = format!("/clues/{}", a.code);
    assert!(app.get(&target_path, &cookie).await.body.contains("id=\"step-split\""));
    let version = store.clue(&a.code).await.unwrap().unwrap().version.to_string();
    let split = app
        .post_form(
            &format!("{target_path}/split"),
            &cookie,
            &[("csrf", &csrf), ("version", &version), ("warning", &second), ("title", "乙（另案）")],
        )
        .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.body);
    let new_path = split.headers[header::LOCATION].to_str().unwrap().to_owned();
    let new_page = app.get(&new_path, &cookie).await;
    let listed = between(&new_page.body, "id=\"clue-warnings\"", "</ul>");
    assert!(listed.contains(&second) && !listed.contains(&first), "{listed}");
    let old_page = app.get(&target_path, &cookie).await;
    let listed = between(&old_page.body, "id=\"clue-warnings\"", "</ul>");
    assert!(listed.contains(&first) && !listed.contains(&second), "{listed}");
    assert!(between(&old_page.body, "id=\"clue-history\"", "</table>").contains("拆分出新线索"));
    let version = store.clue(&a.code).await.unwrap().unwrap().version.to_string();
    let all = app
        .post_form(
            &format!("{target_path}/split"),
            &cookie,
            &[("csrf", &csrf), ("version", &version), ("warning", &first)],
        )
        .await;
    assert_eq!(all.status, StatusCode::BAD_REQUEST, "a clue cannot be split into nothing: {}", all.body);
}

/// A supervisor scoped to a region sees its warnings and clues only — in the queue,
/// on pages, on the dashboard and through the API — and cannot reach others by
/// address or by asking for another region.
#[tokio::test]
async fn a_scoped_supervisor_sees_their_region_only() {
    let app = spawn_app().await;
    let warehouse = Warehouse::open(&app.data).await.unwrap();
    let store = warehouse.store();
    add_users(&warehouse, &[("town", store::Role::Supervisor)]).await;
    let town = store.user_by_name("town").await.unwrap().unwrap();
    let audit = store::NewAudit {
        at: "2026-11-29T09:00:00+08:00".into(),
        actor: "sec".into(),
        role: "security_admin".into(),
        address: None,
        action: "user.region".into(),
        object: "user:town".into(),
        detail: "{}".into(),
    };
    store.set_user_region(town.id, Some("331099001"), &audit).await.unwrap();
    let inside = with_an_m01_warning(&app).await; // region 331099001001
    let outside = with_a_p01_warning(&warehouse, "ZB2025009", "外镇采购", Some("331099002001")).await;
    let admin = store::Actor::new("admin", "admin");
    let make = |w: &str| store::NewClue {
        title: format!("clue {w}"),
        warnings: vec![w.into()],
        report: None,
        note: String::new(),
        by: admin.clone(),
        at: "2026-11-29T09:00:00+08:00".into(),
    };
    let own_clue = store.create_clue(&make(&inside)).await.unwrap();
    let other_clue = store.create_clue(&make(&outside)).await.unwrap();

    let (cookie, csrf) = app.sign_in("town", PASSWORD).await.map_err(|r| r.body).unwrap();
    let queue = app.get("/warnings", &cookie).await.body;
    assert!(queue.contains(&inside) && !queue.contains(&outside), "{queue}");
    let asked = app.get("/warnings?region=331099002", &cookie).await.body;
    assert!(!asked.contains(&outside), "another region's filter is narrowed to one's own");
    assert_eq!(app.get(&format!("/warnings/{outside}"), &cookie).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/warnings/{inside}"), &cookie).await.status, StatusCode::OK);
    let clues = app.get("/clues", &cookie).await.body;
    assert!(clues.contains(&own_clue.code) && !clues.contains(&other_clue.code), "{clues}");
    assert_eq!(app.get(&format!("/clues/{}", other_clue.code), &cookie).await.status, StatusCode::NOT_FOUND);
    let made = app.post_form("/clues", &cookie, &[("csrf", &csrf), ("warning", &outside), ("title", "x")]).await;
    assert_eq!(made.status, StatusCode::NOT_FOUND);
    let dashboard = app.get("/dashboard", &cookie).await.body;
    assert!(dashboard.contains("id=\"kpi-open\">1<") && dashboard.contains("id=\"kpi-clues\">1<"), "{dashboard}");
    // Pages that span every region are closed to a scoped account, and not offered.
    for path in ["/screens", "/reports", "/assessment", "/inspections", "/tenders/ZB2025009"] {
        assert_eq!(app.get(path, &cookie).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(!dashboard.contains("id=\"nav-screens\""));
    // The same through the API.
    store.create_api_token(town.id, "sync", &web::auth::token_hash("qf_town"), 0).await.unwrap();
    let api =
        |path: &str| Request::get(path).header(header::AUTHORIZATION, "Bearer qf_town").body(Body::empty()).unwrap();
    let list = app.send(api("/api/v1/warnings")).await.body;
    assert!(list.contains(&inside) && !list.contains(&outside), "{list}");
    assert_eq!(app.send(api(&format!("/api/v1/warnings/{outside}"))).await.status, StatusCode::NOT_FOUND);
    assert!(!app.send(api("/api/v1/clues")).await.body.contains(&other_clue.code));
    // An unscoped supervisor (admin) sees both.
    let (admin_cookie, _) = app.sign_in("admin", PASSWORD).await.map_err(|r| r.body).unwrap();
    let all = app.get("/warnings", &admin_cookie).await.body;
    assert!(all.contains(&inside) && all.contains(&outside));
}
