--! code = "R030"
--! name_zh = "逾期投标中标（Cardinal R030）"
--! name_en = "Late bid won (Cardinal R030)"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "开放合同数据中，一份有效投标的递交时间晚于投标截止时间（tenderPeriod.endDate），而它的投标人是有效授标的供应商。时间按带时区的时刻比较（Cardinal 比较文字，时区不同时会错——这是我们有意的不同），无法解析时才比较文字。与 Cardinal R030 一致。"
--! summary_en = "In OCDS data, a valid bid was received after the deadline (tenderPeriod.endDate) and its tenderer is a supplier of an active award. Times are compared as instants with their time zones (Cardinal compares the text, which errs across time zones — our deliberate difference), as text only when they do not parse. As Cardinal R030."
--! basis_zh = "《招标投标法》第二十八条：在招标文件要求提交投标文件的截止时间后送达的投标文件，招标人应当拒收；《政府采购货物和服务招标投标管理办法》第三十三条同。"
--! basis_en = "Tendering and Bidding Law art. 28: bids delivered after the deadline are refused; Measures for Government Procurement of Goods and Services art. 33."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}的中标人{winners}于{received}递交投标，晚于截止时间{deadline}。"
--! reason_en = "In {subject_name}, the winner {winners} bid at {received}, after the deadline {deadline}."
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! deadline = { zh = "投标截止", en = "Deadline" }
--! received = { zh = "递交时间", en = "Received" }
--! winners = { zh = "中标人", en = "Winner" }
WITH winners AS (
    SELECT DISTINCT ocid, supplier_id FROM ocds_award WHERE status = 'active' AND supplier_id IS NOT NULL
),
late AS (
    SELECT b.*, p.tender_end
    FROM ocds_bid b
    -- The winners' bids first: the dates are compared for those only.
    JOIN winners w ON w.ocid = b.ocid AND w.supplier_id = b.tenderer_id
    JOIN cardinal_process p ON p.ocid = b.ocid
    WHERE b.status = 'valid' AND b.date IS NOT NULL AND p.tender_end IS NOT NULL
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
        AND coalesce(try_cast(b.date AS TIMESTAMP) > try_cast(p.tender_end AS TIMESTAMP), b.date > p.tender_end)
),
hit AS (
    SELECT ocid, max(tender_end) AS deadline, min(date) AS received,
        array_to_string(array_sort(array_agg(DISTINCT coalesce(tenderer_name, tenderer_id))), '、') AS winners,
        array_agg(src('ocds_bid', _batch, _row, ocid || '/' || tenderer_id)) AS src_bids
    FROM late
    GROUP BY ocid
)
SELECT
    h.ocid AS key,
    'tender' AS subject_kind,
    h.ocid AS subject_id,
    coalesce(p.title, h.ocid) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    p.buyer_id AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.deadline,
    h.received,
    h.winners,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    h.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
