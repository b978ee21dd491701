//! `qingfeng token`: API tokens for machine clients. A token acts as a user
//! account — its role and unit scope it — and is shown once; the store keeps
//! only its SHA-256.

use anyhow::Context;
use warehouse::Warehouse;

/// An audit entry for a command-line action, by the login user.
pub fn audit(action: &str, object: String, detail: serde_json::Value) -> store::NewAudit {
    store::NewAudit {
        at: warehouse::china_now().to_rfc3339(),
        actor: std::env::var("QINGFENG_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "cli".into()),
        role: "cli".into(),
        address: None,
        action: action.into(),
        object,
        detail: detail.to_string(),
    }
}

async fn user(warehouse: &Warehouse, username: &str) -> anyhow::Result<store::User> {
    warehouse.store().user_by_name(username).await?.with_context(|| {
        format!(
            "没有用户{username}（先用 qingfeng user add 新建） / no user {username} (make one with qingfeng user add)"
        )
    })
}

pub async fn add(warehouse: &Warehouse, username: &str, label: &str) -> anyhow::Result<()> {
    let user = user(warehouse, username).await?;
    if label.trim().is_empty() || label.len() > 64 {
        anyhow::bail!("令牌名称须为1–64个字符 / a token's label is 1 to 64 characters");
    }
    let token = format!("qf_{}", web::auth::random_token().map_err(|e| anyhow::anyhow!("{e:?}"))?);
    let now = chrono::Utc::now().timestamp();
    warehouse.store().create_api_token(user.id, label, &web::auth::token_hash(&token), now).await.with_context(
        || format!("{username}已有名为{label}的令牌 / {username} has a token labelled {label} already"),
    )?;
    let entry = audit("token.create", format!("user:{username}"), serde_json::json!({ "label": label }));
    warehouse.store().audit_append(&entry).await?;
    println!(
        "已为{username}（{}）签发令牌{label} / token {label} issued for {username} ({})",
        user.role.as_str(),
        user.role.as_str()
    );
    println!("令牌 token (shown once): {token}");
    Ok(())
}

pub async fn list(warehouse: &Warehouse) -> anyhow::Result<()> {
    for (username, label, created, revoked) in warehouse.store().api_tokens().await? {
        let when = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339()).unwrap_or_default();
        let state = revoked.map(|r| format!("revoked {}", when(r))).unwrap_or_else(|| "live".into());
        println!("{username}\t{label}\t{}\t{state}", when(created));
    }
    Ok(())
}

pub async fn revoke(warehouse: &Warehouse, username: &str, label: &str) -> anyhow::Result<()> {
    let user = user(warehouse, username).await?;
    if !warehouse.store().revoke_api_token(user.id, label, chrono::Utc::now().timestamp()).await? {
        anyhow::bail!("{username}没有有效的令牌{label} / {username} has no live token labelled {label}");
    }
    let entry = audit("token.revoke", format!("user:{username}"), serde_json::json!({ "label": label }));
    warehouse.store().audit_append(&entry).await?;
    println!("已吊销 revoked: {username} {label}");
    Ok(())
}
