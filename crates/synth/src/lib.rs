//! `qingfeng synth`: a synthetic county with every table of the data contract,
//! written as the files departments send, with **planted cases** for every
//! supervision model of `shared/MODELS.md` and their ground truth in
//! `_truth.jsonl`.
//!
//! The background is built so that no model fires on it: payments stop at
//! death, officials and village cadres and their kin receive nothing and hold
//! no enterprise roles, means-tested households own no car, bids are spread,
//! spending is even, receptions fall on ordinary working days. Each planted case
//! is built on purpose-made records so that it fires its model and no other.
//!
//! Generation goes village by village and keeps only bounded pools across
//! villages, so memory stays flat and time grows linearly with `--scale`.

// Amounts in fen are written `yuan_fen`, e.g. `3_000_000_00` for 3,000,000.00 yuan.
#![allow(clippy::inconsistent_digit_grouping)]

mod activity;
mod calendar;
mod names;
mod out;
mod plants;
mod rng;
mod trading;

pub use calendar::{entries as calendar_entries, is_holiday, is_safe_workday, is_swapped_workday, is_weekend};

use chrono::{Datelike, NaiveDate};
use domain::{CreditCode, IdNumber};
use out::{Out, Table};
use rng::Rng;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The synthetic county: 清风县, code 331099 (a code GB/T 2260 does not assign).
pub const COUNTY: &str = "331099";
pub const COUNTY_NAME: &str = "清风县";
/// Persons per unit of `--scale`.
pub const PERSONS_PER_SCALE: f64 = 100_000.0;
const VILLAGE_SIZE: usize = 400;
/// The data describe the county up to this day.
pub fn data_end() -> NaiveDate {
    date(2026, 6, 30)
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub scale: f64,
    pub seed: u64,
    pub dirty: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("写入{path}失败 / cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("规模应为正数 / the scale must be positive, not {0}")]
    Scale(f64),
}

#[derive(Debug, Default)]
pub struct Summary {
    pub persons: u64,
    pub villages: usize,
    pub files: Vec<(String, u64)>,
    pub truth_cases: usize,
}

/// One ground-truth case: the model it should fire, its subject, and the
/// identifying keys of the records behind it.
pub(crate) struct Truth {
    model: &'static str,
    subject_kind: &'static str,
    subject_id: String,
    subject_name: String,
    keys: serde_json::Value,
    note: String,
}

#[derive(Clone)]
pub(crate) struct Person {
    pub id: String,
    pub name: String,
    pub male: bool,
    pub birth: NaiveDate,
}

impl Person {
    pub fn age_on(&self, d: NaiveDate) -> i32 {
        let mut age = d.year() - self.birth.year();
        if (d.month(), d.day()) < (self.birth.month(), self.birth.day()) {
            age -= 1;
        }
        age
    }
}

#[derive(Clone)]
pub(crate) struct Unit {
    pub code: String,
    pub name: String,
}

#[derive(Clone)]
pub(crate) struct Firm {
    pub code: String,
    pub name: String,
}

/// The tables being written, with the state shared across villages.
pub(crate) struct County {
    pub rng: Rng,
    pub out: Out,
    pub t: Tables,
    pub truth: Vec<Truth>,
    birth_sequence: HashMap<NaiveDate, u16>,
    credit_sequence: u32,
    plate_sequence: u32,
    account_sequence: u64,
    record_sequence: u64,
    tender_sequence: u32,
    pub sequence: u64,
    /// A few staff of each unit, for claimants and drivers (bounded).
    pub staff: HashMap<String, Vec<Person>>,
    pub units: Vec<Unit>,
    /// The civil-affairs bureau (民政局), which pays livelihood funds.
    pub civil_affairs: Unit,
    /// Civil-affairs staff who handle payments; their kin receive nothing.
    pub handlers: Vec<Person>,
    /// Active companies with clean owners, for tenders (bounded).
    pub bidders: Vec<Firm>,
    /// Active enterprises with clean owners, for payments (bounded).
    pub payees: Vec<Firm>,
    pub persons: u64,
    pub plants_per_model: usize,
}

pub(crate) struct Tables {
    pub person: Table,
    pub death: Table,
    pub official: Table,
    pub kinship: Table,
    pub enterprise: Table,
    pub enterprise_role: Table,
    pub vehicle: Table,
    pub property: Table,
    pub fund_program: Table,
    pub disbursement: Table,
    pub tender: Table,
    pub bid: Table,
    pub award: Table,
    pub budget: Table,
    pub payment: Table,
    pub reimbursement: Table,
    pub official_vehicle: Table,
    pub fuel_record: Table,
    pub inspection_item: Table,
    pub inspection_target: Table,
    pub inspector: Table,
    pub calendar: Table,
}

const POOL_LIMIT: usize = 400;

const TOWNS: &[&str] = &[
    "城关镇",
    "平桥镇",
    "石梁镇",
    "白鹤镇",
    "街头镇",
    "三合镇",
    "洪畴镇",
    "龙溪乡",
    "雷峰乡",
    "泳溪乡",
    "坦头镇",
    "南屏乡",
];
const VILLAGE_NAMES: &[&str] = &[
    "东山", "西岙", "下洋", "塔后", "前溪", "后岸", "上王", "张家", "溪头", "岭下", "枫树", "桥头", "竹林", "大路",
    "新屋", "石门",
];

pub(crate) fn program_rows() -> [[&'static str; 10]; 6] {
    [
        ["DB01", "城乡居民最低生活保障", "民生", "民政局", "是", "", "月", "", "", "basic"],
        ["TK01", "特困人员救助供养", "救助", "民政局", "是", "1250.00", "月", "", "", "basic"],
        ["GL80", "高龄津贴", "民生", "民政局", "否", "100.00", "月", "80", "", ""],
        ["CJ01", "困难残疾人生活补贴", "民生", "残联", "是", "90.00", "月", "", "", ""],
        ["CJ02", "重度残疾人护理补贴", "民生", "残联", "否", "90.00", "月", "", "", ""],
        ["GD01", "耕地地力保护补贴", "涉农", "农业农村局", "否", "", "年", "", "", ""],
    ]
}

/// The months paid: January 2025 to June 2026.
pub(crate) fn months() -> Vec<(i32, u32)> {
    let mut all = Vec::new();
    for y in [2025, 2026] {
        for m in 1..=12 {
            if (y, m) <= (2026, 6) {
                all.push((y, m));
            }
        }
    }
    all
}

impl County {
    pub fn new_id(&mut self, birth: NaiveDate, male: bool) -> String {
        let counter = self.birth_sequence.entry(birth).or_insert(0);
        let sequence = (*counter * 2 + u16::from(male)) % 1000;
        *counter += 1;
        IdNumber::from_parts(COUNTY, birth, sequence).map(|i| i.to_string()).unwrap_or_default()
    }

    pub fn new_person(&mut self, birth: NaiveDate, male: bool) -> Person {
        let name = names::full(&mut self.rng, male);
        Person { id: self.new_id(birth, male), name, male, birth }
    }

    /// A fresh credit code: `prefix` is the registration authority and category (`91`, `11` …).
    pub fn new_credit_code(&mut self, prefix: &str) -> String {
        self.credit_sequence += 1;
        let first17 = format!("{prefix}{COUNTY}MA{:07}", self.credit_sequence);
        CreditCode::from_first17(&first17).map(|c| c.to_string()).unwrap_or_default()
    }

    pub fn new_plate(&mut self) -> String {
        self.plate_sequence += 1;
        let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        let n = self.plate_sequence;
        format!("浙J{}{:04}", letters[(n / 10_000) as usize % letters.len()] as char, n % 10_000)
    }

    pub fn new_account(&mut self) -> String {
        self.account_sequence += 1;
        format!("6217{:015}", 331_099_000_000_000 + self.account_sequence)
    }

    pub fn tender_id(&mut self, year: i32) -> String {
        self.tender_sequence += 1;
        format!("QF{year}{:06}", self.tender_sequence)
    }

    /// A number unique within the county, for claim, payment and voucher numbers.
    pub fn next(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    pub fn new_record(&mut self) -> String {
        self.record_sequence += 1;
        format!("FF{:010}", self.record_sequence)
    }

    pub fn random_date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days().max(1);
        from + chrono::Duration::days(self.rng.range(0, days))
    }

    /// A safe working day between `from` and `to` (see `calendar::is_safe_workday`).
    pub fn workday(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        for _ in 0..1000 {
            let d = self.random_date(from, to);
            if calendar::is_safe_workday(d) {
                return d;
            }
        }
        // The whole window is a holiday (National Day, Spring Festival): the first safe day after it.
        let mut d = from;
        while !calendar::is_safe_workday(d) && d < from + chrono::Duration::days(60) {
            d += chrono::Duration::days(1);
        }
        d
    }

    pub fn truth(
        &mut self,
        model: &'static str,
        subject_kind: &'static str,
        subject_id: &str,
        subject_name: &str,
        keys: serde_json::Value,
        note: &str,
    ) {
        self.truth.push(Truth {
            model,
            subject_kind,
            subject_id: subject_id.to_owned(),
            subject_name: subject_name.to_owned(),
            keys,
            note: note.to_owned(),
        });
    }

    pub fn write_person(&mut self, p: &Person, household: &str, region: &str, address: &str) -> std::io::Result<()> {
        self.write_person_as(p, household, region, address, false)
    }

    /// Writes a person; with `--dirty` and `may_mistype`, sometimes with a mistyped
    /// sequence digit (the check character then fails: imported, flagged).
    pub fn write_person_as(
        &mut self,
        p: &Person,
        household: &str,
        region: &str,
        address: &str,
        may_mistype: bool,
    ) -> std::io::Result<()> {
        let mut id = self.out.id(&p.id);
        if may_mistype && self.out.dirty && self.rng.chance(0.002) {
            let mut chars: Vec<char> = p.id.chars().collect();
            chars[15] = if chars[15] == '9' { '8' } else { char::from_u32(chars[15] as u32 + 1).unwrap_or('0') };
            id = chars.into_iter().collect();
        }
        let name = self.out.name(&p.name);
        let birth = if self.rng.chance(0.5) { self.out.date(p.birth) } else { String::new() };
        let gender = if birth.is_empty() {
            ""
        } else if p.male {
            "男"
        } else {
            "女"
        };
        let phone = format!("13{:09}", self.rng.range(0, 999_999_999));
        self.persons += 1;
        self.t.person.row([id.as_str(), &name, gender, &birth, household, region, address, &phone])
    }

    pub fn write_official(
        &mut self,
        p: &Person,
        unit: &Unit,
        position: &str,
        category: &str,
        leader: bool,
        region: &str,
    ) -> std::io::Result<()> {
        let start = self.random_date(date(2008, 1, 1), date(2024, 6, 30));
        let start = self.out.date(start);
        let name = self.out.name(&p.name);
        let staff = self.staff.entry(unit.code.clone()).or_default();
        if staff.len() < 5 {
            staff.push(p.clone());
        }
        self.t.official.row([
            p.id.as_str(),
            &name,
            &unit.code,
            &unit.name,
            position,
            category,
            if leader { "是" } else { "否" },
            region,
            &start,
            "",
        ])
    }

    pub fn write_kin(&mut self, a: &Person, b: &Person, relation: &str) -> std::io::Result<()> {
        self.t.kinship.row([a.id.as_str(), &b.id, &b.name, relation])
    }

    /// Writes a company and its roles; returns the firm.
    #[allow(clippy::too_many_arguments)]
    pub fn write_firm(
        &mut self,
        prefix: &str,
        name: &str,
        kind: &str,
        rep: &Person,
        established: NaiveDate,
        status: &str,
        status_date: Option<NaiveDate>,
        shareholders: &[&Person],
    ) -> std::io::Result<Firm> {
        let code = self.new_credit_code(prefix);
        let est = self.out.date(established);
        let status_date = status_date.map(|d| self.out.date(d)).unwrap_or_default();
        let capital = self.out.money(self.rng.range(10, 500) * 10_000_00);
        let phone = format!("0576-8{:07}", self.rng.range(0, 9_999_999));
        self.t.enterprise.row([
            code.as_str(),
            name,
            kind,
            &rep.name,
            &rep.id,
            &est,
            status,
            &status_date,
            &capital,
            "清风县城关镇",
            &phone,
            "E48",
            COUNTY,
        ])?;
        let start = self.out.date(established);
        if kind == "个体工商户" {
            return Ok(Firm { code, name: name.to_owned() });
        }
        self.t.enterprise_role.row([code.as_str(), &rep.name, &rep.id, "执行董事", "", &start, ""])?;
        let share = 100 / (shareholders.len().max(1));
        for s in shareholders {
            self.t.enterprise_role.row([code.as_str(), &s.name, &s.id, "股东", &share.to_string(), &start, ""])?;
        }
        Ok(Firm { code, name: name.to_owned() })
    }

    /// One disbursement row.
    #[allow(clippy::too_many_arguments)]
    pub fn pay(
        &mut self,
        program: &str,
        (y, m): (i32, u32),
        recipient: &Person,
        amount_fen: i64,
        approved_fen: Option<i64>,
        account: &str,
        holder: Option<&str>,
        region: &str,
        handler: &Person,
    ) -> std::io::Result<()> {
        let record = self.new_record();
        let period = self.out.period(y, m);
        let amount = self.out.money(amount_fen);
        let approved = approved_fen.map(|a| self.out.money(a)).unwrap_or_default();
        let pay_day = date(y, m, 1) + chrono::Duration::days(9);
        let pay_date = self.out.date(pay_day);
        let id = self.out.id(&recipient.id);
        let civil_affairs = self.civil_affairs.code.clone();
        self.t.disbursement.row([
            record.as_str(),
            program,
            &period,
            &id,
            &recipient.name,
            &amount,
            &approved,
            account,
            holder.unwrap_or(""),
            &pay_date,
            region,
            &civil_affairs,
            &handler.id,
        ])
    }
}

fn open_tables(out: &Out) -> std::io::Result<Tables> {
    Ok(Tables {
        person: out.table(
            "person",
            &["身份证号", "姓名", "性别", "出生日期", "户号", "所属区划", "住址", "联系电话"],
            true,
        )?,
        death: out.table("death", &["身份证号", "姓名", "死亡日期", "来源"], false)?,
        official: out.table(
            "official",
            &[
                "身份证号",
                "姓名",
                "单位代码",
                "单位名称",
                "职务",
                "人员类别",
                "是否领导干部",
                "所属区划",
                "任职开始",
                "任职结束",
            ],
            true,
        )?,
        kinship: out.table("kinship", &["本人身份证号", "亲属身份证号", "亲属姓名", "关系"], false)?,
        enterprise: out.table(
            "enterprise",
            &[
                "统一社会信用代码",
                "名称",
                "主体类型",
                "法定代表人",
                "法定代表人证件号",
                "成立日期",
                "登记状态",
                "状态日期",
                "注册资本",
                "住所",
                "联系电话",
                "行业代码",
                "所属区划",
            ],
            false,
        )?,
        enterprise_role: out.table(
            "enterprise_role",
            &["统一社会信用代码", "姓名/名称", "证件号/信用代码", "角色", "持股比例", "起始日期", "终止日期"],
            false,
        )?,
        vehicle: out.table(
            "vehicle",
            &["号牌号码", "所有人证件号", "所有人", "车辆类型", "注册日期", "状态"],
            false,
        )?,
        property: out.table(
            "property",
            &["不动产权证号", "权利人证件号", "权利人", "坐落", "面积", "用途", "登记日期"],
            false,
        )?,
        fund_program: out.table(
            "fund_program",
            &[
                "项目代码",
                "项目名称",
                "领域",
                "主管部门",
                "是否家计调查",
                "标准金额",
                "发放周期",
                "最低年龄",
                "最高年龄",
                "互斥组",
            ],
            true,
        )?,
        disbursement: out.table(
            "disbursement",
            &[
                "记录号",
                "项目代码",
                "所属期",
                "领取人身份证号",
                "领取人姓名",
                "发放金额",
                "核定金额",
                "收款账号",
                "账户持有人证件号",
                "发放日期",
                "所属村(社区)",
                "经办单位代码",
                "经办人身份证号",
            ],
            false,
        )?,
        tender: out.table(
            "tender",
            &[
                "项目编号",
                "项目名称",
                "交易类别",
                "交易方式",
                "招标人(采购人)代码",
                "招标人名称",
                "代理机构代码",
                "最高限价/预算金额",
                "公告发布日期",
                "开标日期",
                "定标日期",
                "所属区划",
                "项目代码",
                "评标办法",
            ],
            false,
        )?,
        bid: out.table(
            "bid",
            &[
                "项目编号",
                "投标人代码",
                "投标人名称",
                "投标报价",
                "递交时间",
                "投标IP",
                "MAC地址",
                "硬件特征码",
                "文件特征码",
                "保证金账户",
                "委托代理人",
                "委托代理人证件号",
                "联系电话",
                "状态",
                "排名",
            ],
            false,
        )?,
        award: out.table(
            "award",
            &[
                "项目编号",
                "中标人代码",
                "中标人名称",
                "中标金额",
                "合同编号",
                "签订日期",
                "合同金额",
                "结算金额",
                "完成日期",
                "状态",
            ],
            false,
        )?,
        budget: out.table(
            "budget",
            &["单位代码", "单位名称", "年度", "预算科目", "科目名称", "年初预算", "调整后预算"],
            false,
        )?,
        payment: out.table(
            "payment",
            &[
                "支付流水号",
                "单位代码",
                "年度",
                "预算科目",
                "支付日期",
                "金额",
                "收款人",
                "收款人代码",
                "收款账号",
                "结算方式",
                "用途摘要",
                "凭证号",
            ],
            false,
        )?,
        reimbursement: out.table(
            "reimbursement",
            &[
                "报销单号",
                "单位代码",
                "报销人身份证号",
                "报销人",
                "类别",
                "发生日期",
                "商户名称",
                "商户代码",
                "金额",
                "接待对象人数",
                "陪同人数",
                "公函/审批单号",
                "发生地",
                "事由",
                "发票号码",
            ],
            true,
        )?,
        official_vehicle: out.table(
            "official_vehicle",
            &["号牌", "单位代码", "车型", "燃料", "油箱容积", "加油卡号", "所在城市"],
            false,
        )?,
        fuel_record: out.table(
            "fuel_record",
            &["加油卡号", "号牌", "加油时间", "加油站", "所在城市", "加油量", "油品", "金额"],
            false,
        )?,
        inspection_item: out.table(
            "inspection_item",
            &["事项编码", "事项名称", "实施部门", "依据", "对象类型"],
            false,
        )?,
        inspection_target: out.table(
            "inspection_target",
            &["统一社会信用代码", "名称", "行业", "所属区划", "信用风险分类", "上次检查日期"],
            false,
        )?,
        inspector: out.table(
            "inspector",
            &["身份证号", "姓名", "所属部门", "执法证号", "专长", "所属区划", "在岗"],
            false,
        )?,
        calendar: out.table("calendar", &["日期", "类型"], false)?,
    })
}

/// Generates the county into `options.out`.
pub fn generate(options: &Options) -> Result<Summary, SynthError> {
    if !(options.scale > 0.0 && options.scale.is_finite()) {
        return Err(SynthError::Scale(options.scale));
    }
    let io = |source| SynthError::Io { path: options.out.clone(), source };
    let out = Out::new(&options.out, options.dirty, options.seed).map_err(io)?;
    let tables = open_tables(&out).map_err(io)?;
    let mut county = County {
        rng: Rng::new(options.seed),
        out,
        t: tables,
        truth: Vec::new(),
        birth_sequence: HashMap::new(),
        credit_sequence: 0,
        plate_sequence: 0,
        account_sequence: 0,
        record_sequence: 0,
        tender_sequence: 0,
        sequence: 0,
        staff: HashMap::new(),
        units: Vec::new(),
        civil_affairs: Unit { code: String::new(), name: String::new() },
        handlers: Vec::new(),
        bidders: Vec::new(),
        payees: Vec::new(),
        persons: 0,
        plants_per_model: ((3.0 * options.scale).round() as usize).clamp(2, 30),
    };
    let persons_target = (PERSONS_PER_SCALE * options.scale).round().max(800.0) as usize;
    let villages = persons_target.div_ceil(VILLAGE_SIZE);
    county.reference_tables().map_err(io)?;
    for v in 0..villages {
        county.village(v, villages).map_err(io)?;
    }
    trading::background(&mut county, options.scale).map_err(io)?;
    county.finance_background().map_err(io)?;
    county.conduct_background().map_err(io)?;
    county.inspection(options.scale).map_err(io)?;
    plants::all(&mut county).map_err(io)?;

    let County { t, truth, persons, .. } = county;
    let mut files = Vec::new();
    macro_rules! finish {
        ($($name:ident),*) => {$(
            files.push((stringify!($name).to_owned(), t.$name.rows));
            t.$name.finish().map_err(io)?;
        )*};
    }
    finish!(
        person,
        death,
        official,
        kinship,
        enterprise,
        enterprise_role,
        vehicle,
        property,
        fund_program,
        disbursement,
        tender,
        bid,
        award,
        budget,
        payment,
        reimbursement,
        official_vehicle,
        fuel_record,
        inspection_item,
        inspection_target,
        inspector,
        calendar
    );
    write_truth(&options.out, &truth).map_err(io)?;
    Ok(Summary { persons, villages, files, truth_cases: truth.len() })
}

fn write_truth(dir: &Path, truth: &[Truth]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join("_truth.jsonl"))?);
    for case in truth {
        let line = serde_json::json!({
            "model": case.model,
            "subject": {"kind": case.subject_kind, "id": case.subject_id, "name": case.subject_name},
            "keys": case.keys,
            "note": case.note,
        });
        writeln!(file, "{line}")?;
    }
    file.flush()
}

