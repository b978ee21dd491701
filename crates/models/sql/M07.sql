--! code = "M07"
--! name_zh = "年龄不符"
--! name_en = "Age outside the program's range"
--! domain = "livelihood"
--! severity = "high"
--! subject = "person"
--! summary_zh = "领取人在所属期首日的年龄（按身份证号出生日期计算）不在项目的[最低年龄, 最高年龄]范围内。"
--! summary_en = "The recipient's age on the first day of the period (from the birth date in the ID number) lies outside the program's [min_age, max_age]."
--! basis_zh = "高龄津贴等按年龄确定资格的项目，只能向符合年龄条件的人员发放；不符合条件而领取的，应停发并追回。"
--! basis_en = "Programs whose eligibility is an age, such as the old-age allowance, pay only those of that age; payments to others are stopped and recovered."
--! reads = ["disbursement", "fund_program"]
--! reason_zh = "{subject_name}领取{program_name}（年龄要求{age_range}），但在{periods}时仅{ages}岁，共{payments}期，合计{amount}。"
--! reason_en = "{subject_name} was paid {program_name} (age {age_range}) at age {ages} in {periods}: {payments} period(s), {amount} in all."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! age_range = { zh = "年龄要求", en = "Age range" }
--! ages = { zh = "所属期年龄", en = "Ages" }
--! periods = { zh = "所属期", en = "Periods" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH aged AS (
    SELECT d.*, p.name AS program_name, p.min_age, p.max_age, age_at(d.recipient_id, d.period) AS age
    FROM disbursement d
    JOIN program p ON p.program_code = d.program_code
),
hit AS (
    SELECT * FROM aged WHERE age < min_age OR age > max_age
)
SELECT
    recipient_id || '/' || program_code AS key,
    'person' AS subject_kind,
    recipient_id AS subject_id,
    max(recipient_name) AS subject_name,
    sum(amount) AS amount_fen,
    max(handler_org) AS org_code,
    max(region_code) AS region_code,
    program_code,
    max(program_name) AS program_name,
    coalesce(CAST(max(min_age) AS VARCHAR), '') || '–' || coalesce(CAST(max(max_age) AS VARCHAR), '') AS age_range,
    CASE WHEN min(age) = max(age) THEN CAST(min(age) AS VARCHAR)
         ELSE CAST(min(age) AS VARCHAR) || '–' || CAST(max(age) AS VARCHAR) END AS ages,
    array_agg(to_char(period, '%Y-%m') ORDER BY period, _batch, _row) AS periods,
    count(*) AS payments,
    array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
FROM hit
GROUP BY recipient_id, program_code
