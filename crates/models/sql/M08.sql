--! code = "M08"
--! name_zh = "一卡多领"
--! name_en = "One account, many recipients"
--! domain = "livelihood"
--! severity = "high"
--! subject = "account"
--! summary_zh = "一个银行账户在同一所属期收取同一项目不同户的3名以上领取人的资金；或账户持有人是公职人员或经办人本人。"
--! summary_en = "One bank account receives one program's payments for three or more recipients of different households in one period; or the account holder is an official or the handler."
--! basis_zh = "惠民惠农补贴应通过“一卡通”直接发放到领取人本人账户，严禁代领、冒领和截留（财政部等部门关于惠民惠农财政补贴资金“一卡通”管理的规定）。"
--! basis_en = "Subsidies to households are paid straight into the recipient's own account (the “one card” rules of the Ministry of Finance and others); collection by others, impersonation and withholding are forbidden."
--! reads = ["disbursement", "person", "official"]
--! reason_zh = "账户{subject_id}（{rule}）在{period}收取{program_code}共{payments}笔，涉及{recipients}，合计{amount}。"
--! reason_en = "Account {subject_id} ({rule}) received {payments} payment(s) of {program_code} for {period}, for {recipients}: {amount} in all."
--!
--! [params.min_households]
--! kind = "int"
--! default = 3
--! zh = "同一账户同期同项目收款的最少户数"
--! en = "Fewest households paid into one account for one program and period"
--!
--! [figures]
--! rule = { zh = "规则", en = "Rule" }
--! program_code = { zh = "项目代码", en = "Program" }
--! period = { zh = "所属期", en = "Period" }
--! recipients = { zh = "领取人", en = "Recipients" }
--! households = { zh = "户数", en = "Households" }
--! account_holder_id = { zh = "账户持有人", en = "Account holder" }
--! payments = { zh = "笔数", en = "Payments" }
WITH pay AS (
    SELECT * FROM disbursement WHERE bank_account IS NOT NULL
),
household AS (
    SELECT id_number, max(household_id) AS household_id FROM person GROUP BY id_number
),
-- Count first: only accounts with enough payments in one period can be shared by enough households.
crowded AS (
    SELECT bank_account, program_code, period
    FROM pay
    GROUP BY bank_account, program_code, period
    HAVING count(*) >= ${min_households}
),
d AS (
    SELECT p.*, coalesce(h.household_id, p.recipient_id) AS household
    FROM pay p
    JOIN crowded c ON c.bank_account = p.bank_account AND c.program_code = p.program_code AND c.period = p.period
    LEFT JOIN household h ON h.id_number = p.recipient_id
),
other_holder AS (
    SELECT p.*, coalesce(h.household_id, p.recipient_id) AS household
    FROM pay p
    LEFT JOIN household h ON h.id_number = p.recipient_id
    WHERE p.account_holder_id IS NOT NULL AND p.account_holder_id <> p.recipient_id
),
shared AS (
    SELECT
        bank_account || '/' || program_code || '/' || to_char(period, '%Y-%m') AS key,
        bank_account,
        '多户共用 shared by households' AS rule,
        program_code,
        to_char(period, '%Y-%m') AS period,
        array_agg(recipient_name || '（' || recipient_id || '）' ORDER BY recipient_id, _batch, _row) AS recipients,
        count(DISTINCT household) AS households,
        max(account_holder_id) AS account_holder_id,
        count(*) AS payments,
        sum(amount) AS amount_fen,
        max(handler_org) AS org_code,
        max(region_code) AS region_code,
        array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
    FROM d
    GROUP BY bank_account, program_code, period
    HAVING count(DISTINCT household) >= ${min_households}
),
held AS (
    SELECT DISTINCT d.*,
        CASE WHEN d.account_holder_id = d.handler_id THEN '持有人为经办人 held by the handler'
             ELSE '持有人为公职人员 held by an official' END AS rule
    FROM other_holder d
    LEFT JOIN official o ON o.id_number = d.account_holder_id
        AND (o.start_date IS NULL OR o.start_date < d.period + INTERVAL '1 month')
        AND (o.end_date IS NULL OR o.end_date >= d.period)
    WHERE (d.account_holder_id = d.handler_id OR o.id_number IS NOT NULL)
),
held_by AS (
    SELECT
        bank_account || '/holder/' || account_holder_id AS key,
        bank_account,
        max(rule) AS rule,
        array_to_string(array_sort(array_distinct(array_agg(program_code))), '、') AS program_code,
        min(to_char(period, '%Y-%m')) || '—' || max(to_char(period, '%Y-%m')) AS period,
        array_agg(recipient_name || '（' || recipient_id || '）' ORDER BY recipient_id, period, _batch, _row) AS recipients,
        count(DISTINCT household) AS households,
        account_holder_id,
        count(*) AS payments,
        sum(amount) AS amount_fen,
        max(handler_org) AS org_code,
        max(region_code) AS region_code,
        array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
    FROM held
    GROUP BY bank_account, account_holder_id
),
hits AS (
    SELECT * FROM shared
    UNION ALL
    SELECT * FROM held_by
)
SELECT
    h.key,
    'account' AS subject_kind,
    h.bank_account AS subject_id,
    coalesce(p.name, h.account_holder_id, '') AS subject_name,
    h.amount_fen,
    h.org_code,
    h.region_code,
    h.rule,
    h.program_code,
    h.period,
    h.recipients,
    h.households,
    h.account_holder_id,
    h.payments,
    h.src_payments
FROM hits h
LEFT JOIN (SELECT id_number, max(name) AS name FROM person GROUP BY id_number) p ON p.id_number = h.account_holder_id
