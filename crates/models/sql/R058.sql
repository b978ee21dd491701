--! code = "R058"
--! name_zh = "中标价大幅低于次低价（Cardinal R058）"
--! name_en = "Heavily discounted bid (Cardinal R058)"
--! domain = "trading"
--! severity = "low"
--! subject = "tender"
--! summary_zh = "开放合同数据中，次低有效报价高出中标价的比例（次低价−中标价）/中标价是高离群值：不低于全部交易过程该比例的上界 Q3+1.5×IQR（上界为0时不标记）。过程的取舍与 R024 相同。与 Cardinal R058 一致。"
--! summary_en = "In OCDS data, the difference (second-lowest valid bid − winning bid) / winning bid is a high outlier: at least the upper fence Q3 + 1.5 IQR of all processes' differences (nothing is flagged when the fence is 0). Processes are chosen as for R024. As Cardinal R058."
--! basis_zh = "《政府采购货物和服务招标投标管理办法》第六十条：投标报价明显低于其他通过符合性审查投标人的报价，有可能影响产品质量或者不能诚信履约的，应当要求其说明合理性。Cardinal R058（Akerlof“柠檬市场”）。"
--! basis_en = "Measures for Government Procurement of Goods and Services art. 60 (a price clearly below the others must be justified). Cardinal R058 (Akerlof's market for lemons)."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}中标价{winner_amount}比次低有效报价{second_amount}低很多：差率{difference:%}，不低于上界{upper_fence:%}。"
--! reason_en = "In {subject_name} the winning bid {winner_amount} is far below the second-lowest valid bid {second_amount}: {difference:%}, at or over the upper fence {upper_fence:%}."
--!
--! [params.threshold]
--! kind = "number"
--! default = -1
--! zh = "上界（比例；负数表示按四分位数计算）"
--! en = "Upper fence (a ratio; negative: from the quartiles)"
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
--! winner = { zh = "中标人", en = "Winner" }
--! currency = { zh = "币种", en = "Currency" }
--! winner_amount = { zh = "中标报价", en = "Winning bid" }
--! second_amount = { zh = "次低有效报价", en = "Second-lowest valid bid" }
--! difference = { zh = "差率", en = "Difference" }
--! q1 = { zh = "第一四分位数", en = "First quartile" }
--! q3 = { zh = "第三四分位数", en = "Third quartile" }
--! upper_fence = { zh = "上界", en = "Upper fence" }
WITH main AS (
    SELECT coalesce(nullif(${currency}, ''), (SELECT currency FROM cardinal_currency)) AS currency
),
gap AS (
    SELECT g.* FROM cardinal_gap g
    JOIN main m ON m.currency = g.currency
    WHERE matches_method_details(g.procurement_method_details, '', ${excluded_procurement_method_details})
        AND matches_method_details(g.procurement_method_details, ${price_comparison_procurement_methods},
            ${no_price_comparison_procurement_methods})
),
quartiles AS (
    SELECT quantile_r8(array_agg(difference), 0.25) AS q1, quantile_r8(array_agg(difference), 0.75) AS q3 FROM gap
),
fence AS (
    SELECT q1, q3, CASE WHEN ${threshold} >= 0 THEN ${threshold} ELSE q3 + 1.5 * (q3 - q1) END AS upper_fence
    FROM quartiles
),
hit AS (
    SELECT g.*, f.q1, f.q3, f.upper_fence
    FROM gap g CROSS JOIN fence f
    WHERE f.upper_fence > 0 AND g.difference >= f.upper_fence
),
sources AS (
    SELECT b.ocid, array_agg(src('ocds_bid', b._batch, b._row, b.ocid || '/' || b.tenderer_id)) AS src_bids
    FROM ocds_bid b
    JOIN hit h ON h.ocid = b.ocid AND h.currency = b.currency
    WHERE b.status = 'valid' AND b.tenderer_count = 1 AND b.amount IN (h.winner_amount, h.second_amount)
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
    coalesce(h.winner_name, h.winner) AS winner,
    h.currency,
    h.winner_amount,
    h.second_amount,
    h.difference,
    h.q1,
    h.q3,
    h.upper_fence,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    s.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
LEFT JOIN sources s ON s.ocid = h.ocid