struct Household {
    id: String,
    members: Vec<Person>,
    /// An official, a cadre, or kin of one: receives nothing, holds no enterprise role.
    conflicted: bool,
    poor: bool,
}

impl County {
    fn reference_tables(&mut self) -> std::io::Result<()> {
        for row in program_rows() {
            self.t.fund_program.row(row)?;
        }
        for (day, kind) in calendar::entries() {
            let d = day.format("%Y-%m-%d").to_string();
            self.t.calendar.row([d.as_str(), kind])?;
        }
        let bureaus = [
            "民政局",
            "财政局",
            "交通运输局",
            "教育局",
            "卫生健康局",
            "农业农村局",
            "市场监督管理局",
            "住房和城乡建设局",
            "自然资源和规划局",
            "水利局",
            "人力资源和社会保障局",
            "发展和改革局",
            "文化和广电旅游体育局",
            "残疾人联合会",
        ];
        for (i, bureau) in bureaus.iter().enumerate() {
            let code = CreditCode::from_first17(&format!("11{COUNTY}MB{:07}", i + 1))
                .map(|c| c.to_string())
                .unwrap_or_default();
            self.units.push(Unit { code, name: format!("{COUNTY_NAME}{bureau}") });
        }
        for (i, town) in TOWNS.iter().enumerate() {
            let code = CreditCode::from_first17(&format!("11{COUNTY}MB{:07}", 100 + i))
                .map(|c| c.to_string())
                .unwrap_or_default();
            self.units.push(Unit { code, name: format!("{COUNTY_NAME}{town}人民政府") });
        }
        self.civil_affairs = self.units[0].clone();
        Ok(())
    }

