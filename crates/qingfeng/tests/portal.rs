//! The public portal over a demo county: a crawl of every public page and
//! response finds no identifier in full; and the tamper drill: a flipped byte
//! in any stored ledger entry, checkpoint or batch file is found and named.

mod common;

use common::{Server, get};
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

fn qingfeng(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    c.arg("--data").arg(data).env("QINGFENG_USER", "tester");
    c
}

fn ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// A demo county imported, a draw planned from its directories, run, two results
/// published (one whose findings name a person by ID number and phone), and
/// notices published (with an ID number in the text) and one withdrawn.
fn demo(dir: &Path) -> (PathBuf, PathBuf) {
    let files = dir.join("county");
    let data = dir.join("data");
    ok(qingfeng(&data).args(["synth", "--scale", "0.1", "--seed", "11", "--out"]).arg(&files));
    ok(qingfeng(&data).arg("import").arg(&files));
    let plan = dir.join("plan.json");
    let text = ok(qingfeng(&data).args([
        "draw",
        "plan",
        "--item",
        "SJ-001",
        "--title",
        "2026年第四季度食品经营者监督检查",
        "--rate",
        "A=100",
        "--rate",
        "B=100",
        "--rate",
        "C=200",
        "--rate",
        "D=500",
        "--commitment",
        &sha256_hex("secret-one"),
        "--commitment",
        &sha256_hex("secret-two"),
    ]));
    std::fs::write(&plan, text).unwrap();
    ok(qingfeng(&data).arg("draw").arg("commit").arg(&plan));
    let result: serde_json::Value = serde_json::from_str(&ok(qingfeng(&data)
        .arg("draw")
        .arg("run")
        .arg(&plan)
        .args(["--reveal", "secret-one", "--reveal", "secret-two"])))
    .unwrap();
    let commitment = result["plan_commitment"].as_str().unwrap()[..12].to_owned();
    let targets: Vec<&str> =
        result["selections"].as_array().unwrap().iter().map(|s| s["target"].as_str().unwrap()).collect();
    ok(qingfeng(&data).args([
        "draw",
        "result",
        &commitment,
        targets[0],
        "--checked",
        "2026-11-16",
        "--outcome",
        "no_problem",
    ]));
    ok(qingfeng(&data).args([
        "draw",
        "result",
        &commitment,
        targets[1],
        "--checked",
        "2026-11-17",
        "--outcome",
        "发现问题已责令改正",
        "--findings",
        "负责人张某（身份证330122197001011234，电话13912345678）未按规定公示年报，已责令改正",
    ]));
    ok(qingfeng(&data).args(["draw", "publish", &commitment]));
    let notice = dir.join("notice.txt");
    std::fs::write(
        &notice,
        "村主任王某某（330122197001011234）优亲厚友，账户6217331099000000000099收取好处，已给予党内警告处分。",
    )
    .unwrap();
    for title in ["关于某村优亲厚友问题的通报", "已撤回的通报"] {
        ok(qingfeng(&data).args(["notice", "publish", "--title", title, "--text"]).arg(&notice));
    }
    let checkpoint = ok(qingfeng(&data).args(["ledger", "checkpoint"]));
    let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
    ok(qingfeng(&data).args(["notice", "withdraw", &(size - 1).to_string(), "--reason", "依法撤回"]));
    (data, files)
}

/// Every ID number (valid check digit), phone and account number in the demo's files.
fn identifiers(files: &Path) -> HashSet<String> {
    let mut found = HashSet::new();
    for entry in std::fs::read_dir(files).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        for row in reader.records() {
            for (header, value) in headers.iter().zip(row.unwrap().iter()) {
                let sensitive_column = ["账号", "账户", "电话"].iter().any(|k| header.contains(k));
                if domain::IdNumber::parse(value).is_ok() || (sensitive_column && value.len() >= 7) {
                    found.insert(value.to_owned());
                }
            }
        }
    }
    found
}

/// What on a page looks like an identifier in full: a known one, an ID number
/// with a valid check digit, or a mobile number.
fn leaks(body: &str, known: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || matches!(chars[i], 'X' | 'x')) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        // Inside a longer token (a hash in hex, a credit code) digits are not an identifier.
        let alone = (start == 0 || !chars[start - 1].is_ascii_alphanumeric())
            && chars.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
        let mobile = run.len() == 11 && run.starts_with('1') && run.chars().all(|c| c.is_ascii_digit());
        if known.contains(&run) || (alone && (domain::IdNumber::parse(&run).is_ok() || mobile)) {
            out.push(run);
        }
    }
    out
}

fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for piece in body.split(attr).skip(1) {
            let link = piece.split('"').next().unwrap_or("").replace("&amp;", "&");
            if link.starts_with('/') && !link.starts_with("//") {
                out.push(link);
            }
        }
    }
    // The fund lookup's villages, as a citizen would choose them.
    if let Some(select) = body.split("name=\"village\"").nth(1).and_then(|s| s.split("</select>").next()) {
        for option in select.split("value=\"").skip(1) {
            let v = option.split('"').next().unwrap_or("");
            if !v.is_empty() {
                out.push(format!("/public/funds?village={v}"));
            }
        }
    }
    out
}

