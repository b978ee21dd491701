//! Budgets and payments (F), reimbursements and official cars (W), and the
//! inspection directories, all with nothing that a model flags.

use crate::{County, Firm, Person, Unit, date};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Benford's share of first digit `d`.
fn benford(d: u32) -> f64 {
    (1.0 + 1.0 / f64::from(d)).log10()
}

/// First digits for `n` amounts in exact Benford proportions, shuffled.
pub fn benford_digits(c: &mut County, n: usize) -> Vec<u32> {
    let mut digits = Vec::with_capacity(n);
    for d in 1..=9u32 {
        let count = (benford(d) * n as f64).round() as usize;
        digits.extend(std::iter::repeat_n(d, count));
    }
    while digits.len() < n {
        digits.push(1);
    }
    digits.truncate(n);
    for i in (1..digits.len()).rev() {
        let j = c.rng.range(0, i as i64 + 1) as usize;
        digits.swap(i, j);
    }
    digits
}

const LINES: &[(&str, &str)] = &[
    ("2010101", "行政运行"),
    ("2010102", "一般行政管理事务"),
    ("2010350", "事业运行"),
    ("2080201", "民政管理事务"),
    ("2120101", "城乡社区管理事务"),
    ("2130101", "农业农村行政运行"),
    ("2140101", "公路养护"),
    ("2050201", "学前教育"),
    ("2050202", "小学教育"),
    ("2050203", "初中教育"),
    ("2100201", "综合医院"),
    ("2110301", "大气污染防治"),
    ("2130301", "水利工程建设"),
    ("2240101", "应急管理"),
    ("2010301", "机关服务"),
    ("2070101", "文化活动"),
];

/// Payees paid by a unit and when, so that no payee is paid twice within 45
/// days (F03, F07) or the same amount twice.
#[derive(Default)]
pub struct PayeeLedger {
    /// Every day each unit paid each firm: payments are written line by line, not
    /// in date order, so one remembered day is not enough.
    paid: HashMap<(String, String), Vec<NaiveDate>>,
}

impl County {
    pub fn payee_for(&mut self, ledger: &mut PayeeLedger, unit: &str, day: NaiveDate) -> Option<Firm> {
        let pool: Vec<Firm> = self.payees.iter().chain(self.bidders.iter()).cloned().collect();
        for _ in 0..60 {
            if pool.is_empty() {
                break;
            }
            let f = self.rng.pick(&pool).clone();
            let key = (unit.to_owned(), f.code.clone());
            let days = ledger.paid.entry(key).or_default();
            if days.iter().all(|d| (day - *d).num_days().abs() > 45) {
                days.push(day);
                return Some(f);
            }
        }
        // A small county has few suppliers: register one more rather than pay one twice.
        let firm = self.clean_firm("商贸", date(2012, 3, 1)).ok()?;
        ledger.paid.insert((unit.to_owned(), firm.code.clone()), vec![day]);
        self.payees.push(firm.clone());
        Some(firm)
    }

    /// A new active company whose owner is a new, unrelated person.
    pub fn clean_firm(&mut self, trade: &str, established: NaiveDate) -> std::io::Result<Firm> {
        let birth = self.random_date(date(1965, 1, 1), date(1990, 12, 31));
        let male = self.rng.chance(0.7);
        let rep = self.new_person(birth, male);
        let n = self.next();
        self.write_person(&rep, &format!("HE{n:06}"), crate::COUNTY, "清风县城关镇")?;
        let name = format!(
            "{}{}{}有限公司",
            crate::COUNTY_NAME,
            ["鼎盛", "嘉禾", "润泽", "宏图", "立信", "昌达", "和顺", "新宇"][(n % 8) as usize],
            trade
        );
        self.write_firm("91", &name, "企业", &rep, established, "存续", None, &[&rep])
    }

    /// One payment row; `method` is the Chinese label.
    #[allow(clippy::too_many_arguments)]
    pub fn write_payment(
        &mut self,
        unit: &Unit,
        line: &str,
        day: NaiveDate,
        fen: i64,
        payee: &Firm,
        method: &str,
        purpose: &str,
        voucher: Option<&str>,
    ) -> std::io::Result<()> {
        let n = self.next();
        let id = format!("ZF{}{:08}", day.year(), n);
        let voucher = voucher.map(str::to_owned).unwrap_or_else(|| format!("PZ{}-{:06}", day.year(), n));
        let day_text = self.out.date(day);
        let amount = self.out.money(fen);
        let account = format!("3301{:012}", n);
        let year = day.year().to_string();
        self.t.payment.row([
            id.as_str(),
            &unit.code,
            &year,
            line,
            &day_text,
            &amount,
            &payee.name,
            &payee.code,
            &account,
            method,
            purpose,
            &voucher,
        ])
    }