    fn household(&mut self, id: String) -> Household {
        let end = data_end();
        let head_age = self.rng.range(25, 88);
        let head_birth =
            self.random_date(date(end.year() - head_age as i32 - 1, 7, 1), date(end.year() - head_age as i32, 6, 30));
        let male = self.rng.chance(0.8);
        let mut members = vec![self.new_person(head_birth, male)];
        if (head_age < 80 || self.rng.chance(0.5)) && self.rng.chance(0.8) {
            let birth = head_birth + chrono::Duration::days(self.rng.range(-1500, 1500));
            members.push(self.new_person(birth.min(end - chrono::Duration::days(365 * 20)), !male));
        }
        if head_age < 60 {
            for _ in 0..self.rng.range(0, 3) {
                let birth = head_birth + chrono::Duration::days(self.rng.range(22 * 365, 38 * 365));
                if birth < end - chrono::Duration::days(30) {
                    let m = self.rng.chance(0.5);
                    members.push(self.new_person(birth, m));
                }
            }
            if head_age >= 35 && self.rng.chance(0.15) {
                let birth = head_birth - chrono::Duration::days(self.rng.range(24 * 365, 32 * 365));
                if end.year() - birth.year() < 99 {
                    let m = self.rng.chance(0.4);
                    members.push(self.new_person(birth, m));
                }
            }
        }
        Household { id, members, conflicted: false, poor: false }
    }

