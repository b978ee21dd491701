--! code = "F07"
--! name_zh = "重复支付"
--! name_en = "Duplicate payment"
--! domain = "finance"
--! severity = "medium"
--! subject = "unit"
--! summary_zh = "同一单位30天内向同一收款人支付相同金额两次，或同一凭证号被支付两次。"
--! summary_en = "One unit pays one payee the same amount twice within 30 days, or one voucher number is paid twice."
--! basis_zh = "《会计基础工作规范》要求原始凭证审核、防止重复报销支付；重复支付是资金流失和套取的常见形式。"
--! basis_en = "The Basic Standards for Accounting Work require vouchers to be checked so that nothing is paid twice; duplicate payment is a common way funds leak or are siphoned off."
--! reads = ["payment", "budget", "official"]
--! reason_zh = "{subject_name}向{payee}重复支付{payments}笔（{rules}），日期{dates}，重复金额{amount}。"
--! reason_en = "{subject_name} paid {payee} {payments} times ({rules}) on {dates}; {amount} paid twice."
--!
--! [params.window_days]
--! kind = "int"
--! default = 30
--! zh = "相同金额的时间窗口（天）"
--! en = "Window for equal amounts (days)"
--!
--! [figures]
--! payee = { zh = "收款人", en = "Payee" }
--! rules = { zh = "规则", en = "Rules" }
--! dates = { zh = "支付日期", en = "Dates" }
--! amounts_fen = { zh = "金额", en = "Amounts" }
--! vouchers = { zh = "凭证号", en = "Vouchers" }
--! payments = { zh = "笔数", en = "Payments" }
WITH p AS (
    SELECT payment_id, org_code, pay_date, amount, coalesce(payee_code, payee_name) AS payee, payee_name, voucher_no,
        _batch, _row
    FROM payment
),
pair AS (
    SELECT a.org_code, a.payment_id AS first_id, b.payment_id AS second_id, '同额 same amount' AS rule
    FROM p a
    JOIN p b ON a.org_code = b.org_code AND a.payee = b.payee AND a.amount = b.amount
    WHERE (a.pay_date < b.pay_date OR (a.pay_date = b.pay_date AND a.payment_id < b.payment_id))
        AND CAST(b.pay_date AS INT) - CAST(a.pay_date AS INT) <= ${window_days}
    UNION ALL
    SELECT a.org_code, a.payment_id, b.payment_id, '同凭证 same voucher'
    FROM p a
    JOIN p b ON a.org_code = b.org_code AND a.voucher_no = b.voucher_no
    WHERE a.pay_date < b.pay_date OR (a.pay_date = b.pay_date AND a.payment_id < b.payment_id)
),
-- One warning per first payment that is not itself the repeat of an earlier one.
first AS (
    SELECT org_code, first_id, array_to_string(array_sort(array_distinct(array_agg(rule))), '、') AS rules
    FROM pair
    WHERE NOT EXISTS (SELECT 1 FROM pair q WHERE q.org_code = pair.org_code AND q.second_id = pair.first_id)
    GROUP BY org_code, first_id
),
member AS (
    SELECT f.org_code, f.first_id, f.first_id AS payment_id FROM first f
    UNION
    SELECT f.org_code, f.first_id, q.second_id FROM first f JOIN pair q ON q.org_code = f.org_code AND q.first_id = f.first_id
),
rows AS (
    SELECT m.first_id, f.rules, p.* FROM member m
    JOIN first f ON f.org_code = m.org_code AND f.first_id = m.first_id
    JOIN p ON p.org_code = m.org_code AND p.payment_id = m.payment_id
)
SELECT
    r.org_code || '/' || r.first_id AS key,
    'unit' AS subject_kind,
    r.org_code AS subject_id,
    coalesce(max(u.org_name), r.org_code) AS subject_name,
    sum(r.amount) - max(r.amount) AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    max(r.payee_name) AS payee,
    max(r.rules) AS rules,
    array_agg(CAST(r.pay_date AS VARCHAR) ORDER BY r.pay_date, r.payment_id) AS dates,
    array_agg(r.amount ORDER BY r.pay_date, r.payment_id) AS amounts_fen,
    array_agg(coalesce(r.voucher_no, '') ORDER BY r.pay_date, r.payment_id) AS vouchers,
    count(*) AS payments,
    array_agg(src('payment', r._batch, r._row, r.payment_id)) AS src_payments
FROM rows r
LEFT JOIN unit u ON u.org_code = r.org_code
GROUP BY r.org_code, r.first_id
