//! The web application in a real browser: headless Chromium over WebDriver.
//! Needs `chromium` and `chromedriver` (Debian packages), which `scripts/test`
//! installs; plain `cargo test` skips these (`--include-ignored` runs them).
//! A failing step saves a screenshot under the target directory.

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const PASSWORD: &str = "browser-test-password";

struct Browser {
    client: Client,
    driver: Child,
    base: String,
    _dir: tempfile::TempDir,
    files: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start() -> Browser {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let warehouse = Arc::new(warehouse::Warehouse::open(&data).await.unwrap());
    let user = store::NewUser {
        username: "admin".into(),
        display_name: "测试管理员".into(),
        role: store::Role::Admin,
        password_hash: web::auth::hash_password(PASSWORD).unwrap(),
        unit_code: None,
    };
    warehouse.store().create_user(&user, 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(web::serve(listener, web::AppState::new(warehouse, false)));

    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is not installed: run scripts/test, which installs chromium and chromium-driver");
    let profile = dir.path().join("chromium-profile");
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), serde_json::json!({ "args": args, "binary": chromium_binary() }));
    let mut client = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    Browser {
        client: client.expect("cannot start a Chromium session through chromedriver"),
        driver,
        base,
        _dir: dir,
        files,
    }
}

fn chromium_binary() -> &'static str {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("/usr/bin/chromium")
}

type Step = Result<(), Box<dyn std::error::Error>>;

impl Browser {
    async fn goto(&self, path: &str) -> Step {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    async fn text(&self, css: &str) -> Result<String, Box<dyn std::error::Error>> {
        let element = self.client.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css(css)).await?;
        Ok(element.text().await?)
    }