    fn village(&mut self, index: usize, villages: usize) -> std::io::Result<()> {
        let town = index % TOWNS.len();
        // A township has village numbers 200–999; past 800 villages each (scale ≈ 38), the
        // county gets more townships (codes 112, 124, …), so codes stay 12 digits.
        let round = index / TOWNS.len();
        let village_code = format!("{COUNTY}{:03}{:03}", 100 + town + TOWNS.len() * (round / 800), 200 + round % 800);
        let village_name =
            format!("{}{}村", VILLAGE_NAMES[index % VILLAGE_NAMES.len()], index / VILLAGE_NAMES.len() + 1);
        let address = format!("{COUNTY_NAME}{}{village_name}", TOWNS[town]);
        let committee = Unit {
            code: CreditCode::from_first17(&format!("54{COUNTY}MC{:07}", index + 1))
                .map(|c| c.to_string())
                .unwrap_or_default(),
            name: format!("{}{village_name}村民委员会", TOWNS[town]),
        };
        let mut households = Vec::new();
        let mut people = 0;
        while people < VILLAGE_SIZE {
            let h = self.household(format!("H{village_code}{:04}", households.len() + 1));
            people += h.members.len();
            households.push(h);
        }
        // Officials of county units and village cadres, and their kin, are conflicted.
        let civil_servant_rate = if index == 0 { 0.10 } else { 0.012 * (villages as f64 / (villages as f64 + 3.0)) };
        for hi in 0..households.len() {
            let head = households[hi].members[0].clone();
            let age = head.age_on(data_end());
            let has_elderly = households[hi].members.iter().any(|m| m.age_on(data_end()) >= 75);
            if (23..60).contains(&age) && !has_elderly && self.rng.chance(civil_servant_rate) {
                let unit = if index == 0 && self.handlers.len() < 3 {
                    self.civil_affairs.clone()
                } else {
                    let u = self.rng.range(1, self.units.len() as i64) as usize;
                    self.units[u].clone()
                };
                if unit.code == self.civil_affairs.code && self.handlers.len() < 3 {
                    self.handlers.push(head.clone());
                }
                let category = if self.rng.chance(0.8) { "公务员" } else { "事业编" };
                let leader = self.rng.chance(0.1);
                self.write_official(&head, &unit, if leader { "局长" } else { "科员" }, category, leader, COUNTY)?;
                self.conflict(&mut households, hi)?;
            }
        }
        let mut cadres = 0;
        for hi in 0..households.len() {
            if cadres == 5 {
                break;
            }
            let head = households[hi].members[0].clone();
            let age = head.age_on(data_end());
            let has_elderly = households[hi].members.iter().any(|m| m.age_on(data_end()) >= 75);
            if households[hi].conflicted || !(30..62).contains(&age) || has_elderly {
                continue;
            }
            let position = ["党支部书记", "村委会主任", "村委会委员", "村务监督委员会主任", "村报账员"][cadres];
            self.write_official(&head, &committee, position, "村(社区)干部", cadres < 2, &village_code)?;
            self.conflict(&mut households, hi)?;
            cadres += 1;
        }
        // Poor households: no conflict, nobody in an official post.
        for h in households.iter_mut() {
            if !h.conflicted && self.rng.chance(0.04) {
                h.poor = true;
            }
        }
        for h in &households {
            self.household_assets(h, &village_code, &address)?;
            let clean = !h.conflicted && !h.poor;
            let id = h.id.clone();
            for (i, m) in h.members.clone().iter().enumerate() {
                let may_mistype = clean && i > 0 && m.age_on(data_end()) < 75;
                self.write_person_as(m, &id, &village_code, &address, may_mistype)?;
            }
        }
        self.funds(&households, &village_code)?;
        Ok(())
    }

