//! The clue workflow under `qingfeng serve`: killing the server (SIGKILL) while
//! people act on clues loses no step it acknowledged and leaves no half-made one,
//! in the clues or in the audit trail.

use common::{Server, csrf_field, get, post_form, sign_in};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

mod common;

fn qingfeng(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    command.env_remove("QINGFENG_DATA").env("QINGFENG_USER", "tester").arg("--data").arg(data);
    command
}

fn example() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test")).join("../../docs/models/example")
}

/// The version a clue page shows (the hidden field of its forms).
fn version(page: &str) -> Option<String> {
    page.split("name=\"version\" value=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned)
}

#[test]
fn sigkill_mid_transition_loses_nothing_and_leaves_nothing_half_made() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let imported = qingfeng(&data).arg("import").arg(example()).output().unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let mut add = qingfeng(&data)
        .args(["user", "add", "admin", "--role", "admin", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(add.stdin.as_mut().unwrap(), b"kill-test-pw\n").unwrap();
    assert!(add.wait().unwrap().success());
    let out = qingfeng(&data).args(["warnings", "--format", "json"]).output().unwrap();
    let warnings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> =
        warnings.as_array().unwrap().iter().take(6).map(|w| w["id"].as_str().unwrap().to_owned()).collect();

    let mut server = Server::start(qingfeng(&data));
    let port = server.port;
    let session = sign_in(port, "admin", "kill-test-pw");
    let (_, overview) = get(port, "/", &session).unwrap();
    let csrf = csrf_field(&overview);
    let mut codes = Vec::new();
    for id in &ids {
        let (head, _) =
            post_form(port, "/clues", &session, &format!("csrf={csrf}&warning={id}&title=t&note=")).unwrap();
        let location = head.lines().find_map(|l| l.strip_prefix("location: ")).expect("made").to_owned();
        codes.push(location.trim_start_matches("/clues/").to_owned());
    }

    // Four people comment on the clues as fast as they can; each acknowledged step is noted.
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, i64)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (codes, session, csrf) = (codes.clone(), session.clone(), csrf.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let code = &codes[(n + w) % codes.len()];
                    n += 1;
                    let Some((_, page)) = get(port, &format!("/clues/{code}"), &session) else { break };
                    let Some(v) = version(&page) else { continue };
                    let form = format!("csrf={csrf}&version={v}&action=comment&note=w{w}n{n}");
                    match post_form(port, &format!("/clues/{code}"), &session, &form) {
                        Some((head, _)) if head.starts_with("HTTP/1.1 303") => {
                            acknowledged.lock().unwrap().push((code.clone(), v.parse::<i64>().unwrap() + 1));
                        }
                        Some(_) => {} // a conflict with another worker: fine
                        None => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    server.child.kill().unwrap(); // SIGKILL on Unix
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 10, "the workers got going: {} steps", acknowledged.len());

    // Straight from the store: every clue's version is its number of recorded steps (a
    // step is its update and its event, or neither), and every acknowledged step is there.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = store::SqliteStore::open(&data.join("state.db")).await.unwrap();
        use store::StateStore;
        for code in &codes {
            let clue = store.clue(code).await.unwrap().unwrap();
            let (_, events) = store.clue_details(clue.id).await.unwrap();
            assert_eq!(clue.version, events.len() as i64, "{code}: version and history agree");
            for (c, v) in acknowledged.iter().filter(|(c, _)| c == code) {
                assert!(clue.version >= *v, "{c}: acknowledged version {v} lost (now {})", clue.version);
            }
        }
        store.close().await;
    });
    // The audit trail (sign-in, clues made, every acknowledged step and view) still verifies.
    let verified = qingfeng(&data).args(["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{text}");
    assert!(text.contains("审计日志完整"), "{text}");
    // And the server starts again on the same data.
    let again = Server::start(qingfeng(&data));
    let session = sign_in(again.port, "admin", "kill-test-pw");
    let (head, page) = get(again.port, &format!("/clues/{}", codes[0]), &session).unwrap();
    assert!(head.starts_with("HTTP/1.1 200") && page.contains("id=\"clue-history\""), "{head}");
}
