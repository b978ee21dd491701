//! Planted cases: for every model of `shared/MODELS.md`, records built to fire
//! that model (and, where its definition overlaps another's, that one too,
//! written to the truth as well), each with its ground truth.

use crate::activity::PayeeLedger;
use crate::trading::{BidPlan, TenderPlan, screens_clean};
use crate::{County, Firm, Person, Unit, date};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use domain::CreditCode;
use serde_json::json;

type R = std::io::Result<()>;

/// The county-seat village, where planted households live.
fn village() -> String {
    format!("{}100200", crate::COUNTY)
}

fn month_text((y, m): (i32, u32)) -> String {
    format!("{y}-{m:02}")
}

impl County {
    /// A new person in a household of their own in the county seat.
    fn plant_person(&mut self, age: i32, male: bool) -> std::io::Result<(Person, String)> {
        let end = crate::data_end();
        let birth = self.random_date(date(end.year() - age - 1, 7, 1), date(end.year() - age, 6, 30));
        let p = self.new_person(birth, male);
        let household = format!("HP{:06}", self.next());
        self.write_person(&p, &household, &village(), "清风县城关镇城关社区")?;
        Ok((p, household))
    }

    fn plant_unit(&mut self, name: &str) -> Unit {
        let n = self.next();
        let code = CreditCode::from_first17(&format!("11{}MB9{:06}", crate::COUNTY, n % 1_000_000))
            .map(|c| c.to_string())
            .unwrap_or_default();
        Unit { code, name: format!("{}{name}", crate::COUNTY_NAME) }
    }

    fn handler(&self) -> Person {
        self.handlers.first().cloned().unwrap_or(Person {
            id: String::new(),
            name: String::new(),
            male: true,
            birth: date(1980, 1, 1),
        })
    }

    fn pay_months(&mut self, program: &str, recipient: &Person, from: (i32, u32), to: (i32, u32), fen: i64) -> R {
        let account = self.new_account();
        let handler = self.handler();
        for m in crate::months().into_iter().filter(|&m| m >= from && m <= to) {
            self.pay(program, m, recipient, fen, Some(fen), &account, None, &village(), &handler)?;
        }
        Ok(())
    }
}

pub fn all(c: &mut County) -> R {
    let k = c.plants_per_model;
    for i in 0..k {
        livelihood(c, i)?;
        trading(c, i)?;
        finance(c, i)?;
        conduct(c, i)?;
    }
    Ok(())
}

