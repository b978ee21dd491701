--! code = "R025"
--! name_zh = "频繁投标却极少中标（Cardinal R025）"
--! name_en = "Excessive unsuccessful bids (Cardinal R025)"
--! domain = "trading"
--! severity = "medium"
--! subject = "enterprise"
--! summary_zh = "开放合同数据中，投标人的中标率（中标过程数/有效投标过程数）是低离群值（不高于 Q1−1.5×IQR），而它的有效投标过程数在前列（不低于全体投标人的第75百分位数）。只看全部授标已定、仅一个有效授标且只授给一家的过程，每个过程每个投标人只计一次。与 Cardinal R025 一致，只是从未落标的投标人不标记（四分位数退化时 Cardinal 会把它们也算作“频繁落标”）。"
--! summary_en = "In OCDS data, a tenderer's win ratio (processes won / processes with a valid bid) is a low outlier (at most Q1 − 1.5 IQR) while its number of valid bids is at or above the 75th percentile of all tenderers'. Only processes whose awards are all final with one active award to one supplier; each tenderer counts once per process. As Cardinal R025, except that a tenderer that never lost is not flagged (with degenerate quartiles Cardinal flags it too)."
--! basis_zh = "《招标投标法实施条例》第三十九条、第四十条：陪标、轮流中标属串通投标。Cardinal R025：串通者以大量故意落标的投标陪标。"
--! basis_en = "Regulations on the Tendering and Bidding Law arts. 39–40 (cover bidding). Cardinal R025: a colluding bidder submits many deliberately losing bids."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}有效投标{bids}次仅中标{wins}次（{ratio:%}），投标次数不低于第{percentile}百分位数{top_fence}，中标率不高于下界{lower_fence:%}。"
--! reason_en = "{subject_name} won {wins} of {bids} processes with a valid bid ({ratio:%}): a top tenderer (percentile {percentile} is {top_fence}) with a win ratio at or under the lower fence {lower_fence:%}."
--!
--! [params.percentile]
--! kind = "int"
--! default = 75
--! zh = "投标次数百分位数"
--! en = "Percentile of valid bids"
--!
--! [params.threshold]
--! kind = "number"
--! default = -1
--! zh = "中标率下界（负数表示按四分位数计算）"
--! en = "Lower fence of the win ratio (negative: from the quartiles)"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! bids = { zh = "有效投标过程数", en = "Processes with a valid bid" }
--! wins = { zh = "中标过程数", en = "Processes won" }
--! ratio = { zh = "中标率", en = "Win ratio" }
--! percentile = { zh = "百分位数", en = "Percentile" }
--! top_fence = { zh = "投标次数上界", en = "Bids fence" }
--! q1 = { zh = "中标率第一四分位数", en = "Ratio first quartile" }
--! q3 = { zh = "中标率第三四分位数", en = "Ratio third quartile" }
--! lower_fence = { zh = "中标率下界", en = "Ratio lower fence" }
WITH part AS (
    SELECT DISTINCT b.ocid, b.tenderer_id, f.winner
    FROM ocds_bid b
    JOIN cardinal_final f ON f.ocid = b.ocid AND f.winner IS NOT NULL
    WHERE b.status = 'valid' AND b.tenderer_count = 1 AND b.tenderer_id IS NOT NULL
        AND matches_method_details(f.procurement_method_details, '', ${excluded_procurement_method_details})
),
firm AS MATERIALIZED (
    SELECT tenderer_id, count(*) AS bids, sum(CASE WHEN tenderer_id = winner THEN 1 ELSE 0 END) AS wins,
        CAST(sum(CASE WHEN tenderer_id = winner THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS ratio
    FROM part
    GROUP BY tenderer_id
),
fence AS (
    SELECT quantile_r8(array_agg(CAST(bids AS DOUBLE)), ${percentile} / 100.0) AS top_fence,
        quantile_r8(array_agg(ratio), 0.25) AS q1, quantile_r8(array_agg(ratio), 0.75) AS q3
    FROM firm
),
hit AS (
    SELECT r.*, f.top_fence, f.q1, f.q3,
        CASE WHEN ${threshold} >= 0 THEN ${threshold} ELSE f.q1 - 1.5 * (f.q3 - f.q1) END AS lower_fence
    FROM firm r CROSS JOIN fence f
),
flagged AS (
    -- A tenderer that never lost has no unsuccessful bids, whatever the fences say.
    SELECT * FROM hit WHERE bids >= top_fence AND ratio <= lower_fence AND wins < bids
),
sources AS (
    SELECT b.tenderer_id, max(b.tenderer_name) AS name,
        array_agg(src('ocds_bid', b._batch, b._row, b.ocid || '/' || b.tenderer_id)) AS src_bids
    FROM ocds_bid b
    JOIN flagged h ON h.tenderer_id = b.tenderer_id
    JOIN cardinal_final f ON f.ocid = b.ocid AND f.winner IS NOT NULL
    WHERE b.status = 'valid' AND b.tenderer_count = 1
        AND matches_method_details(f.procurement_method_details, '', ${excluded_procurement_method_details})
    GROUP BY b.tenderer_id
)
SELECT
    h.tenderer_id AS key,
    'enterprise' AS subject_kind,
    h.tenderer_id AS subject_id,
    coalesce(s.name, h.tenderer_id) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    CAST(NULL AS VARCHAR) AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.bids,
    h.wins,
    h.ratio,
    ${percentile} AS percentile,
    h.top_fence,
    h.q1,
    h.q3,
    h.lower_fence,
    s.src_bids
FROM flagged h
JOIN sources s ON s.tenderer_id = h.tenderer_id
