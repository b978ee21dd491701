--! code = "F08"
--! name_zh = "年末突击花钱"
--! name_en = "Year-end spending spike"
--! domain = "finance"
--! severity = "low"
--! subject = "unit"
--! summary_zh = "某单位（或其某预算科目）全年支付中30%以上发生在12月。"
--! summary_en = "30 % or more of a unit's (or one budget line's) annual payments fall in December."
--! basis_zh = "财政部门要求均衡预算执行、严禁年底突击花钱；年末集中支出往往伴随虚列支出和违规采购。"
--! basis_en = "Finance departments require budgets to be executed evenly and forbid year-end spending sprees, which often hide fictitious spending and irregular purchases."
--! reads = ["payment", "budget", "official"]
--! reason_zh = "{subject_name}{year}年12月支付{amount}，占全年{total_fen}的{december_share:%}{lines}。"
--! reason_en = "{subject_name} paid {amount} in December {year}, {december_share:%} of the year's {total_fen}{lines}."
--!
--! [params.share]
--! kind = "number"
--! default = 0.3
--! zh = "12月支出占比界限"
--! en = "December share bound"
--!
--! [figures]
--! year = { zh = "年度", en = "Year" }
--! total_fen = { zh = "全年支付", en = "Paid in the year" }
--! december_share = { zh = "12月占比", en = "December share" }
--! lines = { zh = "超限科目", en = "Lines over the bound" }
WITH p AS (
    SELECT org_code, coalesce(year, CAST(date_part('year', pay_date) AS BIGINT)) AS year,
        coalesce(budget_line, '') AS budget_line, amount, date_part('month', pay_date) = 12 AS december,
        payment_id, _batch, _row
    FROM payment
),
by_line AS (
    SELECT org_code, year, budget_line, sum(amount) AS total, sum(CASE WHEN december THEN amount ELSE 0 END) AS dec
    FROM p GROUP BY org_code, year, budget_line
),
lines_over AS (
    SELECT org_code, year, string_agg(budget_line || '（' || CAST(round(100.0 * dec / total) AS VARCHAR) || '%）', '、' ORDER BY budget_line) AS lines
    FROM by_line
    WHERE total > 0 AND budget_line <> '' AND CAST(dec AS DOUBLE) >= ${share} * CAST(total AS DOUBLE)
    GROUP BY org_code, year
),
by_unit AS (
    SELECT org_code, year, sum(amount) AS total, sum(CASE WHEN december THEN amount ELSE 0 END) AS dec,
        array_agg(CASE WHEN december THEN src('payment', _batch, _row, payment_id) END) AS src_december
    FROM p GROUP BY org_code, year
)
SELECT
    b.org_code || '/' || CAST(b.year AS VARCHAR) AS key,
    'unit' AS subject_kind,
    b.org_code AS subject_id,
    coalesce(u.org_name, b.org_code) AS subject_name,
    b.dec AS amount_fen,
    b.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    b.year,
    b.total AS total_fen,
    CAST(b.dec AS DOUBLE) / CAST(b.total AS DOUBLE) AS december_share,
    coalesce('；超限科目：' || l.lines, '') AS lines,
    b.src_december
FROM by_unit b
LEFT JOIN lines_over l ON l.org_code = b.org_code AND l.year = b.year
LEFT JOIN unit u ON u.org_code = b.org_code
WHERE b.total > 0 AND (CAST(b.dec AS DOUBLE) >= ${share} * CAST(b.total AS DOUBLE) OR l.lines IS NOT NULL)