    /// Waits until the page's heading reads `expected` (navigation may still be under way).
    async fn wait_heading(&self, expected: &str) -> Step {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css("main h1")).await
                && let Ok(text) = element.text().await
            {
                if text == expected {
                    return Ok(());
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(format!("the heading stayed {last:?}, expected {expected:?}").into())
    }

    async fn sign_in(&self) -> Step {
        self.goto("/").await?;
        self.client.wait().for_element(Locator::Id("username")).await?.send_keys("admin").await?;
        self.client.find(Locator::Id("password")).await?.send_keys(PASSWORD).await?;
        self.client.find(Locator::Id("login-submit")).await?.click().await?;
        self.wait_heading("数据概览").await
    }

    async fn upload(&self, file: &Path) -> Result<String, Box<dyn std::error::Error>> {
        self.goto("/upload").await?;
        let input = self.client.wait().for_element(Locator::Id("file")).await?;
        input.send_keys(&file.display().to_string()).await?;
        self.client.find(Locator::Id("upload-submit")).await?.click().await?;
        self.text("#upload-result").await
    }

    /// Runs a scenario; on failure saves a screenshot and fails the test.
    async fn run(self, name: &str, scenario: impl AsyncFnOnce(&Browser) -> Step) {
        let outcome = scenario(&self).await;
        if let Err(error) = outcome {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let shot = dir.join(format!("{name}.png"));
            if let Ok(png) = self.client.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            let _ = self.client.clone().close().await;
            panic!("{name}: {error} (screenshot: {})", shot.display());
        }
        let _ = self.client.clone().close().await;
    }
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver (scripts/test installs them)"]
async fn sign_in_upload_and_switch_language() {
    let browser = start().await;
    browser
        .run("sign_in_upload_and_switch_language", async |b| {
            b.sign_in().await?;

            // A file with an error: the row is shown, nothing is stored.
            let bad = b.files.join("person.csv");
            std::fs::write(&bad, "身份证号,姓名\n11010519491231002X,王秀英\n1234,张伟\n")?;
            let result = b.upload(&bad).await?;
            if !result.contains("已拒收") {
                return Err(format!("expected a rejection, got {result:?}").into());
            }
            let row = b.text("#errors tbody tr").await?;
            if !(row.contains('3') && row.contains("1234") && row.contains("身份证号应为18位或15位")) {
                return Err(format!("error row: {row:?}").into());
            }

            // A good file: accepted and listed.
            let good = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
                .join("../../examples/county/fund_program.csv")
                .canonicalize()?;
            let result = b.upload(&good).await?;
            if !result.contains("已接收") {
                return Err(format!("expected acceptance, got {result:?}").into());
            }
            b.goto("/batches").await?;
            let listed = b.text("#batches").await?;
            if !listed.contains("fund_program.csv") || !listed.contains("已接收") {
                return Err(format!("batches: {listed:?}").into());
            }

            // Charts draw on the quality page.
            b.goto("/quality").await?;
            b.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("#rows-chart canvas")).await?;

            // English, and back.
            b.client.find(Locator::Id("lang-switch")).await?.click().await?;
            b.wait_heading("Data-quality report").await?;
            b.client.find(Locator::Id("lang-switch")).await?.click().await?;
            b.wait_heading("数据质量报告").await
        })
        .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver (scripts/test installs them)"]
async fn a_fifty_megabyte_upload_shows_progress_and_imports() {
    let browser = start().await;
    let file = browser.files.join("disbursement_2026-03.csv");
    let rows = write_disbursement(&file, 50 * 1024 * 1024);
    browser
        .run("a_fifty_megabyte_upload_shows_progress_and_imports", async |b| {
            b.sign_in().await?;
            let result = b.upload(&file).await?;
            if !result.contains("已接收") || !result.contains(&rows.to_string()) {
                return Err(format!("expected {rows} rows accepted, got {result:?}").into());
            }
            // The progress bar was driven by upload progress events up to 100 %.
            let value = b.client.execute("return document.getElementById('progress').value;", vec![]).await?;
            if value != serde_json::json!(100.0) && value != serde_json::json!(100) {
                return Err(format!("progress ended at {value}").into());
            }
            Ok(())
        })
        .await;
}

/// Writes a valid disbursement file of about `bytes` bytes; returns its rows.
fn write_disbursement(path: &Path, bytes: usize) -> usize {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let header = "记录号,项目代码,所属期,领取人身份证号,领取人姓名,发放金额\n";
    out.write_all(header.as_bytes()).unwrap();
    let mut written = header.len();
    let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    let mut rows = 0;
    while written < bytes {
        let id = domain::IdNumber::from_parts(
            "331023",
            birth + chrono::Duration::days((rows / 1000) as i64),
            (rows % 1000) as u16,
        )
        .unwrap();
        let line = format!("R{rows:09},DB01,2026-03,{id},王秀英,685.50\n");
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
        rows += 1;
    }
    out.flush().unwrap();
    rows
}

/// Saves a screenshot of every page with data, for people to look at
/// (under the target directory's `browser-screenshots/`); fails if a page errs.
#[tokio::test]
#[ignore = "needs chromium and chromedriver (scripts/test installs them)"]
async fn screenshots_of_every_page() {
    let browser = start().await;
    browser
        .run("screenshots_of_every_page", async |b| {
            b.sign_in().await?;
            let county = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
                .join("../../examples/county")
                .canonicalize()?;
            for name in [
                "fund_program.csv",
                "disbursement_2026Q1.csv",
                "person.csv",
                "official_vehicle.xlsx",
                "tender.csv",
                "bid.csv",
            ] {
                b.upload(&county.join(name)).await?;
            }
            let bad = b.files.join("enterprise.csv");
            std::fs::write(
                &bad,
                "统一社会信用代码,名称,成立日期\n91110000802100433B,<b>某公司</b>,2026-02-30\n123,某某,2020-01-01\n",
            )?;
            b.upload(&bad).await?;
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("page-upload-result.png"), b.client.screenshot().await?)?;
            // An OCDS file with a line that is not JSON: a result per table and the bad line.
            let ocds = b.files.join("trading.jsonl");
            let text = std::fs::read_to_string(county.join("../../docs/models/example-ocds/trading.jsonl"))?;
            let lines: Vec<&str> = text.lines().take(4).collect();
            std::fs::write(&ocds, format!("{}\n{{\"ocid\": \n{}\n", lines[..2].join("\n"), lines[2..].join("\n")))?;
            let result = b.upload(&ocds).await?;
            if !(result.contains("4 个交易过程") && result.contains("不是有效的JSON")) {
                return Err(format!("the OCDS upload's result: {result}").into());
            }
            std::fs::write(dir.join("page-upload-ocds.png"), b.client.screenshot().await?)?;
            for (path, name) in [
                ("/", "overview"),
                ("/batches", "batches"),
                ("/quality", "quality"),
                ("/warnings", "warnings"),
                ("/models", "models"),
                ("/screens", "screens"),
                ("/tenders/TT2026-001", "tender"),
                ("/bidders/91331023MA2A00017T", "bidder"),
                ("/groups/91331023MA2A00017T,91331023MA2A00025M", "group"),
                ("/profile/91331023MA2A00017T", "profile"),
                ("/dashboard", "dashboard"),
                ("/clues", "clues"),
                ("/reports", "reports"),
            ] {
                b.goto(path).await?;
                b.client.wait().for_element(Locator::Css("main h1")).await?;
                tokio::time::sleep(Duration::from_millis(800)).await;
                std::fs::write(dir.join(format!("page-{name}.png")), b.client.screenshot().await?)?;
            }
            b.goto("/login").await?;
            Ok(())
        })
        .await;
}

/// A profile's graph in a real browser: it draws, a path to a co-bidder is
/// found and named, filtering by edge kind redraws, and the chart exports a PNG.
#[tokio::test]
#[ignore = "needs chromium and chromedriver (scripts/test installs them)"]
async fn a_profile_graph_draws_finds_a_path_and_exports() {
    let browser = start().await;
    browser
        .run("a_profile_graph_draws_finds_a_path_and_exports", async |b| {
            b.sign_in().await?;
            let county = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test")).join("../../examples/county").canonicalize()?;
            for name in ["tender.csv", "bid.csv"] {
                b.upload(&county.join(name)).await?;
            }
            b.goto("/profile/91331023MA2A00017T").await?;
            b.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("#profile-graph canvas")).await?;
            // The two firms bid together (and share an IP): a path joins them.
            let to = b.client.find(Locator::Id("graph-path-to")).await?;
            to.send_keys("91331023MA2A00025M").await?;
            b.client.find(Locator::Css("#graph-path-form button[type=submit]")).await?.click().await?;
            let mut result = String::new();
            for _ in 0..50 {
                result = b.client.find(Locator::Id("graph-path-result")).await?.text().await?;
                if result.contains('→') {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            if !(result.contains("天台县宏达建筑工程有限公司") && result.contains("天台县鑫源建材有限公司")) {
                return Err(format!("path: {result:?}").into());
            }
            // Untick "bid": the chart redraws with fewer links.
            let links = "return echarts.getInstanceByDom(document.getElementById('profile-graph')).getOption().series[0].links.length";
            let before = b.client.execute(links, vec![]).await?.as_u64().unwrap_or(0);
            b.client.find(Locator::Css("input.edge-kind[value=bid]")).await?.click().await?;
            let after = b.client.execute(links, vec![]).await?.as_u64().unwrap_or(0);
            if after >= before {
                return Err(format!("links before {before}, after unticking bid {after}").into());
            }
            let png = "return echarts.getInstanceByDom(document.getElementById('profile-graph')).getDataURL({type: 'png'})";
            let url = b.client.execute(png, vec![]).await?;
            if !url.as_str().unwrap_or("").starts_with("data:image/png;base64,") {
                return Err(format!("export: {url:?}").into());
            }
            Ok(())
        })
        .await;
}
