--! code = "W09"
--! name_zh = "接待价格异常"
--! name_en = "Reception price outlier"
--! domain = "conduct"
--! severity = "low"
--! subject = "claim"
--! summary_zh = "一张公务接待账单的人均费用远高于该商户自身的历史账单（历史不少于5张时），或远高于同一城市的其他接待账单（历史不足时）：超过中位数加k倍稳健标准差（1.4826×MAD，默认k=6）。"
--! summary_en = "A reception bill whose cost per head lies far above the vendor's own history (with at least 5 earlier bills), or above the other receptions in the same city (with fewer): beyond the median plus k robust standard deviations (1.4826 × MAD, k = 6 by default)."
--! basis_zh = "借鉴巴西“Serenata de Amor”项目对议员餐费的异常价格识别：同一商户的账单价格相对稳定，远超其常态的账单可能虚开金额、混入高档菜品烟酒，或把其他消费开成接待费。"
--! basis_en = "After Serenata de Amor's meal-price outlier classifier for Brazilian deputies' reimbursements: one vendor's bills are steady, and a bill far above its norm may be inflated, include luxury food, tobacco or alcohol, or disguise other spending as a reception."
--! reads = ["reimbursement"]
--! reason_zh = "{subject_name}报销单{subject_id}在{vendor}人均{per_head_fen}，而{baseline}人均中位数为{median_fen}（{bills}张账单，上限{limit_fen}）。"
--! reason_en = "Claim {subject_id} of {subject_name}: {per_head_fen} a head at {vendor}, against a median of {median_fen} for {baseline} ({bills} bills, limit {limit_fen})."
--!
--! [params.k]
--! kind = "number"
--! default = 6.0
--! zh = "稳健标准差倍数"
--! en = "Robust standard deviations"
--!
--! [params.min_history]
--! kind = "int"
--! default = 5
--! zh = "按商户自身历史判断所需的最少账单数"
--! en = "Fewest bills to judge a vendor by its own history"
--!
--! [figures]
--! vendor = { zh = "商户", en = "Vendor" }
--! expense_date = { zh = "发生日期", en = "Date" }
--! per_head_fen = { zh = "人均费用", en = "Per head" }
--! median_fen = { zh = "人均中位数", en = "Median per head" }
--! limit_fen = { zh = "上限", en = "Limit" }
--! bills = { zh = "比较账单数", en = "Bills compared" }
--! baseline = { zh = "比较对象", en = "Compared with" }
WITH bill AS (
    SELECT r.*, coalesce(r.city, '') AS place,
        CAST(r.amount AS DOUBLE) / CAST(coalesce(r.guests, 0) + coalesce(r.companions, 0) AS DOUBLE) AS per_head
    FROM reimbursement r
    WHERE r.category = 'reception' AND coalesce(r.guests, 0) + coalesce(r.companions, 0) > 0
        AND r.vendor_name IS NOT NULL
),
vendor_median AS (
    SELECT vendor_name, median(per_head) AS m, count(*) AS n FROM bill GROUP BY vendor_name
),
vendor_spread AS (
    SELECT b.vendor_name, median(abs(b.per_head - v.m)) AS mad
    FROM bill b JOIN vendor_median v ON v.vendor_name = b.vendor_name
    GROUP BY b.vendor_name
),
city_median AS (
    SELECT place, median(per_head) AS m, count(*) AS n FROM bill GROUP BY place
),
city_spread AS (
    SELECT b.place, median(abs(b.per_head - c.m)) AS mad
    FROM bill b JOIN city_median c ON c.place = b.place
    GROUP BY b.place
),
judged AS (
    SELECT b.*,
        -- The vendor's own history when it has enough bills, else the city's receptions.
        CASE WHEN v.n - 1 >= ${min_history} THEN '该商户 this vendor' ELSE '同城接待 receptions in the city' END AS baseline,
        CASE WHEN v.n - 1 >= ${min_history} THEN v.m ELSE c.m END AS m,
        CASE WHEN v.n - 1 >= ${min_history} THEN vs.mad ELSE cs.mad END AS mad,
        CASE WHEN v.n - 1 >= ${min_history} THEN v.n ELSE c.n END AS n
    FROM bill b
    JOIN vendor_median v ON v.vendor_name = b.vendor_name
    JOIN vendor_spread vs ON vs.vendor_name = b.vendor_name
    JOIN city_median c ON c.place = b.place
    JOIN city_spread cs ON cs.place = b.place
),
limited AS (
    -- A spread of at least a tenth of the median, so that identical bills do not make every change an outlier.
    SELECT *, m + ${k} * greatest(1.4826 * mad, 0.1 * m) AS lim FROM judged WHERE n >= ${min_history}
)
SELECT
    l.claim_id AS key,
    'claim' AS subject_kind,
    l.claim_id AS subject_id,
    coalesce(u.org_name, l.org_code) AS subject_name,
    CAST(round((l.per_head - l.m) * CAST(coalesce(l.guests, 0) + coalesce(l.companions, 0) AS DOUBLE)) AS BIGINT) AS amount_fen,
    l.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    l.vendor_name AS vendor,
    l.expense_date,
    CAST(round(l.per_head) AS BIGINT) AS per_head_fen,
    CAST(round(l.m) AS BIGINT) AS median_fen,
    CAST(round(l.lim) AS BIGINT) AS limit_fen,
    l.n AS bills,
    l.baseline,
    src('reimbursement', l._batch, l._row, l.claim_id) AS src_claim
FROM limited l
LEFT JOIN unit u ON u.org_code = l.org_code
WHERE l.per_head > l.lim
