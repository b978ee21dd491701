//! Sign-in: argon2id password hashes, server-side sessions behind an HttpOnly
//! cookie, CSRF tokens on every state-changing request, login throttling.

use crate::{AppError, AppState};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use store::{Role, Session, User};

pub const SESSION_COOKIE: &str = "qf_session";
pub const LOGIN_CSRF_COOKIE: &str = "qf_login_csrf";
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// Failed sign-ins allowed per user name, and per source address, in the window.
pub const MAX_FAILURES_PER_USER: u64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u64 = 20;
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// 32 random bytes as hex, for session and CSRF tokens.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with argon2id (the crate's defaults follow OWASP's advice).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request came over TLS (directly or through a proxy that says so):
/// then cookies get `Secure`.
pub fn is_https(headers: &HeaderMap, always_secure: bool) -> bool {
    always_secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
}

/// The signed-in user of a request; extracting it fails (to the sign-in page)
/// without a valid session.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub session: Session,
    /// Where the request came from, for the audit trail.
    pub address: Option<std::net::IpAddr>,
}

/// Who may use the supervision pages: warnings, trading, conduct (docs/authorization.md).
pub const SUPERVISION: &[Role] = &[Role::Admin, Role::Supervisor];
/// Who may see the data register: batches, quality, error reports.
pub const DATA: &[Role] = &[Role::Admin, Role::Supervisor, Role::Clerk];
/// Who reads the audit trail: the security auditor alone (三员分立).
pub const AUDIT: &[Role] = &[Role::Auditor];

impl CurrentUser {
    /// Refuses the request unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.user.role) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Checks the CSRF token sent with a state-changing request.
    /// Pages that span every region (trading, conduct, citizens' reports, inspections, the
    /// assessment) are closed to an account scoped to a region, rather than shown unscoped.
    pub fn require_unscoped(&self) -> Result<(), AppError> {
        if self.user.region_code.is_some() { Err(AppError::Forbidden) } else { Ok(()) }
    }

    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        match sent {
            Some(token) if same_secret(token, &self.session.csrf_token) => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }
}

/// The region filter a scoped user may ask for: theirs, or a part of it; others are narrowed to theirs.
pub fn scope_region(user: &store::User, requested: Option<String>) -> Option<String> {
    match (&user.region_code, requested) {
        (None, requested) => requested,
        (Some(scope), Some(r)) if r.starts_with(scope.as_str()) => Some(r),
        (Some(scope), _) => Some(scope.clone()),
    }
}

/// Whether a clue is within the user's region: one of its warnings is (a clue of a
/// citizen's report alone has no region, and is within only an unscoped user's).
pub async fn sees_clue(state: &AppState, user: &store::User, clue: &store::ClueRecord) -> Result<bool, AppError> {
    if user.region_code.is_none() {
        return Ok(true);
    }
    let store = state.warehouse.store();
    let (warnings, _) = store.clue_details(clue.id).await?;
    for id in warnings {
        if let Some(w) = store.warning(&id).await?
            && user.sees_region(w.region_code.as_deref())
        {
            return Ok(true);
        }
    }
    Ok(false)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        let unauthorized = || AppError::SignIn { next: next.clone() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(unauthorized)?;
        let found = state.warehouse.store().session(&token_hash(token), now()).await?;
        let (session, user) = found.ok_or_else(unauthorized)?;
        let address = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(CurrentUser { user, session, address })
    }
}

/// Keys under which failed sign-ins are counted.
pub fn failure_keys(username: &str, address: Option<std::net::IpAddr>) -> (String, Option<String>) {
    (format!("user:{}", username.to_lowercase()), address.map(|a| format!("addr:{a}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("正确的密码").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn cookies_and_secrets() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, "a=1; qf_session=abc; lang=en".parse().unwrap());
        assert_eq!(cookie(&headers, "qf_session"), Some("abc"));
        assert_eq!(cookie(&headers, "lang"), Some("en"));
        assert_eq!(cookie(&headers, "none"), None);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
