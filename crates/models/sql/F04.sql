--! code = "F04"
--! name_zh = "关联方收款"
--! name_en = "Payee linked to the payer's officials"
--! domain = "finance"
--! severity = "high"
--! subject = "unit"
--! summary_zh = "收款企业的法定代表人、股东或主要人员是付款单位的公职人员或其亲属；或收款人本人是付款单位公职人员的亲属。"
--! summary_en = "The payee is an enterprise whose legal representative, shareholder or key person is an official of the paying unit or a relative of one; or the payee is such an official's relative."
--! basis_zh = "《中华人民共和国公职人员政务处分法》《中国共产党纪律处分条例》：利用职权为本人或特定关系人谋取利益、违规为亲属经营活动提供便利的，应予处分；关联交易须回避。"
--! basis_en = "Law on Administrative Discipline for Public Officials and the Party's disciplinary regulations: using one's post to benefit oneself, relatives or associates, or favouring relatives' businesses, is punished; related-party dealings require recusal."
--! reads = ["payment", "official", "kinship", "enterprise", "enterprise_role", "budget"]
--! reason_zh = "{subject_name}向{payee}支付{payments}笔，合计{amount}；{links}。"
--! reason_en = "{subject_name} paid {payee} {payments} time(s), {amount} in all; {links}."
--!
--! [figures]
--! payee = { zh = "收款人", en = "Payee" }
--! links = { zh = "关联关系", en = "Links" }
--! dates = { zh = "支付日期", en = "Dates" }
--! payments = { zh = "笔数", en = "Payments" }
WITH -- People of each unit on each day: its officials and their relatives.
insider AS (
    SELECT o.org_code, o.id_number AS person, o.id_number AS official, coalesce(o.name, o.id_number) AS official_name,
        '本人 self' AS relation, o.start_date, o.end_date,
        src('official', o._batch, o._row, o.id_number || '/' || o.org_code) AS post_source,
        CAST(NULL AS VARCHAR) AS kin_source
    FROM official o
    UNION ALL
    SELECT o.org_code, r.b, o.id_number, coalesce(o.name, o.id_number), r.relation, o.start_date, o.end_date,
        src('official', o._batch, o._row, o.id_number || '/' || o.org_code),
        src('kinship', r._batch, r._row, r.a || '/' || r.b)
    FROM official o
    JOIN kin r ON r.a = o.id_number
    WHERE r.b <> o.id_number
),
-- Who stands behind each enterprise.
behind AS (
    SELECT credit_code, legal_rep_id AS person, '法定代表人 legal representative' AS role, CAST(NULL AS DATE) AS start_date,
        CAST(NULL AS DATE) AS end_date, src('enterprise', _batch, _row, credit_code) AS link_source
    FROM enterprise
    WHERE legal_rep_id IS NOT NULL
    UNION ALL
    SELECT credit_code, holder_id, role, start_date, end_date,
        src('enterprise_role', _batch, _row, credit_code || '/' || holder_id)
    FROM enterprise_role
    WHERE holder_id IS NOT NULL
),
hit AS (
    SELECT p.org_code, p.payee_code, p.payee_name, p.payment_id, p.pay_date, p.amount, p._batch, p._row,
        i.official_name || '的' || i.relation || '为收款企业' || b.role AS link,
        i.post_source, i.kin_source, b.link_source
    FROM payment p
    JOIN behind b ON b.credit_code = p.payee_code
        AND (b.start_date IS NULL OR b.start_date <= p.pay_date) AND (b.end_date IS NULL OR b.end_date >= p.pay_date)
    JOIN insider i ON i.person = b.person AND i.org_code = p.org_code
        AND (i.start_date IS NULL OR i.start_date <= p.pay_date) AND (i.end_date IS NULL OR i.end_date >= p.pay_date)
    UNION ALL
    SELECT p.org_code, p.payee_code, p.payee_name, p.payment_id, p.pay_date, p.amount, p._batch, p._row,
        i.official_name || '的' || i.relation || '为收款人本人' AS link,
        i.post_source, i.kin_source, CAST(NULL AS VARCHAR)
    FROM payment p
    JOIN insider i ON i.person = p.payee_code AND i.org_code = p.org_code AND i.kin_source IS NOT NULL
        AND (i.start_date IS NULL OR i.start_date <= p.pay_date) AND (i.end_date IS NULL OR i.end_date >= p.pay_date)
),
pays AS (
    SELECT org_code, payee_code, max(payee_name) AS payee_name, sum(amount) AS amount_fen, count(*) AS payments,
        array_agg(CAST(pay_date AS VARCHAR) ORDER BY pay_date, payment_id) AS dates,
        array_agg(src('payment', _batch, _row, payment_id)) AS src_payments
    FROM (SELECT DISTINCT org_code, payee_code, payee_name, payment_id, pay_date, amount, _batch, _row FROM hit) AS x
    GROUP BY org_code, payee_code
),
links AS (
    SELECT org_code, payee_code, string_agg(link, '；' ORDER BY link) AS links,
        array_agg(post_source) AS src_posts, array_agg(kin_source) AS src_kinship, array_agg(link_source) AS src_links
    FROM (SELECT DISTINCT org_code, payee_code, link, post_source, kin_source, link_source FROM hit) AS x
    GROUP BY org_code, payee_code
)
SELECT
    p.org_code || '/' || p.payee_code AS key,
    'unit' AS subject_kind,
    p.org_code AS subject_id,
    coalesce(u.org_name, p.org_code) AS subject_name,
    p.amount_fen,
    p.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    p.payee_name || '（' || p.payee_code || '）' AS payee,
    l.links,
    p.dates,
    p.payments,
    p.src_payments,
    l.src_posts,
    l.src_kinship,
    l.src_links
FROM pays p
JOIN links l ON l.org_code = p.org_code AND l.payee_code = p.payee_code
LEFT JOIN unit u ON u.org_code = p.org_code
