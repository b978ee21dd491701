--! code = "R028"
--! name_zh = "不同投标人报价相同（Cardinal R028）"
--! name_en = "Identical bid prices (Cardinal R028)"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "开放合同数据中，同一交易过程里不同投标人（或投标人组合）递交了金额和币种都相同的投标；这些投标人一并列出。与 Cardinal R028 一致（Cardinal 另在投标人分组下逐一标记它们）。"
--! summary_en = "In OCDS data, different tenderers (or sets of tenderers) submitted bids of the same amount and currency in one process; they are named in the evidence. As Cardinal R028 (which also flags each of them under its Tenderer group)."
--! basis_zh = "《招标投标法实施条例》第四十条：不同投标人的投标文件异常一致或者投标报价呈规律性差异，视为串通投标。Cardinal R028（Fazekas–Tóth；欧盟委员会《公共采购欺诈红旗》）。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 40 (abnormally alike bids are deemed collusive). Cardinal R028 (Fazekas and Tóth; European Commission, Fraud in Public Procurement)."
--! reads = ["ocds_process", "ocds_bid"]
--! reason_zh = "{subject_name}中{tenderers}报价相同（{prices}）。"
--! reason_en = "In {subject_name}, {tenderers} bid the same price ({prices})."
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [params.no_price_comparison_procurement_methods]
--! kind = "text"
--! default = ""
--! zh = "不比较报价的采购方式详情（procurementMethodDetails，以|分隔；如价格由采购人确定）"
--! en = "Procurement method details whose bid prices are not compared (procurementMethodDetails, separated by |; say, prices the buyer sets)"
--!
--! [params.price_comparison_procurement_methods]
--! kind = "text"
--! default = ""
--! zh = "只比较这些采购方式详情的报价（procurementMethodDetails，以|分隔；设了则上一项不起作用）"
--! en = "Only these procurement method details have their bid prices compared (procurementMethodDetails, separated by |; when set, the previous has no effect)"
--!
--! [figures]
--! prices = { zh = "相同的报价", en = "Shared prices" }
--! tenderers = { zh = "报价相同的投标人", en = "Tenderers sharing a price" }
--! tenderer_ids = { zh = "投标人标识", en = "Tenderer ids" }
WITH submitted AS (
    SELECT b.ocid, b.bid_index, b.amount, b.currency, b.tenderer_id, b.tenderer_count
    FROM ocds_bid b
    JOIN cardinal_process p ON p.ocid = b.ocid
    WHERE b.status IS NOT NULL AND b.status NOT IN ('invited', 'withdrawn')
        AND b.amount IS NOT NULL AND b.currency IS NOT NULL AND b.tenderer_id IS NOT NULL
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
        AND matches_method_details(p.procurement_method_details, ${price_comparison_procurement_methods},
            ${no_price_comparison_procurement_methods})
),
priced AS (
    -- Each submitted bid with an amount and currency, and its set of tenderers: a bid by
    -- one tenderer (most) is one row, which needs no grouping.
    SELECT ocid, bid_index, amount, currency, tenderer_id AS ids FROM submitted WHERE tenderer_count = 1
    UNION ALL
    SELECT ocid, bid_index, amount, currency,
        array_to_string(array_sort(array_distinct(array_agg(tenderer_id))), '|') AS ids
    FROM submitted
    WHERE tenderer_count <> 1
    GROUP BY ocid, bid_index, amount, currency
),
shared AS (
    SELECT ocid, amount, currency FROM priced GROUP BY ocid, amount, currency HAVING distinct_count(array_agg(ids)) >= 2
),
bids AS (
    SELECT b.*
    FROM ocds_bid b
    JOIN shared s ON s.ocid = b.ocid AND s.amount = b.amount AND s.currency = b.currency
    WHERE b.status IS NOT NULL AND b.status NOT IN ('invited', 'withdrawn') AND b.tenderer_id IS NOT NULL
),
hit AS (
    SELECT ocid,
        array_to_string(array_sort(array_agg(DISTINCT amount || ' ' || currency)), '、') AS prices,
        array_to_string(array_sort(array_agg(DISTINCT coalesce(tenderer_name, tenderer_id))), '、') AS tenderers,
        array_sort(array_agg(DISTINCT tenderer_id)) AS tenderer_ids,
        array_agg(src('ocds_bid', _batch, _row, ocid || '/' || tenderer_id)) AS src_bids
    FROM bids
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
    h.prices,
    h.tenderers,
    h.tenderer_ids,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    h.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
