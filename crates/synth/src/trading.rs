//! Public-resource trading: tenders, bids and awards with nothing that any P
//! model flags, and the checks that keep it so.

use crate::{County, Firm, Unit, data_end, date};
use chrono::NaiveDate;
use std::collections::HashMap;

/// The screens of P04, made stricter than the model's thresholds so that no
/// reading of them fires on the background.
pub fn screens_clean(prices: &[i64]) -> bool {
    let mut sorted = prices.to_vec();
    sorted.sort();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return false;
    }
    // The screens judge tenders with three or more priced bids.
    if sorted.len() < 3 {
        return true;
    }
    let n = sorted.len() as f64;
    let mean = sorted.iter().map(|&p| p as f64).sum::<f64>() / n;
    let sd = (sorted.iter().map(|&p| (p as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    if sd / mean < 0.02 {
        return false;
    }
    let gaps: Vec<f64> = sorted.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    if gaps.len() >= 2 {
        let max = gaps.iter().cloned().fold(f64::MIN, f64::max);
        let min = gaps.iter().cloned().fold(f64::MAX, f64::min);
        if max <= min * 1.25 {
            return false;
        }
    }
    if sorted.len() >= 3 {
        let losing = &sorted[1..];
        let m = losing.iter().map(|&p| p as f64).sum::<f64>() / losing.len() as f64;
        let sd =
            (losing.iter().map(|&p| (p as f64 - m).powi(2)).sum::<f64>() / (losing.len() as f64 - 1.0).max(1.0)).sqrt();
        if sd == 0.0 || (sorted[1] - sorted[0]) as f64 / sd >= 1.2 {
            return false;
        }
    }
    true
}

pub struct BidPlan {
    pub firm: Firm,
    pub price: i64,
    pub valid: bool,
}

pub struct TenderPlan {
    pub id: String,
    pub title: String,
    pub category: &'static str,
    pub method: &'static str,
    pub buyer: Unit,
    pub ceiling: i64,
    pub publish: NaiveDate,
    pub open: NaiveDate,
    pub award: NaiveDate,
    pub evaluation: &'static str,
    pub bids: Vec<BidPlan>,
    /// Index into `bids` of the winner.
    pub winner: usize,
    pub final_ratio: f64,
}

impl County {
    /// Writes a tender, its bids and its award. Identifiers that P05 compares are
    /// unique per bid unless `shared` names two bids that share IP and MAC.
    pub fn write_tender(&mut self, t: &TenderPlan, shared: Option<(usize, usize)>) -> std::io::Result<()> {
        let ceiling = self.out.money(t.ceiling);
        let publish = self.out.date(t.publish);
        let open = self.out.date(t.open);
        let award_day = self.out.date(t.award);
        let project = format!("XM{}", &t.id[2..]);
        self.t.tender.row([
            t.id.as_str(),
            &t.title,
            t.category,
            t.method,
            &t.buyer.code,
            &t.buyer.name,
            "",
            &ceiling,
            &publish,
            &open,
            &award_day,
            crate::COUNTY,
            &project,
            t.evaluation,
        ])?;
        let mut order: Vec<usize> = (0..t.bids.len()).collect();
        order.sort_by_key(|&i| t.bids[i].price);
        for (i, b) in t.bids.iter().enumerate() {
            let n = self.rng.next_u64();
            let (ip, mac) = match shared {
                Some((x, y)) if i == x || i == y => ("10.66.6.6".to_owned(), "3C-97-0E-12-34-56".to_owned()),
                _ => (
                    format!("10.{}.{}.{}", n % 200 + 20, (n >> 8) % 250, (n >> 16) % 250 + 1),
                    format!(
                        "{:02X}-{:02X}-{:02X}-{:02X}-{:02X}-{:02X}",
                        n >> 56,
                        (n >> 48) & 255,
                        (n >> 40) & 255,
                        (n >> 32) & 255,
                        (n >> 24) & 255,
                        (n >> 16) & 255
                    ),
                ),
            };
            let device = format!("HW{:016X}", self.rng.next_u64());
            let file_hash = format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64());
            let bond = self.new_account();
            let contact_birth = self.random_date(date(1970, 1, 1), date(1998, 12, 31));
            let male = self.rng.chance(0.6);
            let contact = self.new_person(contact_birth, male);
            let phone = format!("139{:08}", self.rng.range(0, 99_999_999));
            let submit = t
                .open
                .pred_opt()
                .unwrap_or(t.open)
                .and_hms_opt(9 + (n % 7) as u32, (n % 60) as u32, 0)
                .unwrap_or_default();
            let submit = self.out.datetime(submit);
            let price = self.out.money(b.price);
            let rank = (order.iter().position(|&o| o == i).unwrap_or(0) + 1).to_string();
            let status = if b.valid { "有效" } else { "否决" };
            self.t.bid.row([
                t.id.as_str(),
                &b.firm.code,
                &b.firm.name,
                &price,
                &submit,
                &ip,
                &mac,
                &device,
                &file_hash,
                &bond,
                &contact.name,
                &contact.id,
                &phone,
                status,
                &rank,
            ])?;
        }
        let winner = &t.bids[t.winner];
        let amount = self.out.money(winner.price);
        let contract_date = t.award + chrono::Duration::days(self.rng.range(5, 20));
        let completion = contract_date + chrono::Duration::days(self.rng.range(60, 300));
        let (final_amount, completion_text, status) = if completion <= data_end() {
            let fin = (winner.price as f64 * t.final_ratio).round() as i64;
            (self.out.money(fin), self.out.date(completion), "已完成")
        } else {
            (String::new(), String::new(), "履行中")
        };
        let contract = self.out.date(contract_date);
        let contract_amount = self.out.money(winner.price);
        let contract_no = format!("HT{}", &t.id[2..]);
        self.t.award.row([
            t.id.as_str(),
            &winner.firm.code,
            &winner.firm.name,
            &amount,
            &contract_no,
            &contract,
            &contract_amount,
            &final_amount,
            &completion_text,
            status,
        ])
    }
}

/// Where a buyer's tenders fall: each buyer buys one category, in one value band
/// (the band's top is under twice its bottom, so no supplier's share of a buyer's
/// year can reach half with five awards — P09).
fn buyer_profile(name: &str) -> (&'static str, i64, i64) {
    if ["交通", "住房", "水利", "人民政府"].iter().any(|k| name.contains(k)) {
        ("工程建设", 150_000_000, 260_000_000)
    } else if ["教育", "卫生", "农业", "市场"].iter().any(|k| name.contains(k)) {
        ("货物", 60_000_000, 105_000_000)
    } else {
        ("服务", 30_000_000, 52_000_000)
    }
}

fn method_for(c: &mut County, category: &str) -> (&'static str, i64) {
    let r = c.rng.unit();
    match category {
        "工程建设" if r < 0.8 => ("公开招标", 20),
        "工程建设" if r < 0.9 => ("邀请招标", 20),
        "工程建设" => ("竞争性磋商", 10),
        "货物" if r < 0.6 => ("公开招标", 20),
        "货物" if r < 0.8 => ("询价", 3),
        "货物" => ("竞争性磋商", 10),
        _ if r < 0.5 => ("公开招标", 20),
        _ if r < 0.8 => ("竞争性磋商", 10),
        _ => ("竞争性谈判", 3),
    }
}

/// Co-bidding history for P06: per scope (buyer, or category) and pair of firms,
/// the tenders they bid together in and who won.
#[derive(Default)]
struct Rotation {
    history: HashMap<(String, String, String), Vec<(NaiveDate, String)>>,
}

impl Rotation {
    fn pairs(bids: &[BidPlan]) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for i in 0..bids.len() {
            for j in i + 1..bids.len() {
                let (a, b) = (bids[i].firm.code.clone(), bids[j].firm.code.clone());
                pairs.push(if a < b { (a, b) } else { (b, a) });
            }
        }
        pairs
    }

    /// Whether adding this tender would give some pair ≥ 3 co-bids within 24
    /// months in which each of the two has won at least once.
    fn would_rotate(&self, scopes: &[String], day: NaiveDate, bids: &[BidPlan], winner: &str) -> bool {
        for scope in scopes {
            for (a, b) in Self::pairs(bids) {
                let key = (scope.clone(), a.clone(), b.clone());
                let mut seen: Vec<&str> = self
                    .history
                    .get(&key)
                    .map(|h| {
                        h.iter().filter(|(d, _)| (day - *d).num_days().abs() <= 731).map(|(_, w)| w.as_str()).collect()
                    })
                    .unwrap_or_default();
                seen.push(winner);
                if seen.len() >= 3 && seen.contains(&a.as_str()) && seen.contains(&b.as_str()) {
                    return true;
                }
            }
        }
        false
    }

    fn record(&mut self, scopes: &[String], day: NaiveDate, bids: &[BidPlan], winner: &str) {
        for scope in scopes {
            for (a, b) in Self::pairs(bids) {
                self.history.entry((scope.clone(), a, b)).or_default().push((day, winner.to_owned()));
            }
        }
    }
}

