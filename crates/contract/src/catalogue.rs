//! Every table of the data contract. Keep this file in the order of
//! `shared/CONTRACT.md` so that the two can be read side by side.

/// How a column's values are parsed and stored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Free text: trimmed, full-width ASCII folded.
    Text,
    /// A person's or organization's name: as text, plus middle dots unified.
    Name,
    Date,
    /// Local time, Asia/Shanghai.
    DateTime,
    /// Year and month (所属期).
    Period,
    /// Yuan with up to two decimals, stored as integer fen.
    Money,
    Bool,
    /// Resident ID number, GB 11643.
    IdNumber,
    /// Unified social credit code, GB 32100.
    CreditCode,
    /// Any party's certificate number: an ID number, a credit code, or another
    /// document number (passport, Hong Kong and Macau pass …).
    PartyId,
    RegionCode,
    Enum(&'static [EnumValue]),
    Integer,
    Decimal,
    Year,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Name => "name",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
            Kind::Period => "period",
            Kind::Money => "money",
            Kind::Bool => "bool",
            Kind::IdNumber => "id_number",
            Kind::CreditCode => "credit_code",
            Kind::PartyId => "party_id",
            Kind::RegionCode => "region_code",
            Kind::Enum(_) => "enum",
            Kind::Integer => "integer",
            Kind::Decimal => "decimal",
            Kind::Year => "year",
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct EnumValue {
    pub key: &'static str,
    /// Chinese labels (and other spellings departments use) that mean this key.
    pub labels: &'static [&'static str],
}

#[derive(Debug)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// An event that has happened by the time the data is exported (a birth, a
    /// payment): a date in the future is a data-quality finding.
    pub past: bool,
}

impl Column {
    const fn new(key: &'static str, label: &'static str, kind: Kind) -> Column {
        Column { key, label, kind, required: false, past: false }
    }

    const fn req(mut self) -> Column {
        self.required = true;
        self
    }

    const fn past(mut self) -> Column {
        self.past = true;
        self
    }

    /// Whether a header cell names this column: its key, its label, or one
    /// part of a label written as alternatives (`姓名/名称`).
    pub fn matches_header(&self, header: &str) -> bool {
        header.eq_ignore_ascii_case(self.key)
            || header == self.label
            || (self.label.contains('/') && self.label.split('/').any(|part| part == header))
    }

    pub fn enum_values(&self) -> Option<&'static [EnumValue]> {
        match self.kind {
            Kind::Enum(values) => Some(values),
            _ => None,
        }
    }
}

/// A column whose values should name a row of another table.
#[derive(Debug)]
pub struct Reference {
    pub column: &'static str,
    pub table: &'static str,
    pub target: &'static str,
}

#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub label: &'static str,
    pub columns: &'static [Column],
    /// The column that is unique within the table, where the contract names one.
    pub key: Option<&'static str>,
    pub references: &'static [Reference],
}

impl Table {
    pub fn column(&self, key: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub fn column_for_header(&self, header: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.matches_header(header))
    }
}

/// Finds a table by its name (`disbursement`) or Chinese label (`资金发放明细`).
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name || t.label == name)
}

/// Finds any stored table by name: a contract table or an Open Contracting one.
pub fn stored_table(name: &str) -> Option<&'static Table> {
    table(name).or_else(|| ocds_table(name))
}