    pub fn write_budget(
        &mut self,
        unit: &Unit,
        line: &str,
        line_name: &str,
        approved: i64,
        adjusted: Option<i64>,
    ) -> std::io::Result<()> {
        let approved = self.out.money(approved);
        let adjusted = adjusted.map(|a| self.out.money(a)).unwrap_or_default();
        self.t.budget.row([unit.code.as_str(), &unit.name, "2025", line, line_name, &approved, &adjusted])
    }

    /// Twelve monthly amounts for a budget line, first digits given, evened out so
    /// that December stays small (F08) and most is spent by September (F05).
    pub fn monthly_amounts(&mut self, digits: &[u32], magnitude: i64) -> Vec<i64> {
        let mut amounts: Vec<i64> = digits
            .iter()
            .map(|&d| ((f64::from(d) + self.rng.unit() * 0.999) * magnitude as f64 * 100.0).round() as i64)
            .collect();
        // Keep the largest amounts out of October to December: December under a
        // quarter of the year, January to September at least 60 %.
        let total: i64 = amounts.iter().sum();
        for _ in 0..12 {
            let late = (9..12).max_by_key(|&i| amounts[i]).unwrap_or(11);
            let early = (0..9).min_by_key(|&i| amounts[i]).unwrap_or(0);
            let by_september: i64 = amounts[..9].iter().sum();
            if (by_september * 10 >= total * 6 && amounts[11] * 4 <= total) || amounts[late] <= amounts[early] {
                break;
            }
            amounts.swap(late, early);
        }
        amounts
    }

    pub fn finance_background(&mut self) -> std::io::Result<()> {
        let units = self.units.clone();
        let mut ledger = PayeeLedger::default();
        for (index, unit) in units.iter().enumerate() {
            // Two large units pass 300 payments a year, so F06 (Benford) judges them.
            let line_count = if index == 1 || index == 3 { 16 } else { self.rng.range(3, 6) as usize };
            let digits = benford_digits(self, line_count * 12);
            let mut chosen: Vec<(&str, &str)> = Vec::new();
            while chosen.len() < line_count.min(LINES.len()) {
                let l = *self.rng.pick(LINES);
                if !chosen.contains(&l) {
                    chosen.push(l);
                }
            }
            // Big units repeat lines with sub-items so that each line stays separate.
            for k in 0..line_count {
                let (code, name) = chosen[k % chosen.len()];
                let code = if k >= chosen.len() { format!("{code}{:02}", k) } else { code.to_owned() };
                let magnitude = 10i64.pow(self.rng.range(3, 5) as u32);
                let amounts = self.monthly_amounts(&digits[k * 12..k * 12 + 12], magnitude);
                let total: i64 = amounts.iter().sum();
                let by_september: i64 = amounts[..9].iter().sum();
                let spent_share = 0.86 + self.rng.unit() * 0.06;
                let adjusted = ((total as f64 / spent_share) / 100_000.0).ceil() as i64 * 100_000;
                // Most is spent by the reference date; otherwise F05 would fire.
                let adjusted = adjusted.min((by_september as f64 / 0.55) as i64 / 100_000 * 100_000).max(total);
                let (approved, adjusted) = if self.rng.chance(0.2) {
                    (adjusted * 10 / 11 / 100 * 100, Some(adjusted))
                } else {
                    (adjusted, None)
                };
                self.write_budget(unit, &code, name, approved, adjusted)?;
                for (m, fen) in amounts.into_iter().enumerate() {
                    let month = m as u32 + 1;
                    let day = self.workday(date(2025, month, 3), date(2025, month, 26));
                    let Some(payee) = self.payee_for(&mut ledger, &unit.code, day) else {
                        continue;
                    };
                    let method = if fen < 200_000 && self.rng.chance(0.3) { "公务卡" } else { "转账" };
                    self.write_payment(unit, &code, day, fen, &payee, method, name, None)?;
                }
            }
        }
        Ok(())
    }