/// Crawls the public site from its entry points and every ledger entry's proof;
/// fails on any page that is not there or that shows an identifier in full.
/// Returns the pages crawled and the fund rows seen.
fn crawl(port: u16, ledger_size: u64, known: &HashSet<String>) -> (BTreeSet<String>, usize) {
    let public = |p: &str| {
        ["/public", "/ledger/", "/report", "/login", "/assets/"].iter().any(|prefix| p.starts_with(prefix))
            && !p.starts_with("/ledger/tile")
    };
    let mut queue: VecDeque<String> =
        ["/public", "/report", "/login", "/ledger/checkpoint", "/ledger/key"].iter().map(|s| s.to_string()).collect();
    // Every entry's proof: the record of each is public.
    queue.extend((0..ledger_size).map(|i| format!("/public/proof/{i}")));
    let mut seen = BTreeSet::new();
    let mut fund_rows = 0;
    while let Some(path) = queue.pop_front() {
        if !public(&path) || !seen.insert(path.clone()) {
            continue;
        }
        assert!(seen.len() < 5_000, "the crawl does not end");
        let (head, body) = get(port, &path, "").unwrap_or_else(|| panic!("{path} answers"));
        // A withdrawn notice's proof is gone (410); everything else is there.
        let gone = path.starts_with("/public/proof/") && head.starts_with("HTTP/1.1 410");
        assert!(head.starts_with("HTTP/1.1 200") || gone, "{path}: {head}");
        let found = leaks(&body, known);
        assert!(found.is_empty(), "{path} shows identifiers in full: {found:?}");
        fund_rows += body.matches("<td><code>").count() * usize::from(path.starts_with("/public/funds?"));
        queue.extend(links(&body));
    }
    for expected in ["/public/funds", "/public/awards", "/public/inspections", "/public/notices"] {
        assert!(seen.contains(expected), "{expected} crawled");
    }
    assert!(seen.iter().any(|p| p.ends_with("/result.json")), "the draw's files crawled");
    assert!(fund_rows > 100, "fund rows were shown, masked: {fund_rows}");
    (seen, fund_rows)
}

fn ledger_size(data: &Path) -> u64 {
    ok(qingfeng(data).args(["ledger", "checkpoint"])).lines().nth(1).unwrap().parse().unwrap()
}

#[test]
fn no_public_page_shows_an_identifier_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let (data, files) = demo(dir.path());
    let known = identifiers(&files);
    assert!(known.len() > 100, "the demo has identifiers to leak: {}", known.len());
    let server = Server::start(qingfeng(&data));
    let (pages, _) = crawl(server.port, ledger_size(&data), &known);
    // What was masked is there, masked: the findings, the notice.
    let draw = pages.iter().find(|p| p.starts_with("/public/inspections/") && p.matches('/').count() == 3).unwrap();
    let (_, body) = get(server.port, draw, "").unwrap();
    assert!(body.contains("330122********1234") && body.contains("139****5678"), "{body}");
    let (_, body) = get(server.port, "/public/notices", "").unwrap();
    assert!(body.contains("******************0099"), "{body}");
    assert!(body.contains("本通报已依法撤回"), "{body}");
    let withdrawn = ledger_size(&data) - 2;
    let (head, body) = get(server.port, &format!("/public/proof/{withdrawn}"), "").unwrap();
    assert!(head.starts_with("HTTP/1.1 410") && body.contains("withdrawn_by"), "{head}\n{body}");
}