fn livelihood(c: &mut County, i: usize) -> R {
    let handler = c.handler();
    // M01: paid after death.
    let (p, _) = c.plant_person(72, i.is_multiple_of(2))?;
    let death = date(2025, 11, 10 + i as u32 % 15);
    let day = c.out.date(death);
    c.t.death.row([p.id.as_str(), &p.name, &day, "公安户籍"])?;
    c.pay_months("DB01", &p, (2025, 6), (2026, 2), 68_000)?;
    let after: Vec<String> = crate::months()
        .into_iter()
        .filter(|&(y, m)| date(y, m, 1) > death && (y, m) <= (2026, 2))
        .map(month_text)
        .collect();
    c.truth(
        "M01",
        "person",
        &p.id,
        &p.name,
        json!({"program_code": "DB01", "death_date": death.to_string(), "periods": after}),
        "死亡后仍发放低保",
    );

    // M02: an official on a means-tested program.
    let (p, _) = c.plant_person(41, true)?;
    let unit = c.units[2].clone();
    c.write_official(&p, &unit, "科员", "公务员", false, crate::COUNTY)?;
    c.pay_months("DB01", &p, (2025, 3), (2025, 8), 52_000)?;
    c.truth(
        "M02",
        "person",
        &p.id,
        &p.name,
        json!({"program_code": "DB01", "official_unit": unit.code, "periods": ["2025-03", "2025-08"]}),
        "在职公务员领取低保",
    );

    // M03: the brother of a village cadre of the same village.
    let (cadre, _) = c.plant_person(48, true)?;
    let committee = Unit {
        code: CreditCode::from_first17(&format!("54{}MC{:07}", crate::COUNTY, 1))
            .map(|x| x.to_string())
            .unwrap_or_default(),
        name: "城关镇东山1村村民委员会".into(),
    };
    c.write_official(&cadre, &committee, "村委会委员", "村(社区)干部", false, &village())?;
    let (brother, _) = c.plant_person(52, true)?;
    c.write_kin(&cadre, &brother, "兄弟姐妹")?;
    c.pay_months("DB01", &brother, (2025, 4), (2025, 12), 61_000)?;
    c.truth(
        "M03",
        "person",
        &brother.id,
        &brother.name,
        json!({"program_code": "DB01", "relative_of": cadre.id, "relation": "sibling"}),
        "村干部之兄领取低保",
    );

    // M04: paid twice for one period (one program), or by two exclusive programs.
    let (p, _) = c.plant_person(66, false)?;
    if i.is_multiple_of(2) {
        c.pay_months("DB01", &p, (2025, 1), (2025, 6), 58_000)?;
        let account = c.new_account();
        c.pay("DB01", (2025, 4), &p, 58_000, Some(58_000), &account, None, &village(), &handler)?;
        c.truth(
            "M04",
            "person",
            &p.id,
            &p.name,
            json!({"program_code": "DB01", "period": "2025-04"}),
            "同一期低保发放两次",
        );
    } else {
        c.pay_months("DB01", &p, (2025, 1), (2025, 6), 58_000)?;
        let account = c.new_account();
        c.pay("TK01", (2025, 5), &p, 125_000, Some(125_000), &account, None, &village(), &handler)?;
        c.truth(
            "M04",
            "person",
            &p.id,
            &p.name,
            json!({"program_codes": ["DB01", "TK01"], "exclusive_group": "basic", "period": "2025-05"}),
            "低保与特困供养同期重复领取",
        );
    }

    // M05: a means-tested household owns a car.
    let (p, household) = c.plant_person(45, true)?;
    let spouse_birth = p.birth + chrono::Duration::days(400);
    let spouse = c.new_person(spouse_birth, false);
    c.write_person(&spouse, &household, &village(), "清风县城关镇城关社区")?;
    let plate = c.new_plate();
    let registered = c.out.date(date(2021, 5, 1));
    c.t.vehicle.row([plate.as_str(), &spouse.id, &spouse.name, "小型轿车", &registered, "正常"])?;
    c.pay_months("DB01", &p, (2025, 2), (2025, 10), 90_000)?;
    c.truth(
        "M05",
        "person",
        &p.id,
        &p.name,
        json!({"program_code": "DB01", "household_id": household, "vehicle": plate, "owner": spouse.id}),
        "低保户家庭成员名下有正常状态车辆",
    );

    // M06: over the standard, or less than approved.
    let (p, _) = c.plant_person(86, false)?;
    let account = c.new_account();
    if i.is_multiple_of(2) {
        for m in [(2025, 6), (2025, 7), (2025, 8)] {
            let fen = if m == (2025, 7) { 15_000 } else { 10_000 };
            c.pay("GL80", m, &p, fen, None, &account, None, &village(), &handler)?;
        }
        c.truth(
            "M06",
            "person",
            &p.id,
            &p.name,
            json!({"program_code": "GL80", "period": "2025-07", "amount_fen": 15000, "standard_fen": 10000}),
            "高龄津贴超标准发放",
        );
    } else {
        for m in [(2025, 6), (2025, 7), (2025, 8)] {
            let fen = if m == (2025, 8) { 60_000 } else { 80_000 };
            c.pay("DB01", m, &p, fen, Some(80_000), &account, None, &village(), &handler)?;
        }
        c.truth(
            "M06",
            "person",
            &p.id,
            &p.name,
            json!({"program_code": "DB01", "period": "2025-08", "amount_fen": 60000, "approved_fen": 80000}),
            "实发低于核定金额（克扣嫌疑）",
        );
    }

    // M07: an allowance for those over 80 paid to a 76-year-old.
    let (p, _) = c.plant_person(76, true)?;
    c.pay_months("GL80", &p, (2025, 3), (2025, 5), 10_000)?;
    c.truth(
        "M07",
        "person",
        &p.id,
        &p.name,
        json!({"program_code": "GL80", "periods": ["2025-03", "2025-04", "2025-05"], "min_age": 80}),
        "未满80周岁领取高龄津贴",
    );

    // M08: one account for three recipients of three households.
    let account = c.new_account();
    let (holder, _) = c.plant_person(39, true)?;
    let mut recipients = Vec::new();
    for _ in 0..3 {
        let (p, _) = c.plant_person(70, false)?;
        c.pay("DB01", (2025, 9), &p, 55_000, Some(55_000), &account, Some(&holder.id), &village(), &handler)?;
        recipients.push(p.id.clone());
    }
    c.truth(
        "M08",
        "account",
        &account,
        &holder.name,
        json!({"program_code": "DB01", "period": "2025-09", "recipients": recipients, "account_holder_id": holder.id}),
        "一个账户代领三户低保",
    );

    // M09: the handler pays his own wife. (She is also kin of an official of the
    // handling unit, which M03 names too.)
    let (clerk, household) = c.plant_person(44, true)?;
    let civil_affairs = c.civil_affairs.clone();
    c.write_official(&clerk, &civil_affairs, "社会救助科科员", "公务员", false, crate::COUNTY)?;
    let wife = c.new_person(clerk.birth + chrono::Duration::days(700), false);
    c.write_person(&wife, &household, &village(), "清风县城关镇城关社区")?;
    c.write_kin(&clerk, &wife, "配偶")?;
    let account = c.new_account();
    for m in [(2025, 10), (2025, 11), (2025, 12), (2026, 1)] {
        c.pay("DB01", m, &wife, 64_000, Some(64_000), &account, None, &village(), &clerk)?;
    }
    c.truth(
        "M09",
        "person",
        &wife.id,
        &wife.name,
        json!({"program_code": "DB01", "handler_id": clerk.id, "relation": "spouse"}),
        "经办人为其配偶发放低保",
    );
    c.truth(
        "M03",
        "person",
        &wife.id,
        &wife.name,
        json!({"program_code": "DB01", "relative_of": clerk.id, "relation": "spouse", "via": "handling unit"}),
        "经办单位公职人员之配偶领取低保（与M09同一事实）",
    );
    Ok(())
}

/// A company of its own, with an owner of its own, for a planted tender.
fn firm(c: &mut County, established: NaiveDate) -> std::io::Result<Firm> {
    c.clean_firm("工程", established)
}

