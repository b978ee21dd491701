//! Public-resource trading (公共资源交易) pages: a tender (its bids with every
//! identifier two bidders share highlighted, its screens, its warnings), a
//! bidder (its bids and wins, its co-bidders as a graph and a timeline, its
//! warnings), and the tenders ranked by collusion score.

use crate::auth::CurrentUser;
use crate::i18n::{self, Lang};
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::response::Html;
use minijinja::{Value, context};
use models::trading::{Screens, screens};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use store::{WarningFilter, WarningRecord};
use warehouse::SourceRecord;

fn get<'a>(r: &'a SourceRecord, key: &str) -> &'a str {
    r.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// The bid columns that P05 compares, in table order.
const IDENTIFIERS: [&str; 7] = ["ip", "mac", "device_id", "file_hash", "bond_account", "contact_phone", "contact_id"];

/// An identifier as P05 compares it.
fn normalized(column: &str, value: &str) -> String {
    match column {
        "mac" => value.to_uppercase().replace(':', "-"),
        "file_hash" => value.to_lowercase(),
        _ => value.trim().to_owned(),
    }
}

/// Yuan as the records show them (`1,234.50`) → a number; none if empty.
fn yuan(text: &str) -> Option<f64> {
    text.replace(',', "").parse().ok()
}

