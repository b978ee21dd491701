--! code = "R024"
--! name_zh = "次低价与中标价过近（Cardinal R024）"
--! name_en = "Price close to winning bid (Cardinal R024)"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "开放合同数据中，次低有效报价高出中标价的比例（次低价−中标价）/中标价是低离群值：不高于全部交易过程该比例的下界 Q1−1.5×IQR（四分位数按 Hyndman–Fan 第8型，与 Cardinal 相同）。只看全部授标已定、仅一个有效授标且只授给一家、中标人报价最低、单一投标人报价、主币种的过程。与 Cardinal R024 一致。"
--! summary_en = "In OCDS data, the difference (second-lowest valid bid − winning bid) / winning bid is a low outlier: at most the lower fence Q1 − 1.5 IQR of all processes' differences (type-8 quartiles, as Cardinal). Only processes whose awards are all final, with one active award to one supplier, whose winner bid lowest, counting bids by one tenderer in the main currency. As Cardinal R024."
--! basis_zh = "《招标投标法实施条例》第四十条：投标报价呈规律性差异的，视为串通投标。Cardinal R024：串通者以相近报价陪标。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 40 (prices that differ by a regular pattern are deemed collusive). Cardinal R024: a colluding bidder mimics competition with a close price."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}次低有效报价{second_amount}仅比中标价{winner_amount}高{difference:%}，不高于下界{lower_fence:%}。"
--! reason_en = "In {subject_name} the second-lowest valid bid {second_amount} is only {difference:%} above the winning bid {winner_amount}, at or under the lower fence {lower_fence:%}."
--!
--! [params.threshold]
--! kind = "number"
--! default = -1
--! zh = "下界（比例；负数表示按四分位数计算）"
--! en = "Lower fence (a ratio; negative: from the quartiles)"
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
--! lower_fence = { zh = "下界", en = "Lower fence" }
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
    -- With Q1 = Q3 = 0 the fence would flag three processes in four: Cardinal then flags none.
    SELECT q1, q3,
        CASE WHEN ${threshold} >= 0 THEN ${threshold} WHEN q1 = 0 AND q3 = 0 THEN NULL
            ELSE q1 - 1.5 * (q3 - q1) END AS lower_fence
    FROM quartiles
),
hit AS (
    SELECT g.*, f.q1, f.q3, f.lower_fence FROM gap g CROSS JOIN fence f WHERE g.difference <= f.lower_fence
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
    h.lower_fence,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    s.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
LEFT JOIN sources s ON s.ocid = h.ocid
