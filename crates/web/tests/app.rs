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
    let county = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/county");
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