pub fn background(c: &mut County, scale: f64) -> std::io::Result<()> {
    let buyers: Vec<Unit> = c.units.iter().skip(2).cloned().collect();
    let count = (120.0 * scale).round().max(12.0) as usize;
    let mut rotation = Rotation::default();
    let mut last_win: HashMap<(String, String), NaiveDate> = HashMap::new();
    if c.bidders.len() < 4 {
        return Ok(());
    }
    for _ in 0..count {
        let buyer = c.rng.pick(&buyers).clone();
        let (category, low, high) = buyer_profile(&buyer.name);
        let (method, minimum_days) = method_for(c, category);
        let evaluation = if c.rng.chance(0.5) { "最低价" } else { "综合评分" };
        let publish = c.workday(date(2024, 7, 1), date(2026, 4, 30));
        let open = c.workday(
            publish + chrono::Duration::days(minimum_days + 2),
            publish + chrono::Duration::days(minimum_days + 12),
        );
        let award = c.workday(open + chrono::Duration::days(3), open + chrono::Duration::days(12));
        let ceiling = c.rng.range(low / 100, high / 100) * 100;
        let mut plan = None;
        for _attempt in 0..40 {
            let n = c.rng.range(3, 7).min(c.bidders.len() as i64) as usize;
            let mut firms: Vec<Firm> = Vec::new();
            while firms.len() < n {
                let f = c.rng.pick(&c.bidders).clone();
                if !firms.iter().any(|x| x.code == f.code) {
                    firms.push(f);
                }
            }
            let prices: Vec<i64> = firms
                .iter()
                .map(|_| (ceiling as f64 * (0.80 + c.rng.unit() * 0.17) / 100.0).round() as i64 * 100)
                .collect();
            if !screens_clean(&prices) {
                continue;
            }
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| prices[i]);
            let winner = if evaluation == "最低价" || c.rng.chance(0.7) { order[0] } else { order[1] };
            let scopes = vec![format!("buyer:{}", buyer.code), format!("category:{category}")];
            let mut bids: Vec<BidPlan> =
                firms.into_iter().zip(prices).map(|(firm, price)| BidPlan { firm, price, valid: true }).collect();
            let winner_code = bids[winner].firm.code.clone();
            let recent = last_win
                .get(&(buyer.code.clone(), winner_code.clone()))
                .is_some_and(|d| (award - *d).num_days().abs() < 400);
            if recent || rotation.would_rotate(&scopes, award, &bids, &winner_code) {
                continue;
            }
            // Sometimes a bid is rejected: always one priced above the winner's.
            if c.rng.chance(0.2) {
                let extra = c.rng.pick(&c.bidders).clone();
                if !bids.iter().any(|b| b.firm.code == extra.code) {
                    let price = (bids[winner].price + ceiling) / 2 / 100 * 100;
                    bids.push(BidPlan { firm: extra, price, valid: false });
                }
            }
            let valid: Vec<BidPlan> = bids
                .iter()
                .filter(|b| b.valid)
                .map(|b| BidPlan { firm: b.firm.clone(), price: b.price, valid: true })
                .collect();
            rotation.record(&scopes, award, &valid, &winner_code);
            last_win.insert((buyer.code.clone(), winner_code), award);
            plan = Some((bids, winner));
            break;
        }
        let Some((bids, winner)) = plan else { continue };
        let id = c.tender_id(publish.format("%Y").to_string().parse().unwrap_or(2025));
        let title = format!(
            "{}{}",
            buyer.name.replace(crate::COUNTY_NAME, ""),
            match category {
                "工程建设" => "道路及配套设施改造工程",
                "货物" => "设备采购项目",
                _ => "运维服务项目",
            }
        );
        let final_ratio = 0.97 + c.rng.unit() * 0.08;
        let plan = TenderPlan {
            id,
            title,
            category,
            method,
            buyer,
            ceiling,
            publish,
            open,
            award,
            evaluation,
            bids,
            winner,
            final_ratio,
        };
        c.write_tender(&plan, None)?;
    }
    Ok(())
}