/// `qingfeng demo` itself, as a newcomer runs it: its portal has a draw with
/// results and a notice, and shows nothing in full.
#[test]
fn the_demo_portal_shows_no_identifier_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = qingfeng(&data)
        .args(["demo", "--scale", "0.1", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 300, "the demo serves within five minutes");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let known = identifiers(&data.join("demo-county"));
    let (pages, _) = crawl(server.port, ledger_size(&data), &known);
    assert!(pages.iter().any(|p| p.starts_with("/public/inspections/") && p.matches('/').count() == 3));
    let (_, notices) = get(server.port, "/public/notices", "").unwrap();
    assert!(notices.contains("【演示】"), "{notices}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flipped_byte_of_the_ledger_is_found_and_named() {
    use sqlx::Row;
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo(dir.path());
    let warehouse = warehouse::Warehouse::open(&data).await.unwrap();
    let key = [warehouse.ledger_signer().unwrap().verifier()];
    let audit = warehouse.audit_ledger(&key).await.unwrap();
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);
    assert!(audit.draws == 1 && audit.batch_files > 20 && audit.entries > 25, "{audit:?}");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("state.db").display())).await.unwrap();

    // Each entry: its record at its first, middle and last byte, its salt, its leaf hash.
    let rows = sqlx::query("SELECT idx, kind, record, salt, leaf_hash FROM ledger_entry ORDER BY idx")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut drills = 0;
    for row in &rows {
        let (idx, kind): (i64, String) = (row.get("idx"), row.get("kind"));
        let named = format!("ledger entry {idx} ({kind})");
        let record: String = row.get("record");
        let salt: String = row.get("salt");
        let leaf: Vec<u8> = row.get("leaf_hash");
        let mut flips: Vec<(&str, sqlx::sqlite::SqliteArguments)> = Vec::new();
        for at in [0, record.len() / 2, record.len() - 1] {
            let mut bytes = record.clone().into_bytes();
            bytes[at] ^= 0x01;
            if let Ok(altered) = String::from_utf8(bytes) {
                let mut args = sqlx::sqlite::SqliteArguments::default();
                sqlx::Arguments::add(&mut args, altered).unwrap();
                flips.push(("UPDATE ledger_entry SET record = $1 WHERE idx = $2", args));
            }
        }
        let mut altered_salt = salt.clone().into_bytes();
        altered_salt[5] = if altered_salt[5] == b'0' { b'1' } else { b'0' };
        let mut args = sqlx::sqlite::SqliteArguments::default();
        sqlx::Arguments::add(&mut args, String::from_utf8(altered_salt).unwrap()).unwrap();
        flips.push(("UPDATE ledger_entry SET salt = $1 WHERE idx = $2", args));
        let mut altered_leaf = leaf.clone();
        altered_leaf[31] ^= 0x80;
        let mut args = sqlx::sqlite::SqliteArguments::default();
        sqlx::Arguments::add(&mut args, altered_leaf).unwrap();
        flips.push(("UPDATE ledger_entry SET leaf_hash = $1 WHERE idx = $2", args));
        for (sql, mut args) in flips {
            sqlx::Arguments::add(&mut args, idx).unwrap();
            sqlx::query_with(sql, args).execute(&pool).await.unwrap();
            let audit = warehouse.audit_ledger(&key).await.unwrap();
            assert!(audit.findings.iter().any(|f| f.contains(&named)), "{sql} of {named}: {:?}", audit.findings);
            sqlx::query("UPDATE ledger_entry SET record = $1, salt = $2, leaf_hash = $3 WHERE idx = $4")
                .bind(&record)
                .bind(&salt)
                .bind(&leaf)
                .bind(idx)
                .execute(&pool)
                .await
                .unwrap();
            drills += 1;
        }
    }
    // Each checkpoint: a byte of its body and of its signature.
    let checkpoints =
        sqlx::query("SELECT size, note FROM ledger_checkpoint ORDER BY size").fetch_all(&pool).await.unwrap();
    for row in &checkpoints {
        let (size, note): (i64, String) = (row.get("size"), row.get("note"));
        for at in [note.find('\n').unwrap() + 2, note.len() - 3] {
            let mut bytes = note.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            sqlx::query("UPDATE ledger_checkpoint SET note = $1 WHERE size = $2")
                .bind(&altered)
                .bind(size)
                .execute(&pool)
                .await
                .unwrap();
            let audit = warehouse.audit_ledger(&key).await.unwrap();
            let named = format!("the checkpoint of size {size}");
            assert!(audit.findings.iter().any(|f| f.contains(&named)), "{named} at byte {at}: {:?}", audit.findings);
            sqlx::query("UPDATE ledger_checkpoint SET note = $1 WHERE size = $2")
                .bind(&note)
                .bind(size)
                .execute(&pool)
                .await
                .unwrap();
            drills += 1;
        }
    }
    // Each batch file: one byte in the middle.
    for batch in warehouse.batches().await.unwrap().iter().filter(|b| b.data_path.is_some()) {
        let path = data.join(batch.data_path.as_deref().unwrap());
        let original = std::fs::read(&path).unwrap();
        let mut bytes = original.clone();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let audit = warehouse.audit_ledger(&key).await.unwrap();
        let named = format!("batch {}: its data file", batch.id);
        assert!(audit.findings.iter().any(|f| f.contains(&named)), "{named}: {:?}", audit.findings);
        std::fs::write(&path, &original).unwrap();
        drills += 1;
    }
    assert!(drills > 150, "{drills} drills");
    // After the drill everything is back, and the command line says so; one last
    // flip left in place, and it exits 4 naming it.
    let out = qingfeng(&data).args(["ledger", "audit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    sqlx::query("UPDATE ledger_entry SET record = replace(record, '\"outcome\":\"no_problem\"', '\"outcome\":\"corrected\"') WHERE kind = 'inspection_result'")
        .execute(&pool)
        .await
        .unwrap();
    let out = qingfeng(&data).args(["ledger", "audit"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("(inspection_result): its record, salt or leaf hash was altered"), "{text}");
}
