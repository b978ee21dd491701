//! Helpers shared by the integration tests that talk to `qingfeng serve` over HTTP.
#![allow(dead_code)]

pub fn http(port: u16, request: &[u8]) -> (String, String) {
    try_http(port, request).expect("the server answers")
}

/// One request on its own connection: the head and body of the reply, or `None`
/// when the server is gone or went away mid-reply.
pub fn try_http(port: u16, request: &[u8]) -> Option<(String, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.write_all(request).ok()?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).ok()?;
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let (head, body) = reply.split_once("\r\n\r\n")?;
    Some((head.to_owned(), body.to_owned()))
}

/// A form POST with a session cookie.
pub fn post_form(port: u16, path: &str, session: &str, form: &str) -> Option<(String, String)> {
    try_http(
        port,
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {session}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
}

pub fn get(port: u16, path: &str, session: &str) -> Option<(String, String)> {
    try_http(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {session}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Signs in and returns the session cookie (`qf_session=…`).
pub fn sign_in(port: u16, user: &str, password: &str) -> String {
    let (head, body) = get(port, "/login", "").expect("login page");
    let login_cookie = cookie(&head, "qf_login_csrf");
    let form = format!("username={user}&password={password}&csrf={}&next=/", csrf_field(&body));
    let (head, _) = post_form(port, "/login", &format!("qf_login_csrf={login_cookie}"), &form).expect("login");
    format!("qf_session={}", cookie(&head, "qf_session"))
}

/// `qingfeng serve` on a free port, killed (SIGKILL) when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Server {
    pub fn start(mut command: std::process::Command) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = command
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn cookie(head: &str, name: &str) -> String {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

pub fn csrf_field(body: &str) -> String {
    body.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_owned()
}