fn prices(c: &mut County, ceiling: i64, n: usize) -> Vec<i64> {
    loop {
        let p: Vec<i64> =
            (0..n).map(|_| (ceiling as f64 * (0.82 + c.rng.unit() * 0.14) / 100.0).round() as i64 * 100).collect();
        if screens_clean(&p) {
            return p;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn tender(
    c: &mut County,
    buyer: &Unit,
    category: &'static str,
    method: &'static str,
    evaluation: &'static str,
    ceiling: i64,
    publish: NaiveDate,
    days: i64,
    bids: Vec<BidPlan>,
    winner: usize,
) -> TenderPlan {
    let id = c.tender_id(publish.year());
    let open = publish + chrono::Duration::days(days);
    TenderPlan {
        id,
        title: format!("{}采购项目", buyer.name.replace(crate::COUNTY_NAME, "")),
        category,
        method,
        buyer: buyer.clone(),
        ceiling,
        publish,
        open,
        award: open + chrono::Duration::days(5),
        evaluation,
        bids,
        winner,
        final_ratio: 1.0,
    }
}

fn clean_bids(c: &mut County, ceiling: i64, n: usize) -> std::io::Result<Vec<BidPlan>> {
    let p = prices(c, ceiling, n);
    let mut bids = Vec::new();
    for price in p {
        bids.push(BidPlan { firm: firm(c, date(2014, 4, 1))?, price, valid: true });
    }
    Ok(bids)
}

/// `n` clean bids plus the price `extra` makes of theirs, screen-clean together
/// (so that only the case's own model fires); returns the bids and that price.
fn clean_bids_and(
    c: &mut County,
    ceiling: i64,
    n: usize,
    extra: impl Fn(&[i64]) -> i64,
) -> std::io::Result<(Vec<BidPlan>, i64)> {
    let mut found = None;
    for _attempt in 0..10_000 {
        let p = prices(c, ceiling, n);
        let x = extra(&p);
        let mut all = p.clone();
        all.push(x);
        if screens_clean(&all) {
            found = Some((p, x));
            break;
        }
    }
    let (p, x) = found.ok_or_else(|| std::io::Error::other("synth: no screen-clean bids for a planted case"))?;
    let mut bids = Vec::new();
    for price in p {
        bids.push(BidPlan { firm: firm(c, date(2014, 4, 1))?, price, valid: true });
    }
    Ok((bids, x))
}

fn lowest(bids: &[BidPlan]) -> usize {
    (0..bids.len()).min_by_key(|&i| bids[i].price).unwrap_or(0)
}

fn trading(c: &mut County, i: usize) -> R {
    let base = date(2025, 3, 3) + chrono::Duration::days(7 * i as i64);
    let ceiling = 3_000_000_00;

    // P01: one bid only.
    let buyer = c.plant_unit("城市管理局");
    let bids = clean_bids(c, ceiling, 1)?;
    let t = tender(c, &buyer, "工程建设", "公开招标", "综合评分", ceiling, base, 25, bids, 0);
    c.write_tender(&t, None)?;
    c.truth("P01", "tender", &t.id, &t.title, json!({"valid_bids": 1}), "公开招标仅一家有效投标");

    // P02: 12 days from notice to opening for an open tender.
    let buyer = c.plant_unit("档案馆");
    let bids = clean_bids(c, ceiling, 3)?;
    let w = lowest(&bids);
    let t = tender(c, &buyer, "货物", "公开招标", "最低价", ceiling, base, 12, bids, w);
    c.write_tender(&t, None)?;
    c.truth("P02", "tender", &t.id, &t.title, json!({"days": 12, "minimum": 20}), "公告期12天，少于法定20天");

    // P03: the winner bids 99.6 % of the ceiling.
    let buyer = c.plant_unit("图书馆");
    let (mut bids, price) = clean_bids_and(c, ceiling, 2, |_| ceiling / 1000 * 996)?;
    bids.push(BidPlan { firm: firm(c, date(2014, 4, 1))?, price, valid: true });
    let t = tender(c, &buyer, "服务", "公开招标", "综合评分", ceiling, base, 25, bids, 2);
    c.write_tender(&t, None)?;
    c.truth("P03", "tender", &t.id, &t.title, json!({"award_ratio": 0.996}), "中标价为最高限价的99.6%");

    // P04: two identical prices among four.
    let buyer = c.plant_unit("体育中心");
    let mut bids = clean_bids(c, ceiling, 3)?;
    let copy = bids[1].price;
    bids.push(BidPlan { firm: firm(c, date(2014, 4, 1))?, price: copy, valid: true });
    let w = (0..bids.len()).max_by_key(|&j| bids[j].price).unwrap_or(0);
    let t = tender(c, &buyer, "货物", "公开招标", "综合评分", ceiling, base, 25, bids, w);
    c.write_tender(&t, None)?;
    c.truth(
        "P04",
        "tender",
        &t.id,
        &t.title,
        json!({"screen": "identical_prices", "price_fen": copy}),
        "两家投标报价完全相同",
    );

    // P05: two bidders bid from one computer (same IP and MAC).
    let buyer = c.plant_unit("妇幼保健院");
    let bids = clean_bids(c, ceiling, 3)?;
    let w = lowest(&bids);
    let shared = [bids[0].firm.code.clone(), bids[1].firm.code.clone()];
    let t = tender(c, &buyer, "工程建设", "公开招标", "最低价", ceiling, base, 25, bids, w);
    c.write_tender(&t, Some((0, 1)))?;
    c.truth(
        "P05",
        "tender",
        &t.id,
        &t.title,
        json!({"bidders": shared, "signals": ["ip", "mac"]}),
        "两家投标人IP与MAC地址相同",
    );

    // P06: three firms take turns winning one buyer's tenders.
    let buyer = c.plant_unit("园林管理处");
    let group = [firm(c, date(2013, 1, 1))?, firm(c, date(2013, 2, 1))?, firm(c, date(2013, 3, 1))?];
    let mut tenders = Vec::new();
    for (round, start) in [date(2025, 2, 10), date(2025, 6, 9), date(2025, 10, 13)].into_iter().enumerate() {
        let p = prices(c, ceiling, 3);
        let mut sorted = p.clone();
        sorted.sort();
        // The round's winner gets the lowest price; the others bid higher.
        let bids: Vec<BidPlan> = (0..3)
            .map(|j| BidPlan {
                firm: group[j].clone(),
                price: if j == round { sorted[0] } else { sorted[1 + (j + 3 - round) % 3 % 2] },
                valid: true,
            })
            .collect();
        let t = tender(
            c,
            &buyer,
            "服务",
            "公开招标",
            "最低价",
            ceiling,
            start + chrono::Duration::days(i as i64),
            25,
            bids,
            round,
        );
        c.write_tender(&t, None)?;
        tenders.push(t.id.clone());
    }
    let mut codes: Vec<String> = group.iter().map(|f| f.code.clone()).collect();
    codes.sort();
    c.truth(
        "P06",
        "group",
        &codes.join(","),
        &group[0].name,
        json!({"buyer": buyer.code, "tenders": tenders, "firms": codes}),
        "三家企业在同一招标人项目中轮流中标",
    );

    // P07: one supplier, two contracts forty days apart, each under the goods threshold.
    let buyer = c.plant_unit("机关事务服务中心");
    let supplier = firm(c, date(2012, 5, 1))?;
    let mut ids = Vec::new();
    for (round, start) in [base, base + chrono::Duration::days(40)].into_iter().enumerate() {
        let ceiling = 1_300_000_00;
        let (mut bids, low) = clean_bids_and(c, ceiling, 2, |p| {
            p.iter().copied().min().unwrap_or(ceiling) - 2_000_00 - round as i64 * 100
        })?;
        bids.push(BidPlan { firm: supplier.clone(), price: low, valid: true });
        let t = tender(c, &buyer, "货物", "询价", "最低价", ceiling, start, 5, bids, 2);
        c.write_tender(&t, None)?;
        ids.push(t.id.clone());
    }
    c.truth(
        "P07",
        "enterprise",
        &supplier.code,
        &supplier.name,
        json!({"buyer": buyer.code, "tenders": ids, "threshold_fen": 200_000_000}),
        "同一供应商90天内两份货物合同均低于200万元、合计超过",
    );

    // P08: the winner's legal representative is the wife of an official of the buyer.
    let buyer = c.plant_unit("人民医院");
    let (official, _) = c.plant_person(50, true)?;
    c.write_official(&official, &buyer, "副院长", "事业编", true, crate::COUNTY)?;
    let (wife, _) = c.plant_person(48, false)?;
    c.write_kin(&official, &wife, "配偶")?;
    let winner =
        c.write_firm("91", "清风县康宁医疗器械有限公司", "企业", &wife, date(2016, 8, 1), "存续", None, &[&wife])?;
    let (mut bids, low) = clean_bids_and(c, ceiling, 2, |p| p.iter().copied().min().unwrap_or(ceiling) - 5_000_00)?;
    bids.push(BidPlan { firm: winner.clone(), price: low, valid: true });
    let t = tender(c, &buyer, "货物", "公开招标", "最低价", ceiling, base, 25, bids, 2);
    c.write_tender(&t, None)?;
    c.truth(
        "P08",
        "tender",
        &t.id,
        &t.title,
        json!({"winner": winner.code, "legal_rep": wife.id, "official": official.id, "relation": "spouse"}),
        "中标企业法定代表人为招标单位领导之妻",
    );

    // P09: one supplier wins most of a buyer's year.
    let buyer = c.plant_unit("水务集团有限公司");
    let favourite = firm(c, date(2011, 1, 1))?;
    let mut ids = Vec::new();
    for round in 0..5 {
        let start = date(2025, 1, 13) + chrono::Duration::days(70 * round as i64 + i as i64);
        let (ceiling, favourite_wins) = if round < 3 { (5_000_000_00, true) } else { (1_200_000_00, false) };
        let mut bids;
        let w = if favourite_wins {
            let (b, low) = clean_bids_and(c, ceiling, 2, |p| p.iter().copied().min().unwrap_or(ceiling) - 10_000_00)?;
            bids = b;
            bids.push(BidPlan { firm: favourite.clone(), price: low, valid: true });
            2
        } else {
            bids = clean_bids(c, ceiling, 2)?;
            lowest(&bids)
        };
        let t = tender(c, &buyer, "工程建设", "公开招标", "最低价", ceiling, start, 25, bids, w);
        c.write_tender(&t, None)?;
        ids.push(t.id.clone());
    }
    c.truth(
        "P09",
        "enterprise",
        &favourite.code,
        &favourite.name,
        json!({"buyer": buyer.code, "year": 2025, "tenders": ids}),
        "一家企业中标某招标人全年金额过半",
    );

    // P10: settled 18 % over the contract.
    let buyer = c.plant_unit("城市建设发展中心");
    let bids = clean_bids(c, ceiling, 3)?;
    let w = lowest(&bids);
    let mut t = tender(
        c,
        &buyer,
        "工程建设",
        "公开招标",
        "最低价",
        ceiling,
        date(2024, 8, 5) + chrono::Duration::days(i as i64),
        25,
        bids,
        w,
    );
    t.final_ratio = 1.18;
    c.write_tender(&t, None)?;
    c.truth("P10", "tender", &t.id, &t.title, json!({"final_ratio": 1.18}), "结算金额超合同金额18%");

    // P11: the lowest bid is rejected and a higher one wins.
    let buyer = c.plant_unit("疾病预防控制中心");
    let mut bids = clean_bids(c, ceiling, 3)?;
    let lowest_index = lowest(&bids);
    bids[lowest_index].valid = false;
    let w = (0..bids.len()).filter(|&j| bids[j].valid).min_by_key(|&j| bids[j].price).unwrap_or(0);
    let rejected = bids[lowest_index].firm.code.clone();
    let t = tender(c, &buyer, "货物", "公开招标", "最低价", ceiling, base, 25, bids, w);
    c.write_tender(&t, None)?;
    c.truth("P11", "tender", &t.id, &t.title, json!({"rejected_lowest": rejected}), "最低价法项目中最低报价被否决");

    // P12: the winner was founded 60 days before the notice.
    let buyer = c.plant_unit("职业技术学校");
    let young = firm(c, base - chrono::Duration::days(60))?;
    let (mut bids, low) = clean_bids_and(c, ceiling, 2, |p| p.iter().copied().min().unwrap_or(ceiling) - 5_000_00)?;
    bids.push(BidPlan { firm: young.clone(), price: low, valid: true });
    let t = tender(c, &buyer, "工程建设", "公开招标", "最低价", ceiling, base, 25, bids, 2);
    c.write_tender(&t, None)?;
    c.truth(
        "P12",
        "tender",
        &t.id,
        &t.title,
        json!({"winner": young.code, "days_since_founding": 60}),
        "成立60天的企业中标百万元以上项目",
    );

    // P13: a revoked firm bids.
    let buyer = c.plant_unit("气象局");
    let birth = date(1975, 3, 3);
    let rep = c.new_person(birth, true);
    let household = format!("HE{:06}", c.next());
    c.write_person(&rep, &household, crate::COUNTY, "清风县城关镇")?;
    let revoked = c.write_firm(
        "91",
        "清风县通达建设工程有限公司",
        "企业",
        &rep,
        date(2010, 1, 1),
        "吊销",
        Some(date(2024, 12, 1)),
        &[&rep],
    )?;
    // The revoked firm makes the highest of three clean bids.
    let mut bids = clean_bids(c, ceiling, 3)?;
    let high = (0..bids.len()).max_by_key(|&j| bids[j].price).unwrap_or(0);
    bids[high].firm = revoked.clone();
    let w = lowest(&bids);
    let t = tender(c, &buyer, "工程建设", "公开招标", "最低价", ceiling, base, 25, bids, w);
    c.write_tender(&t, None)?;
    c.truth(
        "P13",
        "tender",
        &t.id,
        &t.title,
        json!({"bidder": revoked.code, "status": "revoked", "status_date": "2024-12-01"}),
        "已吊销企业参与投标",
    );
    Ok(())
}

/// A unit of its own with one budget line and twelve even monthly payments
/// (`monthly` fen each), plus whatever the case adds. Budgets leave room for the
/// case's own payment and are at least half spent by September (else F05 fires).
fn unit_with_line(
    c: &mut County,
    name: &str,
    adjusted: i64,
    monthly: i64,
    ledger: &mut PayeeLedger,
    skip_months: &[u32],
) -> std::io::Result<(Unit, String)> {
    let unit = c.plant_unit(name);
    let line = "2010102".to_owned();
    c.write_budget(&unit, &line, "一般行政管理事务", adjusted, None)?;
    for month in 1..=12u32 {
        if skip_months.contains(&month) {
            continue;
        }
        let day = c.workday(date(2025, month, 3), date(2025, month, 26));
        let fen = monthly + c.rng.range(0, 90_000);
        if let Some(payee) = c.payee_for(ledger, &unit.code, day) {
            c.write_payment(&unit, &line, day, fen, &payee, "转账", "办公用品及服务", None)?;
        }
    }
    Ok((unit, line))
}

fn finance(c: &mut County, _i: usize) -> R {
    let mut ledger = PayeeLedger::default();
    // F01: a line paid 112 % of its budget.
    let (unit, line) = unit_with_line(c, "统计局", 500_000_00, 4_660_000, &mut ledger, &[])?;
    c.truth(
        "F01",
        "unit",
        &unit.code,
        &unit.name,
        json!({"year": 2025, "budget_line": line, "adjusted_fen": 50_000_000}),
        "预算科目全年支付超出调整后预算",
    );

    // F02: 68,000 yuan in cash.
    let (unit, line) = unit_with_line(c, "信访局", 600_000_00, 4_000_000, &mut ledger, &[])?;
    let day = c.workday(date(2025, 5, 12), date(2025, 5, 23));
    let payee = c.payee_for(&mut ledger, &unit.code, day).unwrap_or_else(|| c.payees[0].clone());
    c.write_payment(&unit, &line, day, 6_800_000, &payee, "现金", "会务费", None)?;
    c.truth(
        "F02",
        "unit",
        &unit.code,
        &unit.name,
        json!({"payee": payee.code, "amount_fen": 6_800_000, "date": day.to_string()}),
        "现金支付6.8万元",
    );

    // F03: 60,000 and 55,000 to one payee three days apart (threshold 100,000).
    let (unit, line) = unit_with_line(c, "司法局", 700_000_00, 4_000_000, &mut ledger, &[])?;
    let firm = c.clean_firm("科技", date(2015, 1, 1))?;
    let first = date(2025, 7, 14);
    c.write_payment(&unit, &line, first, 6_000_000, &firm, "转账", "信息化建设", None)?;
    c.write_payment(&unit, &line, first + chrono::Duration::days(3), 5_500_000, &firm, "转账", "信息化建设", None)?;
    c.truth("F03", "unit", &unit.code, &unit.name, json!({"payee": firm.code, "dates": [first.to_string(), (first + chrono::Duration::days(3)).to_string()], "amounts_fen": [6_000_000, 5_500_000]}), "7天内向同一收款人拆分支付");

    // F04: paid to a company of an official's brother.
    let (unit, line) = unit_with_line(c, "审计局", 600_000_00, 4_000_000, &mut ledger, &[])?;
    let (official, _) = c.plant_person(47, true)?;
    c.write_official(&official, &unit, "副局长", "公务员", true, crate::COUNTY)?;
    let (brother, _) = c.plant_person(44, true)?;
    c.write_kin(&official, &brother, "兄弟姐妹")?;
    let related = c.write_firm(
        "91",
        "清风县启明咨询服务有限公司",
        "企业",
        &brother,
        date(2017, 3, 1),
        "存续",
        None,
        &[&brother],
    )?;
    c.write_payment(&unit, &line, date(2025, 8, 12), 3_000_000, &related, "转账", "咨询服务费", None)?;
    c.truth(
        "F04",
        "unit",
        &unit.code,
        &unit.name,
        json!({"payee": related.code, "legal_rep": brother.id, "official": official.id, "relation": "sibling"}),
        "向本单位领导兄弟的企业付款",
    );

    // F05: a third spent by September, 60 % by year end.
    let unit = c.plant_unit("地方志办公室");
    let line = "2010102";
    c.write_budget(&unit, line, "一般行政管理事务", 1_000_000_00, None)?;
    for (month, fen) in [(2, 10_000_000i64), (5, 10_000_000), (8, 10_000_000), (10, 15_000_000), (11, 15_000_000)] {
        let day = c.workday(date(2025, month, 3), date(2025, month, 26));
        if let Some(payee) = c.payee_for(&mut ledger, &unit.code, day) {
            c.write_payment(&unit, line, day, fen, &payee, "转账", "编纂经费", None)?;
        }
    }
    c.truth(
        "F05",
        "unit",
        &unit.code,
        &unit.name,
        json!({"year": 2025, "budget_line": line, "spent_by_september": 0.30, "spent_by_year_end": 0.60}),
        "预算执行缓慢，资金沉淀",
    );

    // F06: 324 payments whose first digits are mostly 7 to 9.
    let unit = c.plant_unit("城乡建设投资服务中心");
    let n = 324;
    let mut total = 0i64;
    let mut planned = Vec::new();
    for k in 0..n {
        let digit = [7i64, 8, 9, 7, 8, 9, 1, 2, 5][k % 9];
        let fen = (digit * 1000 + c.rng.range(0, 999)) * 100 + c.rng.range(0, 99);
        total += fen;
        planned.push(((k % 12) as u32 + 1, fen));
    }
    let budget = (total as f64 / 0.9) as i64 / 100_000 * 100_000;
    c.write_budget(&unit, "2120101", "城乡社区管理事务", budget, None)?;
    for (month, fen) in planned {
        let day = c.workday(date(2025, month, 2), date(2025, month, 27));
        if let Some(payee) = c.payee_for(&mut ledger, &unit.code, day) {
            c.write_payment(&unit, "2120101", day, fen, &payee, "转账", "工程服务费", None)?;
        }
    }
    c.truth(
        "F06",
        "unit",
        &unit.code,
        &unit.name,
        json!({"year": 2025, "payments": n}),
        "支付金额首位数字明显偏离本福特定律",
    );

    // F07: one voucher paid twice.
    let (unit, line) = unit_with_line(c, "档案局", 600_000_00, 4_000_000, &mut ledger, &[])?;
    let firm = c.clean_firm("印务", date(2014, 6, 1))?;
    let voucher = format!("PZ2025-F07{:04}", c.next());
    c.write_payment(&unit, &line, date(2025, 9, 3), 2_345_678, &firm, "转账", "印刷费", Some(&voucher))?;
    c.write_payment(&unit, &line, date(2025, 9, 15), 2_345_678, &firm, "转账", "印刷费", Some(&voucher))?;
    c.truth(
        "F07",
        "unit",
        &unit.code,
        &unit.name,
        json!({"payee": firm.code, "voucher_no": voucher, "amount_fen": 2_345_678}),
        "同一凭证号重复支付",
    );

    // F08: 37 % of the year paid in December.
    let (unit, line) = unit_with_line(c, "科学技术局", 1_000_000_00, 6_500_000, &mut ledger, &[10, 11, 12])?;
    let day = c.workday(date(2025, 12, 8), date(2025, 12, 19));
    let payee = c.payee_for(&mut ledger, &unit.code, day).unwrap_or_else(|| c.payees[0].clone());
    c.write_payment(&unit, &line, day, 35_000_000, &payee, "转账", "设备购置", None)?;
    c.truth(
        "F08",
        "unit",
        &unit.code,
        &unit.name,
        json!({"year": 2025, "budget_line": line, "december_fen": 35_000_000}),
        "年末突击支出",
    );

    // F09: paid to a company cancelled before the payment.
    let (unit, line) = unit_with_line(c, "退役军人事务局", 600_000_00, 4_000_000, &mut ledger, &[])?;
    let rep = c.new_person(date(1971, 9, 9), true);
    let household = format!("HE{:06}", c.next());
    c.write_person(&rep, &household, crate::COUNTY, "清风县城关镇")?;
    let gone = c.write_firm(
        "91",
        "清风县瑞祥商贸有限公司",
        "企业",
        &rep,
        date(2009, 1, 1),
        "注销",
        Some(date(2024, 11, 30)),
        &[&rep],
    )?;
    c.write_payment(&unit, &line, date(2025, 4, 10), 1_860_000, &gone, "转账", "物资采购", None)?;
    c.truth(
        "F09",
        "unit",
        &unit.code,
        &unit.name,
        json!({"payee": gone.code, "status": "cancelled", "status_date": "2024-11-30", "date": "2025-04-10"}),
        "向已注销企业付款",
    );
    Ok(())
}

/// The first Sunday on or after `from` that is neither a holiday nor a swapped workday.
fn plain(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut d = from;
    while d.weekday() != weekday || crate::is_holiday(d) || crate::is_swapped_workday(d) {
        d += chrono::Duration::days(1);
    }
    d
}

/// A petrol car of `unit` with a tank of `tank` litres, a fuel card, and these refuels
/// (time, city, litres, product); returns its plate and card.
fn car_with_refuels(
    c: &mut County,
    unit: &Unit,
    tank: i64,
    refuels: &[(NaiveDateTime, &str, f64, &str)],
) -> std::io::Result<(String, String)> {
    let (plate, card) = c.write_official_vehicle(unit, "汽油", tank, "台州市")?;
    let card = card.unwrap_or_default();
    for &(time, city, litres, product) in refuels {
        let station = if city == "台州市" { "中石化清风城关加油站" } else { "中石化加油站" };
        c.write_refuel(&card, &plate, time, station, city, litres, product)?;
    }
    Ok((plate, card))
}

fn conduct(c: &mut County, i: usize) -> R {
    let unit = c.units[1 + i % (c.units.len() - 1)].clone();
    let claimant = c.claimant(&unit);
    let ok_day = c.workday(date(2025, 3, 3), date(2025, 12, 19));
    // W01: a reception on a holiday, or on a plain Sunday.
    let day = if i.is_multiple_of(2) {
        date(2025, 10, 2)
    } else {
        plain(date(2025, 6, 2) + chrono::Duration::days(7 * i as i64), Weekday::Sun)
    };
    let claim = c.write_claim(
        &unit,
        &claimant,
        "公务接待",
        day,
        "清风县迎宾馆",
        6 * 120 * 100,
        Some(4),
        Some(2),
        "清函〔2025〕88号",
        "清风县",
        "接待检查组",
        None,
    )?;
    c.truth("W01", "claim", &claim, &unit.name, json!({"date": day.to_string()}), "节假日公务接待");

    // W02: over the per-head standard; too many companions; no approval document.
    let variant = i % 3;
    let (fen, guests, companions, approval) = match variant {
        0 => (6 * 400 * 100, 4, 2, "清函〔2025〕91号"),
        1 => (10 * 100 * 100, 4, 6, "清函〔2025〕92号"),
        _ => (5 * 120 * 100, 3, 2, ""),
    };
    let claim = c.write_claim(
        &unit,
        &claimant,
        "公务接待",
        ok_day,
        "清风县国际大酒店",
        fen,
        Some(guests),
        Some(companions),
        approval,
        "清风县",
        "接待调研组",
        None,
    )?;
    let reason = ["per_head_over_standard", "too_many_companions", "no_approval_document"][variant];
    c.truth(
        "W02",
        "claim",
        &claim,
        &unit.name,
        json!({"reason": reason, "guests": guests, "companions": companions, "amount_fen": fen}),
        "公务接待超标准",
    );
    if variant == 0 {
        // 400 yuan a head where receptions cost 60 to 140: a price outlier too.
        c.truth(
            "W09",
            "claim",
            &claim,
            &unit.name,
            json!({"per_head_fen": 40_000}),
            "人均费用远超同类接待（与W02同一事实）",
        );
    }

    // W09: a snack bar that bills 30 to 40 yuan a head, then 130 (under the standard).
    let vendor = format!("城关镇小吃店{}", i + 1);
    for k in 0..7 {
        let day = c.workday(
            date(2025, 3, 3) + chrono::Duration::days(30 * k),
            date(2025, 3, 24) + chrono::Duration::days(30 * k),
        );
        let fen = 6 * (3000 + c.rng.range(0, 1000));
        c.write_claim(
            &unit,
            &claimant,
            "公务接待",
            day,
            &vendor,
            fen,
            Some(4),
            Some(2),
            "清函〔2025〕96号",
            "清风县",
            "工作餐",
            None,
        )?;
    }
    let day = c.workday(date(2025, 11, 3), date(2025, 11, 21));
    let claim = c.write_claim(
        &unit,
        &claimant,
        "公务接待",
        day,
        &vendor,
        6 * 13_000,
        Some(4),
        Some(2),
        "清函〔2025〕97号",
        "清风县",
        "接待",
        None,
    )?;
    c.truth(
        "W09",
        "claim",
        &claim,
        &unit.name,
        json!({"vendor": vendor, "per_head_fen": 13_000}),
        "人均费用远超该商户常态",
    );

    // W03: a karaoke bar and a private club.
    let vendor = if i.is_multiple_of(2) { "金色年华KTV" } else { "御景会所" };
    let day = c.workday(date(2025, 4, 1), date(2025, 11, 28));
    let claim = c.write_claim(
        &unit,
        &claimant,
        "公务接待",
        day,
        vendor,
        5 * 110 * 100,
        Some(3),
        Some(2),
        "清函〔2025〕95号",
        "清风县",
        "接待",
        None,
    )?;
    c.truth("W03", "claim", &claim, &unit.name, json!({"vendor": vendor}), "在娱乐场所消费并报销");

    // W04: 82 litres into a 55-litre tank.
    let time = c.workday(date(2025, 5, 5), date(2025, 9, 26)).and_hms_opt(10, 20, 0).unwrap_or_default();
    let (plate, card) = car_with_refuels(c, &unit, 55, &[(time, "台州市", 82.0, "92#")])?;
    c.truth(
        "W04",
        "vehicle",
        &plate,
        &unit.name,
        json!({"card_no": card, "time": time.to_string(), "litres": 82.0, "tank": 55}),
        "单次加油量超过油箱容积",
    );

    // W05: twice within three hours.
    let day = c.workday(date(2025, 5, 5), date(2025, 9, 26));
    let times = [day.and_hms_opt(9, 5, 0).unwrap_or_default(), day.and_hms_opt(12, 5, 0).unwrap_or_default()];
    let (plate, card) =
        car_with_refuels(c, &unit, 60, &[(times[0], "台州市", 30.0, "92#"), (times[1], "台州市", 30.0, "92#")])?;
    c.truth(
        "W05",
        "vehicle",
        &plate,
        &unit.name,
        json!({"card_no": card, "date": day.to_string()}),
        "同一加油卡一日内多次加油",
    );

    // W06: a plain Saturday, or another city.
    let (time, city, reason) = if i.is_multiple_of(2) {
        let saturday = plain(date(2025, 7, 1) + chrono::Duration::days(7 * i as i64), Weekday::Sat);
        (saturday.and_hms_opt(15, 0, 0).unwrap_or_default(), "台州市", "rest_day")
    } else {
        (
            c.workday(date(2025, 7, 1), date(2025, 9, 26)).and_hms_opt(11, 0, 0).unwrap_or_default(),
            "杭州市",
            "out_of_town",
        )
    };
    let (plate, card) = car_with_refuels(c, &unit, 60, &[(time, city, 35.0, "95号汽油")])?;
    c.truth(
        "W06",
        "vehicle",
        &plate,
        &unit.name,
        json!({"card_no": card, "time": time.to_string(), "city": city, "reason": reason}),
        "节假日或异地加油",
    );

    // W07: diesel in a petrol car.
    let time = c.workday(date(2025, 3, 3), date(2025, 11, 28)).and_hms_opt(9, 40, 0).unwrap_or_default();
    let (plate, card) = car_with_refuels(c, &unit, 60, &[(time, "台州市", 40.0, "0#柴油")])?;
    c.truth(
        "W07",
        "vehicle",
        &plate,
        &unit.name,
        json!({"card_no": card, "product": "diesel", "fuel_type": "gasoline"}),
        "汽油车加柴油",
    );

    // W08: one invoice claimed twice.
    let invoice = format!("3310{:016}", 9_000_000_000_000u64 + c.next());
    let day = c.workday(date(2025, 3, 3), date(2025, 11, 28));
    let first = c.write_claim(
        &unit,
        &claimant,
        "差旅",
        day,
        "",
        168_000,
        None,
        None,
        "清差〔2025〕12号",
        "杭州市",
        "出差",
        Some(&invoice),
    )?;
    let later = c.workday(day + chrono::Duration::days(20), day + chrono::Duration::days(40));
    let second = c.write_claim(
        &unit,
        &claimant,
        "差旅",
        later,
        "",
        168_000,
        None,
        None,
        "清差〔2025〕19号",
        "杭州市",
        "出差",
        Some(&invoice),
    )?;
    c.truth(
        "W08",
        "claim",
        &second,
        &unit.name,
        json!({"invoice_no": invoice, "claims": [first, second]}),
        "同一发票重复报销",
    );
    let _ = ok_day;
    Ok(())
}
