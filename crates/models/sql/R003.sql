--! code = "R003"
--! name_zh = "投标期过短（Cardinal R003）"
--! name_en = "Short submission period (Cardinal R003)"
--! domain = "trading"
--! severity = "low"
--! subject = "tender"
--! summary_zh = "开放合同数据中，交易过程的投标期（tenderPeriod 截止减开始，整天数）短于15天（可按采购方式详情另设天数）。与开放合同伙伴关系 Cardinal 指标 R003 的方法、默认值和排除条件一致。"
--! summary_en = "In OCDS data, a contracting process's bid period (tenderPeriod end minus start, in whole days) is under 15 days (or a number of days set per procurement method details). The methodology, defaults and exclusions of the Open Contracting Partnership's Cardinal indicator R003."
--! basis_zh = "《招标投标法》第二十四条：自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日；《政府采购法》第三十五条同。Cardinal R003（Fazekas 等，腐败风险指数）。"
--! basis_en = "Tendering and Bidding Law art. 24 (at least 20 days from issuing the documents to the bid deadline); Government Procurement Law art. 35. Cardinal R003 (Fazekas et al., corruption risk index)."
--! reads = ["ocds_process"]
--! reason_zh = "{subject_name}的投标期只有{days}天（{start_date}至{end_date}），少于{threshold}天。"
--! reason_en = "{subject_name} allowed only {days} day(s) to bid ({start_date} to {end_date}), under {threshold}."
--!
--! [params.threshold]
--! kind = "int"
--! default = 15
--! zh = "投标期少于（天）"
--! en = "Bid period under (days)"
--!
--! [params.procurement_methods]
--! kind = "text"
--! default = ""
--! zh = "适用的采购方式（OCDS procurementMethod，以|分隔；空为全部）"
--! en = "Procurement methods checked (OCDS procurementMethod, separated by |; empty for all)"
--!
--! [params.procurement_method_details]
--! kind = "int_by_name"
--! default = {}
--! zh = "按采购方式详情（procurementMethodDetails）另设的天数下限"
--! en = "Threshold in days per procurement method details (procurementMethodDetails)"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! method = { zh = "采购方式", en = "Procurement method" }
--! start_date = { zh = "投标期开始", en = "Period start" }
--! end_date = { zh = "投标截止", en = "Period end" }
--! days = { zh = "投标期天数", en = "Days" }
--! threshold = { zh = "下限（天）", en = "Threshold (days)" }
SELECT
    p.ocid AS key,
    'tender' AS subject_kind,
    p.ocid AS subject_id,
    coalesce(p.title, p.ocid) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    p.buyer_id AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    p.procurement_method AS method,
    p.tender_start AS start_date,
    p.tender_end AS end_date,
    p.tender_days AS days,
    coalesce(d.value, ${threshold}) AS threshold,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process
FROM cardinal_process p
LEFT JOIN ${procurement_method_details} d ON d.name = p.procurement_method_details
WHERE p.tender_days IS NOT NULL
    AND p.tender_days < coalesce(d.value, ${threshold})
    AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
    AND (${procurement_methods} = '' OR array_has(string_to_array(${procurement_methods}, '|'), p.procurement_method))
