--! code = "F06"
--! name_zh = "首位数字异常"
--! name_en = "Benford deviation"
--! domain = "finance"
--! severity = "low"
--! subject = "unit"
--! summary_zh = "某单位某年支付不少于300笔，其金额首位数字分布与本福特定律的平均绝对偏差（MAD）超过0.015。"
--! summary_en = "A unit-year with at least 300 payments whose first digits deviate from Benford's law by a mean absolute deviation (MAD) above 0.015."
--! basis_zh = "自然形成的金额首位数字服从本福特定律；Nigrini提出以MAD>0.015为“不符合”界限，审计中用于发现编造、拆分或凑整的支付。"
--! basis_en = "First digits of naturally arising amounts follow Benford's law; Nigrini's nonconformity bound is MAD > 0.015, used in audits to find invented, split or rounded payments."
--! reads = ["payment", "budget", "official"]
--! reason_zh = "{subject_name}{year}年{payments}笔支付的首位数字偏离本福特定律，MAD为{mad}（界限{max_mad}）。"
--! reason_en = "The first digits of {subject_name}'s {payments} payments in {year} deviate from Benford's law: MAD {mad} (bound {max_mad})."
--!
--! [params.min_payments]
--! kind = "int"
--! default = 300
--! zh = "最少支付笔数"
--! en = "Fewest payments"
--!
--! [params.max_mad]
--! kind = "number"
--! default = 0.015
--! zh = "平均绝对偏差界限"
--! en = "MAD bound"
--!
--! [figures]
--! year = { zh = "年度", en = "Year" }
--! payments = { zh = "支付笔数", en = "Payments" }
--! mad = { zh = "平均绝对偏差", en = "Mean absolute deviation" }
--! max_mad = { zh = "界限", en = "Bound" }
--! digit_counts = { zh = "首位数字1–9笔数", en = "Payments by first digit 1–9" }
WITH p AS (
    SELECT org_code, coalesce(year, CAST(date_part('year', pay_date) AS BIGINT)) AS year,
        CAST(substr(CAST(amount AS VARCHAR), 1, 1) AS BIGINT) AS digit, amount, payment_id, _batch, _row
    FROM payment
    WHERE amount > 0
),
unit_year AS (
    SELECT org_code, year, count(*) AS n, sum(amount) AS total
    FROM p
    GROUP BY org_code, year
    HAVING count(*) >= ${min_payments}
),
digits AS (
    SELECT column1 AS d FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS t
),
observed AS (
    SELECT org_code, year, digit, count(*) AS c FROM p GROUP BY org_code, year, digit
),
deviation AS (
    SELECT y.org_code, y.year, y.n, y.total, g.d, coalesce(o.c, 0) AS c,
        abs(CAST(coalesce(o.c, 0) AS DOUBLE) / CAST(y.n AS DOUBLE) - log10(1.0 + 1.0 / CAST(g.d AS DOUBLE))) AS ad
    FROM unit_year y
    CROSS JOIN digits g
    LEFT JOIN observed o ON o.org_code = y.org_code AND o.year = y.year AND o.digit = g.d
),
mad AS (
    SELECT org_code, year, max(n) AS n, max(total) AS total, avg(ad) AS mad, array_agg(c ORDER BY d) AS digit_counts
    FROM deviation
    GROUP BY org_code, year
    HAVING avg(ad) > ${max_mad}
),
sources AS (
    SELECT p.org_code, p.year, array_agg(src('payment', p._batch, p._row, p.payment_id)) AS src_payments
    FROM p
    JOIN mad m ON m.org_code = p.org_code AND m.year = p.year
    GROUP BY p.org_code, p.year
)
SELECT
    m.org_code || '/' || CAST(m.year AS VARCHAR) AS key,
    'unit' AS subject_kind,
    m.org_code AS subject_id,
    coalesce(u.org_name, m.org_code) AS subject_name,
    m.total AS amount_fen,
    m.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    m.year,
    m.n AS payments,
    m.mad,
    ${max_mad} AS max_mad,
    m.digit_counts,
    s.src_payments
FROM mad m
JOIN sources s ON s.org_code = m.org_code AND s.year = m.year
LEFT JOIN unit u ON u.org_code = m.org_code
