-- Views every model may read, registered by the engine before models run.
-- Each statement ends with a line holding only ";". The aggregates `won`,
-- `cardinal_final` and `cardinal_gap` are computed once per scan, the first time a
-- model reads them (cached.rs); the others are planned into each query.

-- Kinship in both directions: `b` is `a`'s `relation` (Chinese label and English key);
-- the reverse link turns child into parent and back.
CREATE VIEW kin AS
SELECT id_number AS a, relative_id_number AS b,
    CASE relation WHEN 'spouse' THEN '配偶 spouse' WHEN 'child' THEN '子女 child' WHEN 'parent' THEN '父母 parent'
        WHEN 'sibling' THEN '兄弟姐妹 sibling' WHEN 'child_spouse' THEN '子女配偶 child''s spouse'
        ELSE '其他近亲属 other close relative' END AS relation,
    _batch, _row
FROM kinship
UNION ALL
SELECT relative_id_number AS a, id_number AS b,
    CASE relation WHEN 'spouse' THEN '配偶 spouse' WHEN 'child' THEN '父母 parent' WHEN 'parent' THEN '子女 child'
        WHEN 'sibling' THEN '兄弟姐妹 sibling' WHEN 'child_spouse' THEN '配偶父母 spouse''s parent'
        ELSE '其他近亲属 other close relative' END AS relation,
    _batch, _row
FROM kinship
;

-- One row per fund program, however many batches carried it.
CREATE VIEW program AS
SELECT program_code, max(name) AS name, bool_or(means_tested) AS means_tested,
    max(standard_amount) AS standard_amount, max(min_age) AS min_age, max(max_age) AS max_age,
    max(exclusive_group) AS exclusive_group
FROM fund_program
GROUP BY program_code
;

-- The name of each unit (by credit code), from budgets and official posts.
CREATE VIEW unit AS
SELECT org_code, max(org_name) AS org_name
FROM (SELECT org_code, org_name FROM budget UNION ALL SELECT org_code, org_name FROM official) AS u
GROUP BY org_code
;

-- Fuel records with their official vehicle (by plate, else by fuel card), the local day
-- and the time in seconds.
CREATE VIEW refuel AS
SELECT f.card_no, coalesce(f.plate, c.plate) AS plate, f.time, local_date(f.time) AS day,
    CAST(f.time AS BIGINT) AS seconds, f.station, f.city, f.litres, f.product, f.amount,
    v.org_code, v.vehicle_type, v.fuel_type, v.tank_capacity, v.city AS home_city,
    f._batch, f._row, v._batch AS vehicle_batch, v._row AS vehicle_row
FROM fuel_record f
LEFT JOIN (SELECT fuel_card_no, max(plate) AS plate FROM official_vehicle GROUP BY fuel_card_no) c
    ON c.fuel_card_no = f.card_no
LEFT JOIN official_vehicle v ON v.plate = coalesce(f.plate, c.plate)
;

-- Tenders with the method and category named in Chinese and English.
CREATE VIEW trade AS
SELECT t.*,
    CASE t.method WHEN 'open' THEN '公开招标 open' WHEN 'invited' THEN '邀请招标 invited'
        WHEN 'negotiation' THEN '竞争性谈判 negotiation' WHEN 'consultation' THEN '竞争性磋商 consultation'
        WHEN 'inquiry' THEN '询价 inquiry' WHEN 'single_source' THEN '单一来源 single source'
        WHEN 'auction' THEN '拍卖 auction' WHEN 'listing' THEN '挂牌 listing' ELSE '其他 other' END AS method_label,
    CASE t.category WHEN 'works' THEN '工程建设 works' WHEN 'goods' THEN '货物 goods' WHEN 'services' THEN '服务 services'
        WHEN 'land' THEN '土地使用权 land' WHEN 'mining' THEN '矿业权 mining' WHEN 'state_asset' THEN '国有产权 state asset'
        ELSE '其他 other' END AS category_label
FROM tender t
;

-- Each tender's award: the winner(s), amounts and dates, with their source rows.
CREATE VIEW won AS
SELECT tender_id, min(winner_code) AS winner_code, max(coalesce(winner_name, winner_code)) AS winner,
    distinct_count(array_agg(winner_code)) AS winners, sum(award_amount) AS award_amount, sum(contract_amount) AS contract_amount,
    sum(final_amount) AS final_amount, min(contract_date) AS contract_date,
    array_agg(src('award', _batch, _row, tender_id || '/' || winner_code)) AS sources
FROM award
GROUP BY tender_id
;

-- The Cardinal indicators (R models) read the OCDS tables. Cardinal leaves out every
-- contracting process whose tender is cancelled.
CREATE VIEW cardinal_process AS
SELECT * FROM ocds_process WHERE tender_status IS NULL OR tender_status <> 'cancelled'
;

-- Processes whose awards are all final (active, cancelled or unsuccessful; an award
-- without a status does not count), with the one winner when there is exactly one
-- active award to exactly one supplier: what Cardinal compares bids with. The process's
-- procurement method details come along, for Cardinal's exclusions.
CREATE VIEW cardinal_final AS
SELECT a.ocid, max(p.procurement_method_details) AS procurement_method_details,
    distinct_count(array_agg(CASE WHEN a.status = 'active' THEN a.award_index END)) AS active_awards,
    CASE WHEN distinct_count(array_agg(CASE WHEN a.status = 'active' THEN a.award_index END)) = 1
        AND max(CASE WHEN a.status = 'active' THEN a.supplier_count END) = 1
        THEN max(CASE WHEN a.status = 'active' THEN a.supplier_id END) END AS winner
FROM ocds_award a
JOIN cardinal_process p ON p.ocid = a.ocid
GROUP BY a.ocid
HAVING bool_and(a.status IS NULL OR a.status IN ('active', 'cancelled', 'unsuccessful'))
;

-- Per process with one winner and per currency: the winner's lowest valid bid, the
-- lowest valid bid of anyone else (bids by one tenderer, with an amount and currency)
-- and the difference (second − winning) / winning, for R024 and R058. A process whose
-- winner did not bid lowest is left out: its award criteria were not price only.
CREATE VIEW cardinal_gap AS
SELECT *, (second_amount - winner_amount) / winner_amount AS difference
FROM (
    SELECT b.ocid, b.currency, f.winner, max(f.procurement_method_details) AS procurement_method_details,
        max(CASE WHEN b.tenderer_id = f.winner THEN b.tenderer_name END) AS winner_name,
        min(CASE WHEN b.tenderer_id = f.winner THEN b.amount END) AS winner_amount,
        min(CASE WHEN b.tenderer_id <> f.winner THEN b.amount END) AS second_amount
    FROM ocds_bid b
    JOIN cardinal_final f ON f.ocid = b.ocid AND f.winner IS NOT NULL
    WHERE b.status = 'valid' AND b.tenderer_count = 1 AND b.tenderer_id IS NOT NULL
        AND b.amount IS NOT NULL AND b.currency IS NOT NULL
    GROUP BY b.ocid, b.currency, f.winner
)
WHERE winner_amount > 0 AND second_amount >= winner_amount
;

-- The currency Cardinal compares amounts in when none is configured: here the one most
-- bids are in (Cardinal takes the first it meets, which depends on the file's order).
CREATE VIEW cardinal_currency AS
SELECT currency FROM ocds_bid
WHERE currency IS NOT NULL AND amount IS NOT NULL
GROUP BY currency
ORDER BY count(*) DESC, currency
LIMIT 1
;