const fn ev(key: &'static str, labels: &'static [&'static str]) -> EnumValue {
    EnumValue { key, labels }
}

const fn r(column: &'static str, table: &'static str, target: &'static str) -> Reference {
    Reference { column, table, target }
}

use Kind::*;

const fn c(key: &'static str, label: &'static str, kind: Kind) -> Column {
    Column::new(key, label, kind)
}

pub const GENDER: &[EnumValue] = &[ev("male", &["男", "男性"]), ev("female", &["女", "女性"])];
pub const OFFICIAL_CATEGORY: &[EnumValue] = &[
    ev("civil_servant", &["公务员"]),
    ev("civil_servant_like", &["参公", "参照公务员法管理"]),
    ev("public_institution", &["事业编", "事业编制", "事业单位"]),
    ev("soe", &["国企", "国有企业"]),
    ev("village_cadre", &["村(社区)干部", "村（社区）干部", "村干部", "社区干部"]),
    ev("other", &["其他"]),
];
pub const RELATION: &[EnumValue] = &[
    ev("spouse", &["配偶", "夫妻", "丈夫", "妻子"]),
    ev("child", &["子女", "儿子", "女儿"]),
    ev("parent", &["父母", "父亲", "母亲"]),
    ev("sibling", &["兄弟姐妹", "兄弟", "姐妹"]),
    ev("child_spouse", &["子女配偶", "儿媳", "女婿"]),
    ev("other", &["其他近亲属", "其他"]),
];
pub const ENTERPRISE_KIND: &[EnumValue] = &[
    ev("company", &["企业", "公司"]),
    ev("individual", &["个体工商户", "个体"]),
    ev("cooperative", &["农民专业合作社", "合作社"]),
    ev("social_org", &["社会组织"]),
];
pub const ENTERPRISE_STATUS: &[EnumValue] = &[
    ev("active", &["存续", "在业", "存续/在业", "开业", "在营"]),
    ev("revoked", &["吊销"]),
    ev("cancelled", &["注销"]),
    ev("moved", &["迁出"]),
];
pub const ROLE: &[EnumValue] = &[
    ev("shareholder", &["股东"]),
    ev("director", &["董事", "董事长", "执行董事"]),
    ev("supervisor", &["监事"]),
    ev("manager", &["经理", "总经理"]),
    ev("finance", &["财务负责人"]),
    ev("controller", &["实际控制人"]),
];
pub const VEHICLE_STATUS: &[EnumValue] =
    &[ev("normal", &["正常"]), ev("scrapped", &["报废"]), ev("transferred", &["转出"])];
pub const PROPERTY_USAGE: &[EnumValue] =
    &[ev("residential", &["住宅"]), ev("commercial", &["商业"]), ev("other", &["其他"])];
pub const FUND_DOMAIN: &[EnumValue] = &[
    ev("livelihood", &["民生"]),
    ev("agriculture", &["涉农"]),
    ev("poverty", &["扶贫"]),
    ev("relief", &["救助"]),
    ev("other", &["其他"]),
];
pub const PERIOD_UNIT: &[EnumValue] = &[
    ev("month", &["月", "按月"]),
    ev("quarter", &["季", "季度", "按季"]),
    ev("year", &["年", "按年"]),
    ev("once", &["一次性"]),
];
pub const TENDER_CATEGORY: &[EnumValue] = &[
    ev("works", &["工程建设", "工程"]),
    ev("goods", &["货物"]),
    ev("services", &["服务"]),
    ev("land", &["土地使用权", "土地"]),
    ev("mining", &["矿业权"]),
    ev("state_asset", &["国有产权"]),
    ev("other", &["其他"]),
];
pub const TENDER_METHOD: &[EnumValue] = &[
    ev("open", &["公开招标"]),
    ev("invited", &["邀请招标"]),
    ev("negotiation", &["竞争性谈判"]),
    ev("consultation", &["竞争性磋商"]),
    ev("inquiry", &["询价"]),
    ev("single_source", &["单一来源"]),
    ev("auction", &["拍卖"]),
    ev("listing", &["挂牌"]),
    ev("other", &["其他"]),
];
pub const EVALUATION: &[EnumValue] = &[
    ev("lowest_price", &["最低价", "经评审的最低投标价法", "最低评标价法"]),
    ev("comprehensive", &["综合评分", "综合评估法", "综合评分法"]),
    ev("other", &["其他"]),
];
pub const BID_STATUS: &[EnumValue] =
    &[ev("valid", &["有效"]), ev("rejected", &["否决", "废标", "否决/废标"]), ev("withdrawn", &["撤回"])];
pub const AWARD_STATUS: &[EnumValue] =
    &[ev("performing", &["履行中"]), ev("completed", &["已完成"]), ev("terminated", &["终止"])];
pub const PAYMENT_METHOD: &[EnumValue] =
    &[ev("transfer", &["转账"]), ev("cash", &["现金"]), ev("card", &["公务卡"]), ev("cheque", &["支票"])];
pub const REIMBURSEMENT_CATEGORY: &[EnumValue] = &[
    ev("reception", &["公务接待"]),
    ev("travel", &["差旅", "差旅费"]),
    ev("meeting", &["会议", "会议费"]),
    ev("training", &["培训", "培训费"]),
    ev("vehicle", &["公务用车", "公务用车运行维护费"]),
    ev("other", &["其他"]),
];
pub const FUEL_TYPE: &[EnumValue] = &[
    ev("gasoline", &["汽油"]),
    ev("diesel", &["柴油"]),
    ev("electric", &["电", "电动", "纯电动"]),
    ev("hybrid", &["混动", "混合动力"]),
];
pub const FUEL_PRODUCT: &[EnumValue] = &[
    ev("92", &["92#", "92号", "92号汽油", "92#汽油"]),
    ev("95", &["95#", "95号", "95号汽油", "95#汽油"]),
    ev("98", &["98#", "98号", "98号汽油", "98#汽油"]),
    ev("diesel", &["柴油", "0#柴油", "0号柴油"]),
];
pub const RISK_CLASS: &[EnumValue] = &[
    ev("A", &["A类", "低风险"]),
    ev("B", &["B类", "一般风险"]),
    ev("C", &["C类", "较高风险"]),
    ev("D", &["D类", "高风险"]),
];
pub const CALENDAR_KIND: &[EnumValue] = &[ev("holiday", &["节假日", "放假"]), ev("workday", &["调休上班", "上班"])];

pub static TABLES: &[Table] = &[
    // Reference data (基础数据)
    Table {
        name: "person",
        label: "人员基础信息",
        key: Some("id_number"),
        references: &[],
        columns: &[
            c("id_number", "身份证号", IdNumber).req(),
            c("name", "姓名", Name).req(),
            c("gender", "性别", Enum(GENDER)),
            c("birth_date", "出生日期", Date).past(),
            c("household_id", "户号", Text),
            c("region_code", "所属区划", RegionCode),
            c("address", "住址", Text),
            c("phone", "联系电话", Text),
        ],
    },
    Table {
        name: "death",
        label: "死亡登记",
        key: Some("id_number"),
        references: &[r("id_number", "person", "id_number")],
        columns: &[
            c("id_number", "身份证号", IdNumber).req(),
            c("name", "姓名", Name),
            c("death_date", "死亡日期", Date).req().past(),
            c("source", "来源", Text),
        ],
    },
    Table {
        name: "official",
        label: "公职人员",
        key: None,
        references: &[],
        columns: &[
            c("id_number", "身份证号", IdNumber).req(),
            c("name", "姓名", Name).req(),
            c("org_code", "单位代码", CreditCode).req(),
            c("org_name", "单位名称", Name),
            c("position", "职务", Text),
            c("category", "人员类别", Enum(OFFICIAL_CATEGORY)),
            c("is_leader", "是否领导干部", Bool),
            c("region_code", "所属区划", RegionCode),
            c("start_date", "任职开始", Date).past(),
            c("end_date", "任职结束", Date),
        ],
    },
    Table {
        name: "kinship",
        label: "亲属关系",
        key: None,
        references: &[],
        columns: &[
            c("id_number", "本人身份证号", IdNumber).req(),
            c("relative_id_number", "亲属身份证号", IdNumber).req(),
            c("relative_name", "亲属姓名", Name),
            c("relation", "关系", Enum(RELATION)).req(),
        ],
    },
    Table {
        name: "enterprise",
        label: "市场主体",
        key: Some("credit_code"),
        references: &[],
        columns: &[
            c("credit_code", "统一社会信用代码", CreditCode).req(),
            c("name", "名称", Name).req(),
            c("kind", "主体类型", Enum(ENTERPRISE_KIND)),
            c("legal_rep_name", "法定代表人", Name),
            c("legal_rep_id", "法定代表人证件号", PartyId),
            c("established", "成立日期", Date).past(),
            c("status", "登记状态", Enum(ENTERPRISE_STATUS)),
            c("status_date", "状态日期", Date).past(),
            c("registered_capital", "注册资本", Money),
            c("address", "住所", Text),
            c("phone", "联系电话", Text),
            c("industry", "行业代码", Text),
            c("region_code", "所属区划", RegionCode),
        ],
    },
    Table {
        name: "enterprise_role",
        label: "股东及主要人员",
        key: None,
        references: &[r("credit_code", "enterprise", "credit_code")],
        columns: &[
            c("credit_code", "统一社会信用代码", CreditCode).req(),
            c("holder_name", "姓名/名称", Name).req(),
            c("holder_id", "证件号/信用代码", PartyId),
            c("role", "角色", Enum(ROLE)).req(),
            c("share_ratio", "持股比例", Decimal),
            c("start_date", "起始日期", Date).past(),
            c("end_date", "终止日期", Date),
        ],
    },
    Table {
        name: "vehicle",
        label: "车辆登记",
        key: None,
        references: &[],
        columns: &[
            c("plate", "号牌号码", Text).req(),
            c("owner_id", "所有人证件号", PartyId).req(),
            c("owner_name", "所有人", Name),
            c("vehicle_type", "车辆类型", Text),
            c("registered", "注册日期", Date).past(),
            c("status", "状态", Enum(VEHICLE_STATUS)),
        ],
    },
    Table {
        name: "property",
        label: "不动产登记",
        key: None,
        references: &[],
        columns: &[
            c("cert_no", "不动产权证号", Text).req(),
            c("owner_id", "权利人证件号", PartyId).req(),
            c("owner_name", "权利人", Name),
            c("address", "坐落", Text),
            c("area", "面积", Decimal),
            c("usage", "用途", Enum(PROPERTY_USAGE)),
            c("registered", "登记日期", Date).past(),
        ],
    },
    // Livelihood funds (民生资金)
    Table {
        name: "fund_program",
        label: "资金项目",
        key: Some("program_code"),
        references: &[],
        columns: &[
            c("program_code", "项目代码", Text).req(),
            c("name", "项目名称", Text).req(),
            c("domain", "领域", Enum(FUND_DOMAIN)),
            c("department", "主管部门", Text),
            c("means_tested", "是否家计调查", Bool),
            c("standard_amount", "标准金额", Money),
            c("period_unit", "发放周期", Enum(PERIOD_UNIT)),
            c("min_age", "最低年龄", Integer),
            c("max_age", "最高年龄", Integer),
            c("exclusive_group", "互斥组", Text),
        ],
    },
    Table {
        name: "disbursement",
        label: "资金发放明细",
        key: None,
        references: &[r("program_code", "fund_program", "program_code")],
        columns: &[
            c("record_id", "记录号", Text),
            c("program_code", "项目代码", Text).req(),
            c("period", "所属期", Period).req(),
            c("recipient_id", "领取人身份证号", IdNumber).req(),
            c("recipient_name", "领取人姓名", Name).req(),
            c("amount", "发放金额", Money).req(),
            c("approved_amount", "核定金额", Money),
            c("bank_account", "收款账号", Text),
            c("account_holder_id", "账户持有人证件号", PartyId),
            c("pay_date", "发放日期", Date).past(),
            c("region_code", "所属村(社区)", RegionCode),
            c("handler_org", "经办单位代码", CreditCode),
            c("handler_id", "经办人身份证号", IdNumber),
        ],
    },
    // Public resource trading (公共资源交易)
    Table {
        name: "tender",
        label: "交易项目",
        key: Some("tender_id"),
        references: &[],
        columns: &[
            c("tender_id", "项目编号", Text).req(),
            c("title", "项目名称", Text).req(),
            c("category", "交易类别", Enum(TENDER_CATEGORY)).req(),
            c("method", "交易方式", Enum(TENDER_METHOD)).req(),
            c("buyer_code", "招标人(采购人)代码", PartyId).req(),
            c("buyer_name", "招标人名称", Name),
            c("agent_code", "代理机构代码", CreditCode),
            c("ceiling_price", "最高限价/预算金额", Money),
            c("publish_date", "公告发布日期", Date).past(),
            c("bid_open_date", "开标日期", Date),
            c("award_date", "定标日期", Date),
            c("region_code", "所属区划", RegionCode),
            c("project_code", "项目代码", Text),
            c("evaluation", "评标办法", Enum(EVALUATION)),
        ],
    },
    Table {
        name: "bid",
        label: "投标记录",
        key: None,
        references: &[r("tender_id", "tender", "tender_id")],
        columns: &[
            c("tender_id", "项目编号", Text).req(),
            c("bidder_code", "投标人代码", PartyId).req(),
            c("bidder_name", "投标人名称", Name),
            c("price", "投标报价", Money),
            c("submit_time", "递交时间", DateTime).past(),
            c("ip", "投标IP", Text),
            c("mac", "MAC地址", Text),
            c("device_id", "硬件特征码", Text),
            c("file_hash", "文件特征码", Text),
            c("bond_account", "保证金账户", Text),
            c("contact_name", "委托代理人", Name),
            c("contact_id", "委托代理人证件号", PartyId),
            c("contact_phone", "联系电话", Text),
            c("status", "状态", Enum(BID_STATUS)),
            c("rank", "排名", Integer),
        ],
    },
    Table {
        name: "award",
        label: "中标(成交)及合同",
        key: None,
        references: &[r("tender_id", "tender", "tender_id")],
        columns: &[
            c("tender_id", "项目编号", Text).req(),
            c("winner_code", "中标人代码", PartyId).req(),
            c("winner_name", "中标人名称", Name),
            c("award_amount", "中标金额", Money).req(),
            c("contract_no", "合同编号", Text),
            c("contract_date", "签订日期", Date).past(),
            c("contract_amount", "合同金额", Money),
            c("final_amount", "结算金额", Money),
            c("completion_date", "完成日期", Date),
            c("status", "状态", Enum(AWARD_STATUS)),
        ],
    },
    // Public finance (财政资金)
    Table {
        name: "budget",
        label: "预算指标",
        key: None,
        references: &[],
        columns: &[
            c("org_code", "单位代码", CreditCode).req(),
            c("org_name", "单位名称", Name),
            c("year", "年度", Year).req(),
            c("budget_line", "预算科目", Text).req(),
            c("line_name", "科目名称", Text),
            c("approved", "年初预算", Money).req(),
            c("adjusted", "调整后预算", Money),
        ],
    },
    Table {
        name: "payment",
        label: "支付明细",
        key: None,
        references: &[],
        columns: &[
            c("payment_id", "支付流水号", Text).req(),
            c("org_code", "单位代码", CreditCode).req(),
            c("year", "年度", Year),
            c("budget_line", "预算科目", Text),
            c("pay_date", "支付日期", Date).req().past(),
            c("amount", "金额", Money).req(),
            c("payee_name", "收款人", Name).req(),
            c("payee_code", "收款人代码", PartyId),
            c("payee_account", "收款账号", Text),
            c("method", "结算方式", Enum(PAYMENT_METHOD)),
            c("purpose", "用途摘要", Text),
            c("voucher_no", "凭证号", Text),
        ],
    },
    // Conduct (四风)
    Table {
        name: "reimbursement",
        label: "报销明细",
        key: None,
        references: &[],
        columns: &[
            c("claim_id", "报销单号", Text).req(),
            c("org_code", "单位代码", CreditCode).req(),
            c("claimant_id", "报销人身份证号", IdNumber),
            c("claimant_name", "报销人", Name),
            c("category", "类别", Enum(REIMBURSEMENT_CATEGORY)).req(),
            c("expense_date", "发生日期", Date).req().past(),
            c("vendor_name", "商户名称", Name),
            c("vendor_code", "商户代码", CreditCode),
            c("amount", "金额", Money).req(),
            c("guests", "接待对象人数", Integer),
            c("companions", "陪同人数", Integer),
            c("approval_doc", "公函/审批单号", Text),
            c("city", "发生地", Text),
            c("purpose", "事由", Text),
            c("invoice_no", "发票号码", Text),
        ],
    },
    Table {
        name: "official_vehicle",
        label: "公务用车",
        key: Some("plate"),
        references: &[],
        columns: &[
            c("plate", "号牌", Text).req(),
            c("org_code", "单位代码", CreditCode).req(),
            c("vehicle_type", "车型", Text),
            c("fuel_type", "燃料", Enum(FUEL_TYPE)),
            c("tank_capacity", "油箱容积", Decimal),
            c("fuel_card_no", "加油卡号", Text),
            c("city", "所在城市", Text),
        ],
    },
    Table {
        name: "fuel_record",
        label: "加油记录",
        key: None,
        references: &[r("card_no", "official_vehicle", "fuel_card_no"), r("plate", "official_vehicle", "plate")],
        columns: &[
            c("card_no", "加油卡号", Text).req(),
            c("plate", "号牌", Text),
            c("time", "加油时间", DateTime).req().past(),
            c("station", "加油站", Text),
            c("city", "所在城市", Text),
            c("litres", "加油量", Decimal).req(),
            c("product", "油品", Enum(FUEL_PRODUCT)),
            c("amount", "金额", Money),
        ],
    },
    // Random inspection (双随机、一公开)
    Table {
        name: "inspection_item",
        label: "抽查事项",
        key: None,
        references: &[],
        columns: &[
            c("item_code", "事项编码", Text).req(),
            c("name", "事项名称", Text).req(),
            c("department", "实施部门", Text).req(),
            c("basis", "依据", Text),
            c("target_kinds", "对象类型", Text),
        ],
    },
    Table {
        name: "inspection_target",
        label: "检查对象名录",
        key: None,
        references: &[],
        columns: &[
            c("credit_code", "统一社会信用代码", CreditCode).req(),
            c("name", "名称", Name).req(),
            c("industry", "行业", Text),
            c("region_code", "所属区划", RegionCode),
            c("risk_class", "信用风险分类", Enum(RISK_CLASS)),
            c("last_inspected", "上次检查日期", Date).past(),
        ],
    },
    Table {
        name: "inspector",
        label: "执法检查人员名录",
        key: None,
        references: &[],
        columns: &[
            c("id_number", "身份证号", IdNumber).req(),
            c("name", "姓名", Name).req(),
            c("department", "所属部门", Text).req(),
            c("certificate", "执法证号", Text),
            c("specialties", "专长", Text),
            c("region_code", "所属区划", RegionCode),
            c("active", "在岗", Bool),
        ],
    },
    // Calendars
    Table {
        name: "calendar",
        label: "节假日安排",
        key: Some("date"),
        references: &[],
        columns: &[c("date", "日期", Date).req(), c("kind", "类型", Enum(CALENDAR_KIND)).req()],
    },
];

/// Open Contracting tables: what an OCDS file says, as it says it, for the
/// Cardinal indicators (R models). They are not part of `shared/CONTRACT.md`:
/// only the OCDS importer writes them, one row per contracting process, per
/// tenderer of each bid and per supplier of each award, with OCDS's own codes
/// (`disqualified`, `pending`, …) and every column optional but the ocid.
pub static OCDS_TABLES: &[Table] = &[
    Table {
        name: "ocds_process",
        label: "OCDS交易过程",
        key: Some("ocid"),
        references: &[],
        columns: &[
            c("ocid", "开放合同标识", Text).req(),
            c("title", "项目名称", Text),
            c("buyer_id", "采购人标识", Text),
            c("buyer_name", "采购人名称", Name),
            c("procuring_entity_id", "采购代理标识", Text),
            c("procuring_entity_name", "采购代理名称", Name),
            c("procurement_method", "采购方式", Text),
            c("procurement_method_details", "采购方式详情", Text),
            c("main_category", "采购类别", Text),
            c("tender_status", "项目状态", Text),
            c("number_of_tenderers", "投标人数", Integer),
            c("award_criteria", "评审标准", Text),
            c("tender_start", "投标期开始", Text),
            c("tender_end", "投标截止", Text),
            c("tender_days", "投标期天数", Integer),
        ],
    },
    Table {
        name: "ocds_bid",
        label: "OCDS投标",
        key: None,
        references: &[r("ocid", "ocds_process", "ocid")],
        columns: &[
            c("ocid", "开放合同标识", Text).req(),
            c("bid_index", "投标序号", Integer),
            c("bid_id", "投标标识", Text),
            c("status", "投标状态", Text),
            c("amount", "报价", Decimal),
            c("currency", "币种", Text),
            c("date", "递交时间", Text),
            c("tenderer_id", "投标人标识", Text),
            c("tenderer_name", "投标人名称", Name),
            c("tenderer_count", "联合投标人数", Integer),
        ],
    },
    Table {
        name: "ocds_award",
        label: "OCDS授标",
        key: None,
        references: &[r("ocid", "ocds_process", "ocid")],
        columns: &[
            c("ocid", "开放合同标识", Text).req(),
            c("award_index", "授标序号", Integer),
            c("award_id", "授标标识", Text),
            c("status", "授标状态", Text),
            c("supplier_id", "供应商标识", Text),
            c("supplier_name", "供应商名称", Name),
            c("supplier_count", "供应商数", Integer),
            c("amount", "授标金额", Decimal),
            c("currency", "币种", Text),
            c("date", "授标日期", Text),
            c("item_classes", "标的分类", Text),
        ],
    },
];

/// Finds an Open Contracting table by name.
pub fn ocds_table(name: &str) -> Option<&'static Table> {
    OCDS_TABLES.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_well_formed() {
        let mut names = std::collections::HashSet::new();
        for t in TABLES {
            assert!(names.insert(t.name), "table {} twice", t.name);
            let mut keys = std::collections::HashSet::new();
            let mut labels = std::collections::HashSet::new();
            for col in t.columns {
                assert!(keys.insert(col.key), "{}.{} twice", t.name, col.key);
                assert!(labels.insert(col.label), "{}: label {} twice", t.name, col.label);
                assert!(!col.key.starts_with('_'), "keys starting with _ are reserved for provenance");
            }
            if let Some(key) = t.key {
                assert!(t.column(key).is_some_and(|c| c.required), "{}: key {key}", t.name);
            }
            for reference in t.references {
                assert!(t.column(reference.column).is_some(), "{}.{}", t.name, reference.column);
                let target = table(reference.table).expect("referenced table");
                assert!(target.column(reference.target).is_some());
            }
        }
        assert_eq!(TABLES.len(), 22);
        for t in OCDS_TABLES {
            assert!(names.insert(t.name), "table {} twice", t.name);
            assert!(t.column("ocid").is_some_and(|c| c.required), "{}", t.name);
            assert!(stored_table(t.name).is_some() && table(t.name).is_none());
        }
    }

    #[test]
    fn headers_by_key_label_or_label_part() {
        let role = table("股东及主要人员").unwrap();
        assert_eq!(role.column_for_header("holder_name").unwrap().key, "holder_name");
        assert_eq!(role.column_for_header("姓名/名称").unwrap().key, "holder_name");
        assert_eq!(role.column_for_header("名称").unwrap().key, "holder_name");
        assert_eq!(role.column_for_header("HOLDER_ID").unwrap().key, "holder_id");
        assert!(role.column_for_header("备注").is_none());
    }
}