fn identifier_label(lang: Lang, column: &'static str) -> &'static str {
    contract::table("bid")
        .and_then(|t| t.columns.iter().find(|c| c.key == column))
        .map(|c| if lang == Lang::Zh { c.label } else { column })
        .unwrap_or(column)
}

fn valid(bid: &SourceRecord) -> bool {
    matches!(get(bid, "status"), "" | "valid")
}

fn screens_of(bids: &[&SourceRecord]) -> Option<Screens> {
    let prices: Vec<f64> = bids.iter().filter(|b| valid(b)).filter_map(|b| yuan(get(b, "price"))).collect();
    screens(&prices)
}

fn screens_view(s: &Screens) -> Value {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    context! {
        n => s.n, cv => round(s.cv), spread => round(s.spread), diffp => round(s.diffp), rd => s.rd.map(round),
        kurtosis => s.kurtosis.map(round), skewness => s.skewness.map(round), ks => round(s.ks),
        identical => s.identical, gap_spread => round(s.gap_spread), score => (s.score * 100.0).round() as i64,
        flags => s.flags.clone(),
    }
}

fn warning_items(lang: Lang, warnings: &[&WarningRecord]) -> Vec<Value> {
    warnings
        .iter()
        .map(|w| {
            context! {
                id => w.id.clone(), model => w.model.clone(), severity => w.severity.clone(),
                reason => if lang == Lang::Zh { w.reason_zh.clone() } else { w.reason_en.clone() },
            }
        })
        .collect()
}

pub async fn tender(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let key = std::slice::from_ref(&id);
    let tenders = state.warehouse.records_where("tender", "tender_id", key).await?;
    let mut bids = state.warehouse.records_where("bid", "tender_id", key).await?;
    let awards = state.warehouse.records_where("award", "tender_id", key).await?;
    bids.sort_by(|a, b| {
        yuan(get(a, "price")).unwrap_or(f64::MAX).total_cmp(&yuan(get(b, "price")).unwrap_or(f64::MAX))
    });
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    for b in &bids {
        for column in IDENTIFIERS {
            let v = normalized(column, get(b, column));
            if !v.is_empty() {
                *seen.entry((column, v)).or_default() += 1;
            }
        }
    }
    let winners: BTreeSet<&str> = awards.iter().map(|a| get(a, "winner_code")).collect();
    let rows: Vec<Value> = bids
        .iter()
        .map(|b| {
            let cells: Vec<Value> = IDENTIFIERS
                .iter()
                .map(|&column| {
                    let v = get(b, column);
                    let shared = seen.get(&(column, normalized(column, v))).is_some_and(|&n| n >= 2) && !v.is_empty();
                    context! { value => v, shared => shared }
                })
                .collect();
            let code = get(b, "bidder_code");
            context! {
                code => code, name => get(b, "bidder_name"), price => get(b, "price"),
                status => i18n::enum_label(lang, "bid", "status", get(b, "status")), valid => valid(b),
                contact => get(b, "contact_name"), won => winners.contains(code), cells => cells,
            }
        })
        .collect();
    let shared = seen.values().filter(|&&n| n >= 2).count();
    let filter = WarningFilter { subject_id: Some(id.clone()), ..Default::default() };
    let (warnings, _) = state.warehouse.store().warnings(&filter).await?;
    let t = tenders.last();
    let page = context! {
        id => id,
        tender => t.map(|t| context! {
            title => get(t, "title"), category => i18n::enum_label(lang, "tender", "category", get(t, "category")),
            method => i18n::enum_label(lang, "tender", "method", get(t, "method")),
            evaluation => i18n::enum_label(lang, "tender", "evaluation", get(t, "evaluation")),
            buyer => get(t, "buyer_name"), buyer_code => get(t, "buyer_code"), ceiling => get(t, "ceiling_price"),
            publish => get(t, "publish_date"), open => get(t, "bid_open_date"), award => get(t, "award_date"),
        }),
        bids => rows,
        shared => shared,
        identifiers => IDENTIFIERS.iter().map(|c| identifier_label(lang, c)).collect::<Vec<_>>(),
        awards => awards.iter().map(|a| context! {
            code => get(a, "winner_code"), name => get(a, "winner_name"), amount => get(a, "award_amount"),
            contract => get(a, "contract_amount"), final_amount => get(a, "final_amount"), date => get(a, "contract_date"),
            status => i18n::enum_label(lang, "award", "status", get(a, "status")),
        }).collect::<Vec<_>>(),
        screens => screens_of(&bids.iter().collect::<Vec<_>>()).map(|s| screens_view(&s)),
        warnings => warning_items(lang, &warnings.iter().collect::<Vec<_>>()),
    };
    render(&state, "tender.html", lang, Some(&user), "screens", page)
}

pub async fn bidder(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let key = std::slice::from_ref(&code);
    let own = state.warehouse.records_where("bid", "bidder_code", key).await?;
    let tender_ids: Vec<String> =
        own.iter().map(|b| get(b, "tender_id").to_owned()).collect::<BTreeSet<_>>().into_iter().collect();
    let all_bids = state.warehouse.records_where("bid", "tender_id", &tender_ids).await?;
    let tenders = state.warehouse.records_where("tender", "tender_id", &tender_ids).await?;
    let awards = state.warehouse.records_where("award", "tender_id", &tender_ids).await?;
    let firm = state.warehouse.records_where("enterprise", "credit_code", key).await?;
    let name = own.iter().map(|b| get(b, "bidder_name")).find(|n| !n.is_empty()).unwrap_or(&code).to_owned();

    let winner: HashMap<&str, &str> = awards.iter().map(|a| (get(a, "tender_id"), get(a, "winner_code"))).collect();
    let tender_of: HashMap<&str, &SourceRecord> = tenders.iter().map(|t| (get(t, "tender_id"), t)).collect();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    // Per co-bidder: tenders together, and who of the two won them.
    let mut together: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for b in &all_bids {
        let other = get(b, "bidder_code");
        names.entry(other).or_insert(get(b, "bidder_name"));
        if other == code {
            continue;
        }
        let w = winner.get(get(b, "tender_id")).copied().unwrap_or("");
        let e = together.entry(other).or_default();
        e.0 += 1;
        if w == code {
            e.1 += 1;
        } else if w == other {
            e.2 += 1;
        }
    }
    let mut partners: Vec<(&str, (usize, usize, usize))> = together.into_iter().collect();
    partners.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    partners.truncate(30);
    let wins = tender_ids.iter().filter(|t| winner.get(t.as_str()) == Some(&code.as_str())).count();
    let mut timeline: Vec<(String, Value)> = tender_ids
        .iter()
        .map(|t| {
            let record = tender_of.get(t.as_str());
            let day = record.map(|r| get(r, "bid_open_date")).unwrap_or("").to_owned();
            let w = winner.get(t.as_str()).copied().unwrap_or("");
            let price = own.iter().find(|b| get(b, "tender_id") == t).map(|b| get(b, "price")).unwrap_or("");
            (
                day.clone(),
                context! {
                    id => t, day => day, title => record.map(|r| get(r, "title")).unwrap_or(""),
                    buyer => record.map(|r| get(r, "buyer_name")).unwrap_or(""), price => price,
                    won => w == code, winner => w, winner_name => names.get(w).copied().unwrap_or(w),
                },
            )
        })
        .collect();
    timeline.sort_by(|a, b| a.0.cmp(&b.0));
    // The graph: this firm in the middle, its co-bidders around it; an edge per
    // pair that bid together, as wide as how often; a node as large as its wins here.
    let mut nodes = vec![serde_json::json!({"id": code, "name": name, "value": wins, "category": 0})];
    let mut links = Vec::new();
    for (other, (n, _, theirs)) in &partners {
        nodes.push(serde_json::json!({"id": other, "name": names.get(other).copied().unwrap_or(other), "value": theirs, "category": 1}));
        links.push(serde_json::json!({"source": code, "target": other, "value": n}));
    }
    // Edges among the co-bidders too, from the same tenders: a ring that bids together shows as a clique.
    let shown: BTreeSet<&str> = partners.iter().map(|(c, _)| *c).collect();
    let mut per_tender: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for b in &all_bids {
        let c = get(b, "bidder_code");
        if shown.contains(c) {
            per_tender.entry(get(b, "tender_id")).or_default().push(c);
        }
    }
    let mut among: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for firms in per_tender.values() {
        for (i, a) in firms.iter().enumerate() {
            for b in &firms[i + 1..] {
                if a != b {
                    *among.entry(if a < b { (*a, *b) } else { (*b, *a) }).or_default() += 1;
                }
            }
        }
    }
    for ((a, b), n) in among {
        links.push(serde_json::json!({"source": a, "target": b, "value": n}));
    }
    let chart = serde_json::json!({
        "nodes": nodes, "links": links,
        "categories": [i18n::get(lang, "bidder_this"), i18n::get(lang, "bidder_co_bidder")],
    });
    let (all_warnings, _) = state
        .warehouse
        .store()
        .warnings(&WarningFilter { domain: Some("trading".into()), ..Default::default() })
        .await?;
    let mine: Vec<&WarningRecord> = all_warnings
        .iter()
        .filter(|w| {
            w.subject_id.split(',').any(|s| s == code)
                || (w.subject_kind == "tender" && tender_ids.contains(&w.subject_id))
        })
        .collect();
    let page = context! {
        code => code.clone(),
        name => name,
        firm => firm.last().map(|f| context! {
            legal_rep => get(f, "legal_rep_name"), established => get(f, "established"),
            status => i18n::enum_label(lang, "enterprise", "status", get(f, "status")), status_date => get(f, "status_date"),
        }),
        bids => tender_ids.len(),
        wins => wins,
        partners => partners.iter().map(|(other, (n, mine, theirs))| context! {
            code => other, name => names.get(other).copied().unwrap_or(other), together => n, mine => mine, theirs => theirs,
        }).collect::<Vec<_>>(),
        timeline => timeline.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        chart => chart.to_string(),
        warnings => warning_items(lang, &mine),
    };
    render(&state, "bidder.html", lang, Some(&user), "screens", page)
}

#[derive(serde::Deserialize)]
pub struct ScreensQuery {
    #[serde(default)]
    page: Option<u64>,
}

const PAGE_SIZE: usize = 50;

pub async fn ranking(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<ScreensQuery>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let bids = state.warehouse.records_all("bid", "tender_id").await?;
    let tenders = state.warehouse.records_all("tender", "tender_id").await?;
    let title: HashMap<&str, (&str, &str)> =
        tenders.iter().map(|t| (get(t, "tender_id"), (get(t, "title"), get(t, "buyer_name")))).collect();
    let mut by_tender: BTreeMap<&str, Vec<&SourceRecord>> = BTreeMap::new();
    for b in &bids {
        by_tender.entry(get(b, "tender_id")).or_default().push(b);
    }
    let mut ranked: Vec<(&str, Screens)> =
        by_tender.iter().filter_map(|(id, list)| screens_of(list).map(|s| (*id, s))).collect();
    ranked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(b.0)));
    let total = ranked.len();
    let page = q.page.unwrap_or(1).max(1) as usize;
    let rows: Vec<Value> = ranked
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(id, s)| {
            let (t, buyer) = title.get(id).copied().unwrap_or(("", ""));
            context! { id => id, title => t, buyer => buyer, s => screens_view(s) }
        })
        .collect();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = context! {
        rows => rows,
        total => total,
        page => page,
        pages => pages,
        previous => (page > 1).then(|| format!("/screens?page={}", page - 1)),
        next => (page < pages).then(|| format!("/screens?page={}", page + 1)),
    };
    render(&state, "screens.html", lang, Some(&user), "screens", page)
}