    /// Marks household `hi` conflicted and writes the official's kinship rows.
    fn conflict(&mut self, households: &mut [Household], hi: usize) -> std::io::Result<()> {
        households[hi].conflicted = true;
        let official = households[hi].members[0].clone();
        for m in &households[hi].members[1..] {
            let relation = if (m.birth - official.birth).num_days().abs() < 3000 {
                "配偶"
            } else if m.birth > official.birth {
                "子女"
            } else {
                "父母"
            };
            self.write_kin(&official, m, relation)?;
        }
        // A sibling elsewhere in the village.
        if self.rng.chance(0.3) {
            let other = self.rng.range(0, households.len() as i64) as usize;
            if other != hi {
                let sibling = households[other].members[0].clone();
                if (sibling.birth - official.birth).num_days().abs() < 12 * 365 && sibling.age_on(data_end()) < 75 {
                    households[other].conflicted = true;
                    households[other].poor = false;
                    self.write_kin(&official, &sibling, "兄弟姐妹")?;
                }
            }
        }
        Ok(())
    }

    fn household_assets(&mut self, h: &Household, village: &str, address: &str) -> std::io::Result<()> {
        let head = &h.members[0];
        let end = data_end();
        if h.poor {
            // A scrapped car does not contradict the means test.
            if self.rng.chance(0.1) {
                let plate = self.new_plate();
                let reg = self.out.date(date(2008, 5, 1));
                self.t.vehicle.row([plate.as_str(), &head.id, &head.name, "小型轿车", &reg, "报废"])?;
            }
            if self.rng.chance(0.7) {
                self.property(head, address, "住宅", 60.0)?;
            }
            return Ok(());
        }
        self.property(head, address, "住宅", 90.0)?;
        if self.rng.chance(0.15) {
            self.property(head, address, "住宅", 110.0)?;
        }
        if self.rng.chance(0.35) {
            let plate = self.new_plate();
            let reg = self.random_date(date(2012, 1, 1), date(2025, 12, 31));
            let reg = self.out.date(reg);
            self.t.vehicle.row([plate.as_str(), &head.id, &head.name, "小型轿车", &reg, "正常"])?;
        }
        // Enterprises, owned only by clean adults.
        let adults: Vec<&Person> = h.members.iter().filter(|m| (25..66).contains(&m.age_on(end))).collect();
        if !h.conflicted && !adults.is_empty() && self.rng.chance(0.07) {
            let rep = adults[0].clone();
            let individual = self.rng.chance(0.3);
            let kind = if individual { "个体工商户" } else { "企业" };
            let trade = *self.rng.pick(&[
                "建筑工程",
                "建材",
                "商贸",
                "农业开发",
                "物业服务",
                "信息技术",
                "园林绿化",
                "餐饮管理",
                "交通运输",
                "水利工程",
            ]);
            let name = if individual {
                format!("{COUNTY_NAME}{}{}", rep.name, *self.rng.pick(&["农家乐", "小吃店", "五金店", "便利店"]))
            } else {
                format!(
                    "{COUNTY_NAME}{}{}有限公司",
                    *self.rng.pick(&[
                        "宏达", "鑫源", "华盛", "永安", "恒通", "众诚", "瑞丰", "金桥", "天成", "广源", "汇丰", "博远"
                    ]),
                    trade
                )
            };
            let roll = self.rng.unit();
            let (status, status_date) = if roll < 0.05 {
                ("注销", Some(self.random_date(date(2019, 1, 1), date(2024, 6, 30))))
            } else if roll < 0.08 {
                ("吊销", Some(self.random_date(date(2019, 1, 1), date(2024, 6, 30))))
            } else {
                ("存续", None)
            };
            let established = self.random_date(date(2003, 1, 1), date(2023, 6, 30));
            let prefix = if individual { "92" } else { "91" };
            let firm = self.write_firm(prefix, &name, kind, &rep, established, status, status_date, &[&rep])?;
            if status == "存续" && !individual {
                if self.bidders.len() < POOL_LIMIT && self.rng.chance(0.6) {
                    self.bidders.push(firm);
                } else if self.payees.len() < POOL_LIMIT {
                    self.payees.push(firm);
                }
            }
        }
        let _ = village;
        Ok(())
    }

