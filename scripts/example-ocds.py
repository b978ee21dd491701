#!/usr/bin/env python3
# Writes docs/models/example-ocds/trading.jsonl: the example county's tenders,
# bids and awards (docs/models/example/{tender,bid,award}.csv) as OCDS 1.1
# compiled releases, one per line, with parties identified by their unified
# social credit codes (scheme CN-USCC). The test suite imports it in place of
# the three CSV files and expects the same P warnings, except those that need
# what OCDS does not carry (IP, MAC, device, file hash, bond account, contacts).
import csv, json, os
HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(HERE, '..', 'docs', 'models', 'example')
OUT = os.path.join(HERE, '..', 'docs', 'models', 'example-ocds', 'trading.jsonl')
def rows(name):
    with open(os.path.join(EX, name + '.csv'), encoding='utf-8') as f:
        return list(csv.DictReader(f))
CATEGORY = {'goods': 'goods', 'works': 'works', 'services': 'services'}
METHOD = {'open': 'open', 'invited': 'selective', 'negotiation': 'limited', 'consultation': 'limited', 'inquiry': 'limited', 'single_source': 'direct'}
DETAILS = {'open': '公开招标', 'invited': '邀请招标', 'negotiation': '竞争性谈判', 'consultation': '竞争性磋商', 'inquiry': '询价', 'single_source': '单一来源'}
STATUS = {'有效': 'valid', '否决': 'disqualified', '撤回': 'withdrawn', 'valid': 'valid', 'rejected': 'disqualified'}
bids, awards = {}, {}
for b in rows('bid'):
    bids.setdefault(b['tender_id'], []).append(b)
for a in rows('award'):
    awards.setdefault(a['tender_id'], []).append(a)
def money(x):
    return {'amount': float(x), 'currency': 'CNY'}
with open(OUT, 'w', encoding='utf-8') as out:
    for t in rows('tender'):
        tid = t['tender_id']
        parties = {t['buyer_code']: {'id': t['buyer_code'], 'name': t['buyer_name'], 'identifier': {'scheme': 'CN-USCC', 'id': t['buyer_code']}, 'roles': ['buyer']}}
        details = []
        for i, b in enumerate(bids.get(tid, [])):
            parties.setdefault(b['bidder_code'], {'id': b['bidder_code'], 'name': b['bidder_name'], 'identifier': {'scheme': 'CN-USCC', 'id': b['bidder_code']}, 'roles': []})['roles'].append('tenderer')
            d = {'id': f'{tid}-bid-{i + 1}', 'status': STATUS[b['status']], 'tenderers': [{'id': b['bidder_code'], 'name': b['bidder_name']}]}
            if b['price']:
                d['value'] = money(b['price'])
            details.append(d)
        aw, contracts = [], []
        for i, a in enumerate(awards.get(tid, [])):
            parties.setdefault(a['winner_code'], {'id': a['winner_code'], 'name': a['winner_name'], 'identifier': {'scheme': 'CN-USCC', 'id': a['winner_code']}, 'roles': []})['roles'].append('supplier')
            aid = f'{tid}-award-{i + 1}'
            aw.append({'id': aid, 'status': 'active', 'date': t['award_date'], 'value': money(a['award_amount']), 'suppliers': [{'id': a['winner_code'], 'name': a['winner_name']}]})
            c = {'id': f'{tid}-contract-{i + 1}', 'awardID': aid, 'status': 'active', 'dateSigned': a['contract_date']}
            if a.get('contract_amount'):
                c['value'] = money(a['contract_amount'])
            if a.get('final_amount'):
                c['implementation'] = {'transactions': [{'id': f'{tid}-payment-{i + 1}', 'value': money(a['final_amount'])}]}
            contracts.append(c)
        release = {
            'ocid': tid, 'id': f'{tid}-1', 'date': t['award_date'], 'tag': ['compiled'], 'initiationType': 'tender',
            'parties': list(parties.values()),
            'buyer': {'id': t['buyer_code'], 'name': t['buyer_name']},
            'tender': {'id': t['project_code'], 'title': t['title'], 'mainProcurementCategory': CATEGORY.get(t['category'], 'goods'),
                       'procurementMethod': METHOD.get(t['method'], 'open'), 'procurementMethodDetails': DETAILS.get(t['method'], ''),
                       'tenderPeriod': {'startDate': t['publish_date'], 'endDate': t['bid_open_date']}},
            'bids': {'details': details}, 'awards': aw, 'contracts': contracts,
        }
        if t['ceiling_price']:
            release['tender']['value'] = money(t['ceiling_price'])
        if t['evaluation'] == 'lowest_price':
            release['tender']['awardCriteria'] = 'priceOnly'
        elif t['evaluation'] == 'comprehensive':
            release['tender']['awardCriteria'] = 'ratedCriteria'
        out.write(json.dumps(release, ensure_ascii=False) + '\n')
print(OUT)