/// A group of firms (P06's subject, credit codes joined by commas): the tenders
/// two or more of them bid in, on a timeline with each member's price and the
/// winner, and the members as a graph (node size: wins; edge width: tenders together).
pub async fn group(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(firms): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let members: Vec<String> = firms
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let own = state.warehouse.records_where("bid", "bidder_code", &members).await?;
    let mut by_tender: BTreeMap<&str, Vec<&SourceRecord>> = BTreeMap::new();
    for b in &own {
        by_tender.entry(get(b, "tender_id")).or_default().push(b);
    }
    by_tender.retain(|_, bids| bids.iter().map(|b| get(b, "bidder_code")).collect::<BTreeSet<_>>().len() >= 2);
    let ids: Vec<String> = by_tender.keys().map(|s| (*s).to_owned()).collect();
    let tenders = state.warehouse.records_where("tender", "tender_id", &ids).await?;
    let awards = state.warehouse.records_where("award", "tender_id", &ids).await?;
    let tender_of: HashMap<&str, &SourceRecord> = tenders.iter().map(|t| (get(t, "tender_id"), t)).collect();
    let winner: HashMap<&str, &str> = awards.iter().map(|a| (get(a, "tender_id"), get(a, "winner_code"))).collect();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for b in &own {
        names.entry(get(b, "bidder_code")).or_insert(get(b, "bidder_name"));
    }
    let mut wins: BTreeMap<&str, usize> = BTreeMap::new();
    let mut together: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut rows: Vec<(String, Value)> = Vec::new();
    for (id, bids) in &by_tender {
        let w = winner.get(id).copied().unwrap_or("");
        if members.iter().any(|m| m == w) {
            *wins.entry(w).or_default() += 1;
        }
        let present: Vec<&str> =
            bids.iter().map(|b| get(b, "bidder_code")).collect::<BTreeSet<_>>().into_iter().collect();
        for (i, a) in present.iter().enumerate() {
            for b in &present[i + 1..] {
                *together.entry((*a, *b)).or_default() += 1;
            }
        }
        let t = tender_of.get(id);
        let day = t.map(|t| get(t, "bid_open_date")).unwrap_or("").to_owned();
        let prices: Vec<Value> = members
            .iter()
            .map(|m| {
                let price = bids.iter().find(|b| get(b, "bidder_code") == m).map(|b| get(b, "price")).unwrap_or("");
                context! { price => price, won => w == m }
            })
            .collect();
        rows.push((
            day.clone(),
            context! {
                id => id, day => day, title => t.map(|t| get(t, "title")).unwrap_or(""),
                buyer => t.map(|t| get(t, "buyer_name")).unwrap_or(""), prices => prices,
                outsider => !w.is_empty() && !members.iter().any(|m| m == w), winner => w,
            },
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let nodes: Vec<serde_json::Value> = members
        .iter()
        .map(|m| {
            let n = wins.get(m.as_str()).copied().unwrap_or(0);
            serde_json::json!({"id": m, "name": names.get(m.as_str()).copied().unwrap_or(m), "value": n, "category": 0})
        })
        .collect();
    let links: Vec<serde_json::Value> =
        together.iter().map(|((a, b), n)| serde_json::json!({"source": a, "target": b, "value": n})).collect();
    let chart = serde_json::json!({"nodes": nodes, "links": links, "categories": [i18n::get(lang, "group_member")]});
    let (all_warnings, _) = state
        .warehouse
        .store()
        .warnings(&WarningFilter { domain: Some("trading".into()), ..Default::default() })
        .await?;
    let key = members.join(",");
    let related: Vec<&WarningRecord> =
        all_warnings.iter().filter(|w| w.subject_id == key || ids.contains(&w.subject_id)).collect();
    let page = context! {
        firms => key.clone(),
        members => members.iter().map(|m| context! {
            code => m, name => names.get(m.as_str()).copied().unwrap_or(m), wins => wins.get(m.as_str()).copied().unwrap_or(0),
        }).collect::<Vec<_>>(),
        tenders => rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        chart => chart.to_string(),
        warnings => warning_items(lang, &related),
    };
    render(&state, "group.html", lang, Some(&user), "screens", page)
}