    fn property(&mut self, owner: &Person, address: &str, usage: &str, area: f64) -> std::io::Result<()> {
        self.plate_sequence += 1;
        let cert = format!("浙({})清风县不动产权第{:07}号", 2010 + self.plate_sequence % 15, self.plate_sequence);
        let reg = self.random_date(date(2010, 1, 1), date(2025, 12, 31));
        let reg = self.out.date(reg);
        let area = format!("{:.2}", area + self.rng.range(0, 4000) as f64 / 100.0);
        self.t.property.row([cert.as_str(), &owner.id, &owner.name, address, &area, usage, &reg])
    }

    /// Livelihood payments of one village: 低保 and 特困 to poor households, 高龄津贴
    /// to everyone aged 80 or more, disability allowances, the farmland subsidy.
    fn funds(&mut self, households: &[Household], village: &str) -> std::io::Result<()> {
        let months = months();
        let handler = match self.handlers.first() {
            Some(h) => h.clone(),
            None => return Ok(()),
        };
        for h in households {
            if h.conflicted {
                continue;
            }
            // Deaths among the old, with payments stopping at the month of death.
            let mut death: HashMap<String, NaiveDate> = HashMap::new();
            for m in &h.members {
                if m.age_on(data_end()) >= 70 && self.rng.chance(0.04) {
                    let d = self.random_date(date(2025, 2, 1), date(2026, 5, 31));
                    death.insert(m.id.clone(), d);
                    let day = self.out.date(d);
                    self.t.death.row([m.id.as_str(), &m.name, &day, "公安户籍"])?;
                }
            }
            let alive = |p: &Person, (y, mo): (i32, u32)| death.get(&p.id).is_none_or(|d| date(y, mo, 1) <= *d);
            let head = h.members[0].clone();
            if h.poor {
                let single_elderly = h.members.len() == 1 && head.age_on(data_end()) >= 60;
                let account = self.new_account();
                let (program, per_month) = if single_elderly {
                    ("TK01", 125_000)
                } else {
                    ("DB01", h.members.len() as i64 * self.rng.range(30, 70) * 1000)
                };
                for &month in &months {
                    if alive(&head, month) {
                        self.pay(program, month, &head, per_month, Some(per_month), &account, None, village, &handler)?;
                    }
                }
                // A disabled member of a poor household.
                if let Some(disabled) = h.members.get(1).filter(|_| self.rng.chance(0.2)).cloned() {
                    let account = self.new_account();
                    for &month in &months {
                        if alive(&disabled, month) {
                            self.pay("CJ01", month, &disabled, 9_000, None, &account, None, village, &handler)?;
                        }
                    }
                }
            }
            for m in &h.members {
                let eighty = date(m.birth.year() + 80, m.birth.month(), 1);
                let first_paid =
                    months.iter().position(|&(y, mo)| date(y, mo, 1) > eighty && m.age_on(date(y, mo, 1)) >= 80);
                if let Some(first) = first_paid {
                    let account = self.new_account();
                    for &month in &months[first..] {
                        if alive(m, month) {
                            self.pay("GL80", month, m, 10_000, None, &account, None, village, &handler)?;
                        }
                    }
                }
            }
            // The nursing allowance for the severely disabled is not means-tested.
            for m in &h.members {
                if m.age_on(data_end()) >= 16 && self.rng.chance(0.006) {
                    let account = self.new_account();
                    for &month in &months {
                        if alive(m, month) {
                            self.pay("CJ02", month, m, 9_000, None, &account, None, village, &handler)?;
                        }
                    }
                }
            }
            if !h.poor && self.rng.chance(0.25) && alive(&head, (2025, 6)) {
                let account = self.new_account();
                let fen = self.rng.range(200, 1500) * 100;
                self.pay("GD01", (2025, 6), &head, fen, None, &account, None, village, &handler)?;
            }
        }
        Ok(())
    }
}
