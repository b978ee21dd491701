--! code = "R038"
--! name_zh = "否决投标比例畸高（Cardinal R038）"
--! name_en = "Excessive disqualified bids (Cardinal R038)"
--! domain = "trading"
--! severity = "medium"
--! subject = "unit"
--! summary_zh = "开放合同数据中，采购人、采购代理机构或投标人被否决的投标占其递交投标的比例是高离群值：不低于同类全体的上界 Q3+1.5×IQR（上界为0时不标记）。投标人至少递交2份投标才计入；采购人和代理机构至少收到2份投标才计入（Cardinal 称之为“最少交易过程数”，实际数的是投标，我们照做，以得到相同的结果）。与 Cardinal R038 一致。"
--! summary_en = "In OCDS data, the share of a buyer's, procuring entity's or tenderer's submitted bids that were disqualified is a high outlier: at least the upper fence Q3 + 1.5 IQR of its group (nothing is flagged when the fence is 0). Tenderers count from 2 submitted bids; buyers and procuring entities from 2 bids received (Cardinal names this minimum_contracting_processes but counts bids; so do we, to give the same results). As Cardinal R038."
--! basis_zh = "《招标投标法实施条例》第五十一条（否决投标的法定情形）。Cardinal R038：采购人以否决他人投标让内定者中标；串通者以故意不合格的投标陪标。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 51 (the grounds for rejecting a bid). Cardinal R038: a buyer disqualifies others so that the pre-selected bidder wins; a colluder submits deliberately unqualified bids."
--! reads = ["ocds_process", "ocds_bid"]
--! reason_zh = "{subject_name}（{role}）递交或收到的{submitted}份投标中{disqualified}份被否决（{ratio:%}），不低于上界{upper_fence:%}。"
--! reason_en = "{subject_name} ({role}): {disqualified} of {submitted} bids disqualified ({ratio:%}), at or over the upper fence {upper_fence:%}."
--!
--! [params.threshold]
--! kind = "number"
--! default = -1
--! zh = "上界（比例；负数表示按四分位数计算）"
--! en = "Upper fence (a ratio; negative: from the quartiles)"
--!
--! [params.minimum_submitted_bids]
--! kind = "int"
--! default = 2
--! zh = "投标人至少递交投标"
--! en = "Tenderers: bids submitted, at least"
--!
--! [params.minimum_organization_bids]
--! kind = "int"
--! default = 2
--! zh = "采购人、代理机构至少收到投标"
--! en = "Buyers and procuring entities: bids received, at least"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! role = { zh = "身份", en = "Role" }
--! submitted = { zh = "递交的投标", en = "Bids submitted" }
--! disqualified = { zh = "被否决的投标", en = "Bids disqualified" }
--! ratio = { zh = "否决比例", en = "Share disqualified" }
--! q1 = { zh = "第一四分位数", en = "First quartile" }
--! q3 = { zh = "第三四分位数", en = "Third quartile" }
--! upper_fence = { zh = "上界", en = "Upper fence" }
WITH submitted AS MATERIALIZED (
    -- One row per tenderer of each submitted bid (a bid without tenderers: one row).
    SELECT b.ocid, b.bid_index, b.tenderer_id, b.tenderer_name, b.status, b._batch, b._row
    FROM ocds_bid b
    JOIN cardinal_process p ON p.ocid = b.ocid
    WHERE b.status IS NOT NULL AND b.status NOT IN ('invited', 'withdrawn')
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
),
per_process AS (
    SELECT ocid, count(*) AS submitted, sum(CASE WHEN status = 'disqualified' THEN 1 ELSE 0 END) AS disqualified
    FROM (SELECT DISTINCT ocid, bid_index, status FROM submitted)
    GROUP BY ocid
),
org AS (
    SELECT '采购人 buyer' AS role, 'unit' AS kind, p.buyer_id AS id, max(p.buyer_name) AS name,
        sum(x.submitted) AS submitted, sum(x.disqualified) AS disqualified
    FROM per_process x JOIN ocds_process p ON p.ocid = x.ocid
    WHERE p.buyer_id IS NOT NULL
    GROUP BY p.buyer_id
    UNION ALL
    SELECT '采购代理 procuring entity', 'unit', p.procuring_entity_id, max(p.procuring_entity_name),
        sum(x.submitted), sum(x.disqualified)
    FROM per_process x JOIN ocds_process p ON p.ocid = x.ocid
    WHERE p.procuring_entity_id IS NOT NULL
    GROUP BY p.procuring_entity_id
    UNION ALL
    SELECT '投标人 tenderer', 'enterprise', tenderer_id, max(tenderer_name),
        count(*), sum(CASE WHEN status = 'disqualified' THEN 1 ELSE 0 END)
    FROM submitted
    WHERE tenderer_id IS NOT NULL
    GROUP BY tenderer_id
),
counted AS MATERIALIZED (
    SELECT *, CAST(disqualified AS DOUBLE) / submitted AS ratio
    FROM org
    WHERE submitted >= CASE WHEN kind = 'enterprise' THEN ${minimum_submitted_bids} ELSE ${minimum_organization_bids} END
),
fence AS (
    SELECT role, quantile_r8(array_agg(ratio), 0.25) AS q1, quantile_r8(array_agg(ratio), 0.75) AS q3
    FROM counted
    GROUP BY role
),
hit AS (
    SELECT c.*, f.q1, f.q3,
        CASE WHEN ${threshold} >= 0 THEN ${threshold} ELSE f.q3 + 1.5 * (f.q3 - f.q1) END AS upper_fence
    FROM counted c JOIN fence f ON f.role = c.role
),
flagged AS (
    SELECT * FROM hit WHERE upper_fence > 0 AND ratio >= upper_fence
),
disqualified AS (
    -- The disqualified bids behind each flag.
    SELECT h.role, h.id, s.ocid, s.tenderer_id, s._batch, s._row
    FROM flagged h
    JOIN ocds_process p ON p.buyer_id = h.id
    JOIN submitted s ON s.ocid = p.ocid AND s.status = 'disqualified'
    WHERE h.role = '采购人 buyer'
    UNION ALL
    SELECT h.role, h.id, s.ocid, s.tenderer_id, s._batch, s._row
    FROM flagged h
    JOIN ocds_process p ON p.procuring_entity_id = h.id
    JOIN submitted s ON s.ocid = p.ocid AND s.status = 'disqualified'
    WHERE h.role = '采购代理 procuring entity'
    UNION ALL
    SELECT h.role, h.id, s.ocid, s.tenderer_id, s._batch, s._row
    FROM flagged h
    JOIN submitted s ON s.tenderer_id = h.id AND s.status = 'disqualified'
    WHERE h.role = '投标人 tenderer'
),
sources AS (
    SELECT role, id, array_agg(src('ocds_bid', _batch, _row, ocid || '/' || coalesce(tenderer_id, ''))) AS src_bids
    FROM disqualified
    GROUP BY role, id
)
SELECT
    h.role || ' ' || h.id AS key,
    h.kind AS subject_kind,
    h.id AS subject_id,
    coalesce(h.name, h.id) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    CASE WHEN h.kind = 'unit' THEN h.id END AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.role,
    h.submitted,
    h.disqualified,
    h.ratio,
    h.q1,
    h.q3,
    h.upper_fence,
    s.src_bids
FROM flagged h
JOIN sources s ON s.role = h.role AND s.id = h.id