    pub fn vendors() -> &'static [&'static str] {
        &[
            "清风县迎宾馆",
            "清风县国际大酒店",
            "城关镇红枫饭店",
            "清风县机关食堂",
            "天湖宾馆",
            "山水人家酒店",
            "平桥镇农家饭庄",
        ]
    }

    pub fn claimant(&mut self, unit: &Unit) -> Person {
        match self.staff.get(&unit.code).filter(|s| !s.is_empty()) {
            Some(staff) => {
                let i = self.rng.range(0, staff.len() as i64) as usize;
                staff[i].clone()
            }
            None => {
                let birth = self.random_date(date(1970, 1, 1), date(1995, 12, 31));
                self.new_person(birth, true)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn write_claim(
        &mut self,
        unit: &Unit,
        claimant: &Person,
        category: &str,
        day: NaiveDate,
        vendor: &str,
        fen: i64,
        guests: Option<i64>,
        companions: Option<i64>,
        approval: &str,
        city: &str,
        purpose: &str,
        invoice: Option<&str>,
    ) -> std::io::Result<String> {
        let n = self.next();
        let claim = format!("BX{}{:07}", day.year(), n);
        let invoice = invoice.map(str::to_owned).unwrap_or_else(|| format!("3310{:016}", 2025_0000_0000 + n));
        let day_text = self.out.date(day);
        let amount = self.out.money(fen);
        let guests = guests.map(|g| g.to_string()).unwrap_or_default();
        let companions = companions.map(|g| g.to_string()).unwrap_or_default();
        self.t.reimbursement.row([
            claim.as_str(),
            &unit.code,
            &claimant.id,
            &claimant.name,
            category,
            &day_text,
            vendor,
            "",
            &amount,
            &guests,
            &companions,
            approval,
            city,
            purpose,
            &invoice,
        ])?;
        Ok(claim)
    }

    pub fn conduct_background(&mut self) -> std::io::Result<()> {
        let units = self.units.clone();
        for unit in &units {
            let claims = self.rng.range(8, 20);
            for _ in 0..claims {
                let day = self.workday(date(2025, 1, 6), date(2026, 6, 26));
                let claimant = self.claimant(unit);
                if self.rng.chance(0.55) {
                    let guests = self.rng.range(2, 11);
                    let companions = self.rng.range(1, 4);
                    let per_head = self.rng.range(60, 141);
                    let fen = per_head * (guests + companions) * 100;
                    let vendor = *self.rng.pick(County::vendors());
                    let approval = format!("清函〔{}〕{}号", day.year(), self.rng.range(1, 300));
                    self.write_claim(
                        unit,
                        &claimant,
                        "公务接待",
                        day,
                        vendor,
                        fen,
                        Some(guests),
                        Some(companions),
                        &approval,
                        "清风县",
                        "上级部门调研接待",
                        None,
                    )?;
                } else {
                    let fen = self.rng.range(300, 3000) * 100;
                    let city = *self.rng.pick(&["杭州市", "宁波市", "北京市", "上海市"]);
                    let approval = format!("清差〔{}〕{}号", day.year(), self.rng.range(1, 300));
                    self.write_claim(
                        unit,
                        &claimant,
                        "差旅",
                        day,
                        "",
                        fen,
                        None,
                        None,
                        &approval,
                        city,
                        "参加业务培训",
                        None,
                    )?;
                }
            }
            let vehicles = self.rng.range(1, 3);
            for _ in 0..vehicles {
                let roll = self.rng.unit();
                let fuel = if roll < 0.8 {
                    "汽油"
                } else if roll < 0.95 {
                    "柴油"
                } else {
                    "电"
                };
                let tank = if fuel == "电" { 0 } else { self.rng.range(50, 71) };
                let (plate, card) = self.write_official_vehicle(unit, fuel, tank, "台州市")?;
                if let Some(card) = card {
                    let mut day = self.workday(date(2025, 1, 6), date(2025, 1, 20));
                    while day < date(2026, 6, 20) {
                        let litres = self.rng.range(200, (tank as f64 * 0.8 * 10.0) as i64) as f64 / 10.0;
                        let product = if fuel == "柴油" {
                            "0#柴油"
                        } else if self.rng.chance(0.7) {
                            "92#"
                        } else {
                            "95号汽油"
                        };
                        let time = day
                            .and_hms_opt(self.rng.range(8, 17) as u32, self.rng.range(0, 60) as u32, 0)
                            .unwrap_or_default();
                        self.write_refuel(&card, &plate, time, "中石化清风城关加油站", "台州市", litres, product)?;
                        let next = day + chrono::Duration::days(self.rng.range(7, 13));
                        day = self.workday(next, next + chrono::Duration::days(5));
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes an official vehicle; returns its plate and fuel card.
    pub fn write_official_vehicle(
        &mut self,
        unit: &Unit,
        fuel: &str,
        tank: i64,
        city: &str,
    ) -> std::io::Result<(String, Option<String>)> {
        let plate = self.new_plate();
        let card = (fuel != "电").then(|| format!("YK{:08}", self.next()));
        let model = if fuel == "柴油" {
            "江铃全顺"
        } else if fuel == "电" {
            "比亚迪秦EV"
        } else {
            "大众帕萨特"
        };
        let tank_text = if tank > 0 { tank.to_string() } else { String::new() };
        self.t.official_vehicle.row([
            plate.as_str(),
            &unit.code,
            model,
            fuel,
            &tank_text,
            card.as_deref().unwrap_or(""),
            city,
        ])?;
        Ok((plate, card))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn write_refuel(
        &mut self,
        card: &str,
        plate: &str,
        time: chrono::NaiveDateTime,
        station: &str,
        city: &str,
        litres: f64,
        product: &str,
    ) -> std::io::Result<()> {
        let time = self.out.datetime(time);
        let amount = self.out.money((litres * 780.0).round() as i64);
        let litres = format!("{litres:.1}");
        self.t.fuel_record.row([card, plate, &time, station, city, &litres, product, &amount])
    }

    pub fn inspection(&mut self, scale: f64) -> std::io::Result<()> {
        let market =
            self.units.iter().find(|u| u.name.contains("市场监督")).cloned().unwrap_or_else(|| self.units[0].clone());
        let items = [
            ("食品经营者监督检查", "《中华人民共和国食品安全法》第八十七条"),
            ("特种设备使用单位监督检查", "《中华人民共和国特种设备安全法》第五十七条"),
            ("产品质量监督抽查", "《中华人民共和国产品质量法》第十五条"),
            ("计量器具使用监督检查", "《中华人民共和国计量法》第十八条"),
            ("广告发布行为检查", "《中华人民共和国广告法》第四十九条"),
            ("企业公示信息抽查", "《企业信息公示暂行条例》第十四条"),
            ("价格行为检查", "《中华人民共和国价格法》第三十三条"),
            ("药品经营质量检查", "《中华人民共和国药品管理法》第九十九条"),
        ];
        for (i, (name, basis)) in items.iter().enumerate() {
            let code = format!("SJ-{:03}", i + 1);
            self.t.inspection_item.row([code.as_str(), name, "市场监督管理局", basis, "企业;个体工商户"])?;
        }
        let targets: Vec<Firm> = self.bidders.iter().chain(self.payees.iter()).cloned().collect();
        for f in &targets {
            let class = *self.rng.weighted(&[("A", 50u32), ("B", 30), ("C", 15), ("D", 5)]);
            let last = if self.rng.chance(0.6) {
                let d = self.random_date(date(2023, 1, 1), date(2026, 5, 31));
                self.out.date(d)
            } else {
                String::new()
            };
            self.t.inspection_target.row([f.code.as_str(), &f.name, "综合", crate::COUNTY, class, &last])?;
        }
        let inspectors = (24.0 * scale.sqrt()).round().max(8.0) as usize;
        for i in 0..inspectors {
            let birth = self.random_date(date(1968, 1, 1), date(1996, 12, 31));
            let male = self.rng.chance(0.6);
            let p = self.new_person(birth, male);
            let household = format!("HI{:05}", i + 1);
            self.write_person(&p, &household, crate::COUNTY, "清风县城关镇")?;
            self.write_official(&p, &market, "执法人员", "公务员", false, crate::COUNTY)?;
            let certificate = format!("33109900{:04}", i + 1);
            let specialty = *self.rng.pick(&["食品", "特种设备", "计量;价格", "广告;网络交易", "药品"]);
            self.t.inspector.row([
                p.id.as_str(),
                &p.name,
                "市场监督管理局",
                &certificate,
                specialty,
                crate::COUNTY,
                "是",
            ])?;
        }
        Ok(())
    }
}
