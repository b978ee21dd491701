#!/usr/bin/env python3
# Writes a large OCDS JSON Lines file for the throughput benchmark (BENCHMARKS.md):
#   scripts/ocds-bench.py MEGABYTES OUT.jsonl [SEED]
# Compiled releases of open, selective and limited tenders with 3–8 priced bids each,
# an award and a contract, among 5,000 firms and 400 buyers with credit-code-like ids;
# a few per cent single bids, disqualified lowest bids and identical prices, so that
# the P models have something to find.
import datetime, json, random, sys
target = int(sys.argv[1]) * 1_000_000
out = sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
def code(prefix, n):
    body = f'{prefix}{n:08d}'[:17]
    s = sum(CHARS.index(c) * w for c, w in zip(body, W))
    return body + CHARS[(31 - s % 31) % 31]
firms = [(code('913310990', i), f'测试{i}号建设有限公司') for i in range(5000)]
buyers = [(code('113310990', i), f'测试县第{i}采购单位') for i in range(400)]
written, n = 0, 0
with open(out, 'w', encoding='utf-8') as f:
    while written < target:
        n += 1
        ocid = f'ocds-bench-{n:08d}'
        buyer = rng.choice(buyers)
        ceiling = rng.randrange(100_000, 10_000_000)
        k = 1 if rng.random() < 0.03 else rng.randrange(3, 9)
        bidders = rng.sample(firms, k)
        prices = [round(ceiling * rng.uniform(0.8, 0.98), 2) for _ in bidders]
        if k >= 3 and rng.random() < 0.02:
            prices[1] = prices[0]
        statuses = ['valid'] * k
        lowest = min(range(k), key=lambda i: prices[i])
        if k >= 3 and rng.random() < 0.03:
            statuses[lowest] = 'disqualified'
        winner = min((i for i in range(k) if statuses[i] == 'valid'), key=lambda i: prices[i])
        day0 = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(330))
        # Mostly the legal 20 days or more; a few short.
        days = rng.randrange(8, 20) if rng.random() < 0.02 else rng.randrange(20, 35)
        start, end = day0.isoformat(), (day0 + datetime.timedelta(days=days)).isoformat()
        award_day = (day0 + datetime.timedelta(days=days + 5)).isoformat()
        parties = [{'id': buyer[0], 'name': buyer[1], 'identifier': {'scheme': 'CN-USCC', 'id': buyer[0]}, 'roles': ['buyer']}]
        parties += [{'id': b[0], 'name': b[1], 'identifier': {'scheme': 'CN-USCC', 'id': b[0]}, 'roles': ['tenderer']} for b in bidders]
        release = {
            'ocid': ocid, 'id': ocid + '-1', 'date': award_day, 'tag': ['compiled'], 'initiationType': 'tender',
            'parties': parties, 'buyer': {'id': buyer[0], 'name': buyer[1]},
            'tender': {'id': f'T{n}', 'title': f'第{n}号采购项目', 'status': 'complete',
                       'mainProcurementCategory': rng.choice(['goods', 'works', 'services']),
                       'procurementMethod': rng.choice(['open', 'open', 'selective', 'limited']),
                       'awardCriteria': rng.choice(['priceOnly', 'ratedCriteria']),
                       'value': {'amount': ceiling, 'currency': 'CNY'},
                       'tenderPeriod': {'startDate': start + 'T09:00:00+08:00', 'endDate': end + 'T09:30:00+08:00'},
                       'numberOfTenderers': k,
                       'items': [{'id': '1', 'description': '货物及安装', 'classification': {'scheme': 'CPV', 'id': '45000000'}, 'quantity': 1}]},
            'bids': {'details': [{'id': f'{ocid}-b{i}', 'date': end + 'T09:00:00+08:00', 'status': statuses[i],
                                  'tenderers': [{'id': b[0], 'name': b[1]}], 'value': {'amount': prices[i], 'currency': 'CNY'}}
                                 for i, b in enumerate(bidders)]},
            'awards': [{'id': f'{ocid}-a1', 'status': 'active', 'date': award_day + 'T10:00:00+08:00',
                        'value': {'amount': prices[winner], 'currency': 'CNY'},
                        'suppliers': [{'id': bidders[winner][0], 'name': bidders[winner][1]}]}],
            'contracts': [{'id': f'{ocid}-c1', 'awardID': f'{ocid}-a1', 'status': 'active', 'dateSigned': award_day,
                           'value': {'amount': prices[winner], 'currency': 'CNY'}}],
        }
        line = json.dumps(release, ensure_ascii=False) + '\n'
        f.write(line)
        written += len(line.encode('utf-8'))
print(f'{out}: {n} releases, {written / 1e6:.0f} MB')
