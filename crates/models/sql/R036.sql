--! code = "R036"
--! name_zh = "最低价投标被否决（Cardinal R036）"
--! name_en = "Lowest bid disqualified (Cardinal R036)"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "开放合同数据中，已有有效授标的交易过程里，递交的（待评、有效、被否决）主币种投标中报价最低的一份被否决；至少一份有效投标须有金额。报价相同时取在前的投标。与 Cardinal R036 一致。"
--! summary_en = "In OCDS data, in a process with an active award, the lowest submitted (pending, valid or disqualified) bid in the main currency was disqualified; at least one valid bid must have an amount. Of equal bids the earlier one counts. As Cardinal R036."
--! basis_zh = "世界银行《采购中欺诈与腐败的预警信号》：以否决低价投标的方式让内定的高价投标人中标。Cardinal R036。"
--! basis_en = "World Bank, Warning Signs of Fraud and Corruption in Procurement: lower-priced bids are disqualified so that the pre-selected bidder wins. Cardinal R036."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}报价最低的投标（{lowest_tenderer}，{lowest_amount} {currency}）被否决。"
--! reason_en = "In {subject_name} the lowest bid ({lowest_tenderer}, {lowest_amount} {currency}) was disqualified."
--!
--! [params.currency]
--! kind = "text"
--! default = ""
--! zh = "主币种（空为报价最多的币种）"
--! en = "Main currency (empty: the one most bids use)"
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
--! currency = { zh = "币种", en = "Currency" }
--! lowest_amount = { zh = "最低报价", en = "Lowest bid" }
--! lowest_tenderer = { zh = "最低价投标人", en = "Lowest bidder" }
--! lowest_valid = { zh = "最低有效报价", en = "Lowest valid bid" }
WITH main AS (
    SELECT coalesce(nullif(${currency}, ''), (SELECT currency FROM cardinal_currency)) AS currency
),
awarded AS (
    -- Processes with an active award and a disqualified bid: only they can fire.
    SELECT DISTINCT a.ocid
    FROM ocds_award a
    JOIN cardinal_process p ON p.ocid = a.ocid
    JOIN (SELECT DISTINCT ocid FROM ocds_bid WHERE status = 'disqualified') d ON d.ocid = a.ocid
    WHERE a.status = 'active'
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
        AND matches_method_details(p.procurement_method_details, ${price_comparison_procurement_methods},
            ${no_price_comparison_procurement_methods})
),
submitted AS (
    SELECT b.ocid, b.bid_index, b.status, b.amount, b.currency,
        array_to_string(array_sort(array_agg(coalesce(b.tenderer_name, b.tenderer_id))), '、') AS tenderers
    FROM ocds_bid b
    JOIN awarded w ON w.ocid = b.ocid
    JOIN main m ON m.currency = b.currency
    WHERE b.status IS NOT NULL AND b.status NOT IN ('invited', 'withdrawn') AND b.amount IS NOT NULL
    GROUP BY b.ocid, b.bid_index, b.status, b.amount, b.currency
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY ocid ORDER BY amount, bid_index) AS n,
        min(CASE WHEN status = 'valid' THEN amount END) OVER (PARTITION BY ocid) AS lowest_valid
    FROM submitted
),
hit AS (
    SELECT * FROM ranked WHERE n = 1 AND status = 'disqualified' AND lowest_valid IS NOT NULL
),
sources AS (
    SELECT b.ocid, array_agg(src('ocds_bid', b._batch, b._row, b.ocid || '/' || coalesce(b.tenderer_id, ''))) AS src_bids
    FROM ocds_bid b
    JOIN hit h ON h.ocid = b.ocid AND h.currency = b.currency
    WHERE b.amount IN (h.amount, h.lowest_valid)
    GROUP BY b.ocid
)
SELECT
    h.ocid AS key,
    'tender' AS subject_kind,
    h.ocid AS subject_id,
    coalesce(p.title, h.ocid) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    p.buyer_id AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.currency,
    h.amount AS lowest_amount,
    coalesce(nullif(h.tenderers, ''), '—') AS lowest_tenderer,
    h.lowest_valid,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    s.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
JOIN sources s ON s.ocid = h.ocid
