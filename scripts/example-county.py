#!/usr/bin/env python3
# Writes docs/models/example/: the example county behind the model pages and
# crates/qingfeng/tests/models.rs. For each model, a case that must fire and
# look-alikes that must not; the `case` column says which. ID numbers and credit
# codes get their check characters here. Append new cases at the end, so that
# the rows (and batch rows in docs/models/*.md) of earlier ones do not move;
# then update docs/models/example/expected.tsv and the model pages.
import csv, os, math
OUT=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs', 'models', 'example')
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
C='10X98765432'
seq=[100]
def pid(birth, region='331099'):
    seq[0]+=1
    body=f"{region}{birth}{seq[0]:03d}"
    return body+C[sum(int(a)*b for a,b in zip(body,W))%11]
def cc(n):
    # GB 32100: 18 chars, MOD 31
    chars='0123456789ABCDEFGHJKLMNPQRTUWXY'
    w=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
    body=f"11331099MB{n:07d}"[:17]
    s=sum(chars.index(ch)*wt for ch,wt in zip(body,w))
    return body+chars[(31-s%31)%31]
def ent(n):
    chars='0123456789ABCDEFGHJKLMNPQRTUWXY'
    w=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
    body=f"91331099MA{n:07d}"[:17]
    s=sum(chars.index(ch)*wt for ch,wt in zip(body,w))
    return body+chars[(31-s%31)%31]
rows={t:[] for t in ['calendar','official_vehicle','fuel_record','reimbursement','person','death','official','kinship','enterprise','enterprise_role','vehicle','property','fund_program','disbursement','budget','payment']}
heads={
 'calendar':['date','kind'],
 'official_vehicle':['plate','org_code','vehicle_type','fuel_type','tank_capacity','fuel_card_no','city'],
 'fuel_record':['card_no','plate','time','station','city','litres','product','amount','case'],
 'reimbursement':['claim_id','org_code','claimant_id','claimant_name','category','expense_date','vendor_name','amount','guests','companions','approval_doc','city','purpose','invoice_no','case'],
 'person':['id_number','name','household_id','region_code','case'],
 'death':['id_number','name','death_date'],
 'official':['id_number','name','org_code','org_name','position','category','region_code','start_date','end_date'],
 'kinship':['id_number','relative_id_number','relation'],
 'enterprise':['credit_code','name','legal_rep_name','legal_rep_id','established','status','status_date'],
 'enterprise_role':['credit_code','holder_name','holder_id','role'],
 'vehicle':['plate','owner_id','owner_name','registered','status'],
 'property':['cert_no','owner_id','usage','registered'],
 'fund_program':['program_code','name','means_tested','standard_amount','period_unit','min_age','max_age','exclusive_group'],
 'disbursement':['record_id','program_code','period','recipient_id','recipient_name','amount','approved_amount','bank_account','account_holder_id','region_code','handler_org','handler_id','case'],
 'budget':['org_code','org_name','year','budget_line','line_name','approved','adjusted'],
 'payment':['payment_id','org_code','year','budget_line','pay_date','amount','payee_name','payee_code','method','voucher_no','case'],
}
V1='331099001001'; V2='331099001002'
U1,U2,U3,U4,U5,U6,U7,U8,U9,U10,V1ORG,V2ORG=[cc(i) for i in range(1,13)]
people={}
def person(key,name,birth,household=None,region=V1,case=''):
    i=pid(birth); people[key]=(i,name)
    rows['person'].append([i,name,household or 'H'+key,region,case]); return i
rows['fund_program']+= [['DB01','最低生活保障','是','','month','','','basic'],['TK01','特困人员救助供养','是','1250','month','','','basic'],['GL80','高龄津贴','否','100','month','80','',''],['CJ02','重度残疾人护理补贴','否','90','month','','','']]
HANDLER=person('PH','经办员','19800101',case='handler')
rec=[0]
def pay(prog,period,key,amount,approved='',account=None,holder='',region=V1,handler=None,case=''):
    rec[0]+=1; i,n=people[key]
    rows['disbursement'].append([f'R{rec[0]:04d}',prog,period,i,n,amount,approved,account or 'ACC'+key+prog,holder,region,U2,handler or HANDLER,case])
def official(key,org,orgname,category,start='2020-01-01',end='',region='331099',position='科员'):
    i,n=people[key]; rows['official'].append([i,n,org,orgname,position,category,region,start,end])
# M01
person('P1','王一','19500101'); rows['death'].append([people['P1'][0],'王一','2025-03-10'])
for p in ['2025-02','2025-03','2025-04']: pay('DB01',p,'P1','600','600',case='M01 hit: 2025-04 after death')
person('P2','王二','19500202'); rows['death'].append([people['P2'][0],'王二','2025-03-01'])
for p in ['2025-02','2025-03']: pay('DB01',p,'P2','600','600',case='M01 exclusion: period begins on the death date')
# M02
person('P3','李三','19800303'); official('P3',U1,'清风县统计局','civil_servant')
pay('DB01','2025-01','P3','600','600',case='M02 hit')
person('P4','李四','19800404'); official('P4',U1,'清风县统计局','civil_servant',end='2024-12-31')
pay('DB01','2025-02','P4','600','600',case='M02 exclusion: post ended before the period')
person('P5','李五','19800505'); official('P5',U1,'清风县统计局','public_institution')
pay('CJ02','2025-02','P5','90',case='M02 exclusion: not means-tested')
# M03
person('P6','张六','19700606'); official('P6',V1ORG,'东山村村民委员会','village_cadre',region=V1,position='村委会主任')
person('P7','张七','19720707'); rows['kinship'].append([people['P6'][0],people['P7'][0],'sibling'])
pay('DB01','2025-03','P7','600','600',case='M03 hit: brother of the village head')
person('P6b','赵六','19700616'); official('P6b',V2ORG,'西岙村村民委员会','village_cadre',region=V2,position='村委会主任')
person('P8','赵八','19720808'); rows['kinship'].append([people['P6b'][0],people['P8'][0],'sibling'])
pay('DB01','2025-03','P8','600','600',case='M03 exclusion: cadre of another village')
# M04
person('P9','孙九','19600909')
pay('DB01','2025-05','P9','600','600',account='ACCP9a',case='M04 hit: paid twice'); pay('DB01','2025-05','P9','600','600',account='ACCP9b',case='M04 hit: paid twice')
person('P10','孙十','19601010')
pay('DB01','2025-05','P10','600','600',case='M04 exclusion: programs of different groups'); pay('CJ02','2025-05','P10','90',case='M04 exclusion')
person('P11','孙十一','19601111')
pay('DB01','2025-06','P11','600','600',case='M04 hit: exclusive group'); pay('TK01','2025-06','P11','1250','1250',case='M04 hit: exclusive group')
# M05
person('P12','周十二','19651212',household='H12'); person('P13','周十三','19900113',household='H12')
rows['vehicle'].append(['浙J12345',people['P13'][0],'周十三','2020-05-01','normal'])
pay('DB01','2025-04','P12','600','600',case='M05 hit: son owns a car')
person('P14','吴十四','19650214'); rows['vehicle'].append(['浙J54321',people['P14'][0],'吴十四','2010-05-01','scrapped'])
pay('DB01','2025-04','P14','600','600',case='M05 exclusion: scrapped car')
person('P15','吴十五','19650315'); rows['property'].append(['浙(2019)清风县不动产权第0000015号',people['P15'][0],'residential','2019-01-01'])
pay('DB01','2025-04','P15','600','600',case='M05 exclusion: one home')
# M06
person('P16','郑十六','19400416'); pay('GL80','2025-06','P16','150',case='M06 hit: over the standard')
person('P17','郑十七','19650517'); pay('DB01','2025-06','P17','500','600',case='M06 hit: less than approved')
person('P18','郑十八','19650618'); pay('DB01','2025-06','P18','600','600',case='M06 exclusion')
# M07
person('P19','冯十九','19500719'); pay('GL80','2025-07','P19','100',case='M07 hit: 74')
person('P20','冯二十','19450620'); pay('GL80','2025-07','P20','100',case='M07 exclusion: 80 since June')
# M08
for k,b in [('P21','19400121'),('P22','19400222'),('P23','19400323')]:
    person(k,'陈'+k,b); pay('DB01','2025-07',k,'600','600',account='6217000000000001',case='M08 hit: one account, three households')
for k,b in [('P24','19400424'),('P25','19400525'),('P26','19400626')]:
    person(k,'褚'+k,b,household='H24'); pay('DB01','2025-07',k,'600','600',account='6217000000000002',case='M08 exclusion: one household')
person('P27','卫二十七','19400727'); pay('DB01','2025-08','P27','600','600',account='6217000000000003',holder=people['P3'][0],case='M08 hit: account held by an official')
# M09 (and M03 via the handling unit)
person('P28','蒋二十八','19820828',household='H28'); official('P28',U2,'清风县民政局','civil_servant',position='社会救助科科员')
person('P29','沈二十九','19840929',household='H28'); rows['kinship'].append([people['P28'][0],people['P29'][0],'spouse'])
pay('DB01','2025-09','P29','600','600',handler=people['P28'][0],case='M09 hit (and M03): handler pays his wife')
person('P30','韩三十','19841030'); pay('DB01','2025-09','P30','600','600',handler=people['P28'][0],case='M09 exclusion: not related')
# ---------------- finance
pid_n=[0]
def pmt(org,date,amount,payee,code='',method='transfer',line='',voucher='',case=''):
    pid_n[0]+=1; rows['payment'].append([f'ZF{pid_n[0]:05d}',org,'2025',line,date,amount,payee,code,method,voucher,case])
rows['budget'].append([U3,'清风县统计局','2025','2010101','行政运行','100000','90000'])
rows['budget'].append([U3,'清风县统计局','2025','2010102','一般行政管理事务','100000',''])
for m,a in [('01','30000'),('03','30000'),('05','35000')]: pmt(U3,f'2025-{m}-10',a,'清风县印务中心',ent(101),line='2010101',case='F01 hit: 95,000 of 90,000')
for m,a in [('02','50000'),('04','50000')]: pmt(U3,f'2025-{m}-12',a,'清风县文印社',ent(102),line='2010102',case='F01 exclusion: exactly the budget')
# F02
pmt(U4,'2025-05-20','60000','刘某某',method='cash',case='F02 hit')
pmt(U4,'2025-05-21','49999.99','陈某某',method='cash',case='F02 exclusion: below 50,000')
pmt(U4,'2025-06-22','80000','清风县建材公司',ent(103),method='transfer',case='F02 exclusion: transfer')
# F03
pmt(U4,'2025-07-01','60000','清风县信息公司',ent(104),case='F03 hit'); pmt(U4,'2025-07-05','50000','清风县信息公司',ent(104),case='F03 hit')
pmt(U4,'2025-07-01','60000','清风县网络公司',ent(105),case='F03 exclusion: 19 days apart'); pmt(U4,'2025-07-20','50000','清风县网络公司',ent(105),case='F03 exclusion')
# F04
person('P31','杨三十一','19700131'); official('P31',U5,'清风县审计局','civil_servant',position='副局长')
person('P32','杨三十二','19730212'); rows['kinship'].append([people['P31'][0],people['P32'][0],'sibling'])
E3=ent(106); rows['enterprise'].append([E3,'清风县启明咨询有限公司','杨三十二',people['P32'][0],'2017-03-01','active',''])
pmt(U5,'2025-08-01','30000','清风县启明咨询有限公司',E3,case='F04 hit: the deputy director\'s brother\'s company')
pmt(U4,'2025-08-02','30000','清风县启明咨询有限公司',E3,case='F04 exclusion: no link to this unit')
# F05
rows['budget'].append([U6,'清风县地方志办公室','2025','2010103','机关服务','1000000','1000000'])
pmt(U6,'2025-03-03','100000','清风县印刷厂',ent(107),line='2010103',case='F05 hit: 10 % by 30 September')
rows['budget'].append([U6,'清风县地方志办公室','2025','2010104','专项业务','100000',''])
pmt(U6,'2025-03-04','60000','清风县出版社',ent(108),line='2010104',case='F05 exclusion: 60 % by 30 September')
# F06
def benford_counts(n):
    c=[round(n*math.log10(1+1/d)) for d in range(1,10)]; c[0]+=n-sum(c); return c
k=0
for d,cnt in enumerate(benford_counts(300),start=1):
    for j in range(cnt):
        k+=1; amt=f"{d}{(j*37)%100:02d}.{k%100:02d}"
        pmt(U8,f'2025-{(k%11)+1:02d}-{(k%25)+2:02d}',amt,f'收款人B{k:03d}',case='F06 exclusion: Benford')
for k in range(300):
    d=[7,8,9][k%3]; amt=f"{d}{(k*53)%100:02d}.{k%100:02d}"
    pmt(U7,f'2025-{(k%11)+1:02d}-{(k%25)+2:02d}',amt,f'收款人A{k:03d}',case='F06 hit: 7, 8 and 9 only')
# F07
pmt(U4,'2025-09-01','12345.67','清风县办公用品商行',ent(109),case='F07 hit: same amount 19 days apart'); pmt(U4,'2025-09-20','12345.67','清风县办公用品商行',ent(109),case='F07 hit')
pmt(U4,'2025-03-01','5000','清风县保洁公司',ent(110),case='F07 exclusion: 75 days apart'); pmt(U4,'2025-05-15','5000','清风县保洁公司',ent(110),case='F07 exclusion')
pmt(U4,'2025-04-01','7000','清风县印务公司',ent(111),voucher='PZ-0401',case='F07 hit: one voucher twice'); pmt(U4,'2025-04-25','8000','清风县印务公司',ent(111),voucher='PZ-0401',case='F07 hit')
# F08
for m,a in [('01','10000'),('06','10000'),('12','15000')]: pmt(U9,f'2025-{m}-15',a,f'清风县设备公司{m}',case='F08 hit: 43 % in December')
for m in range(1,13): pmt(U10,f'2025-{m:02d}-15',str(10000+m*10),f'清风县服务公司{m:02d}',case='F08 exclusion: even')
# F09
E7=ent(112); rows['enterprise'].append([E7,'清风县瑞祥商贸有限公司','某甲','','2009-01-01','cancelled','2024-06-30'])
pmt(U4,'2025-02-01','18600','清风县瑞祥商贸有限公司',E7,case='F09 hit: cancelled 2024-06-30')
E8=ent(113); rows['enterprise'].append([E8,'清风县丰收农资有限公司','某乙','','2010-01-01','revoked','2025-06-01'])
pmt(U4,'2025-03-01','8800','清风县丰收农资有限公司',E8,case='F09 exclusion: paid before revocation')

# More look-alikes, appended so that earlier rows keep their numbers.
person('P33','许三十三','19660133'.replace('0133','0113'))
E9=ent(114); rows['enterprise'].append([E9,'清风县旧货店','许三十三',people['P33'][0],'2008-01-01','cancelled','2015-01-01'])
pay('DB01','2025-10','P33','600','600',case='M05 exclusion: legal representative of a cancelled firm')
person('P34','何三十四','19400134'.replace('0134','0114'))
pay('DB01','2025-10','P34','600','600',account='6217000000000004',holder=people['P34'][0],case='M08 exclusion: the holder is the recipient')
pmt(U4,'2025-10-08','30000','清风县文具店',ent(115),case='F03 exclusion: together below the threshold'); pmt(U4,'2025-10-10','40000','清风县文具店',ent(115),case='F03 exclusion')

# Conduct (四风): the 2025 National Day holiday and its two swapped working weekend days.
for day in range(1, 9):
    rows['calendar'].append([f'2025-10-{day:02d}', 'holiday'])
rows['calendar'] += [['2025-09-28', 'workday'], ['2025-10-11', 'workday']]
claim=[0]
def claim_row(category, date, vendor, amount, guests='', companions='', approval='', invoice='', claimant='P3', case=''):
    claim[0]+=1; i,n=people[claimant]
    city = '杭州市' if vendor.startswith('杭州') else '台州市'
    rows['reimbursement'].append([f'BX{claim[0]:04d}',U4,i,n,category,date,vendor,amount,guests,companions,approval,city,'公务',invoice,case])
claim_row('reception','2025-10-02','清风县迎宾馆','600',4,2,'清函〔2025〕1号',case='W01 hit: National Day, a Thursday')
claim_row('reception','2025-06-14','清风县迎宾馆','600',4,2,'清函〔2025〕2号',case='W01 hit: a Saturday')
claim_row('reception','2025-09-28','清风县迎宾馆','600',4,2,'清函〔2025〕3号',case='W01 exclusion: a swapped working Sunday')
claim_row('reception','2025-03-12','清风县国际大酒店','1800',4,2,'清函〔2025〕4号',case='W02 hit: 300 yuan a head')
claim_row('reception','2025-03-12','清风县国际大酒店','950',4,5,'清函〔2025〕5号',case='W02 hit: 5 companions for 4 guests')
claim_row('reception','2025-03-12','清风县国际大酒店','600',4,2,'',case='W02 hit: no approval document')
claim_row('reception','2025-03-12','清风县国际大酒店','900',4,2,'清函〔2025〕6号',case='W02 exclusion: exactly 150 yuan a head')
claim_row('reception','2025-03-12','清风县国际大酒店','2400',12,4,'清函〔2025〕7号',case='W02 exclusion: 4 companions for 12 guests')
claim_row('reception','2025-04-16','金色年华KTV','500',3,2,'清函〔2025〕8号',case='W03 hit: a karaoke bar')
claim_row('reception','2025-04-16','清风县人民政府招待所','500',3,2,'清函〔2025〕9号',case='W03 exclusion: a government guest house')
claim_row('travel','2025-04-01','','1680',invoice='33100000000000000001',case='W08 hit: one invoice twice (this is the first)')
claim_row('travel','2025-04-20','','1680',invoice='33100000000000000001',case='W08 hit: one invoice twice')
claim_row('meeting','2025-05-14','清风县会议中心','3000',invoice='33100000000000000002',case='W08 exclusion: same vendor and day, other amount')
claim_row('meeting','2025-05-14','清风县会议中心','3200',invoice='33100000000000000003',case='W08 exclusion')
def car(plate, fuel, tank, card, city='台州市'):
    rows['official_vehicle'].append([plate,U4,'小型轿车',fuel,tank,card,city])
def fuel(card, plate, time, litres, product='92', city='台州市', case=''):
    rows['fuel_record'].append([card,plate,time,'中石化清风加油站',city,litres,product,f"{float(litres)*7.8:.2f}",case])
car('浙J0A001','gasoline',55,'YK0001'); car('浙J0A003','gasoline',60,'YK0003'); car('浙J0A004','gasoline',60,'YK0004')
car('浙J0A005','gasoline',60,'YK0005'); car('浙J0A006','gasoline',60,'YK0006'); car('浙J0A007','diesel',70,'YK0007')
fuel('YK0001','浙J0A001','2025-03-12 10:00','60',case='W04 hit: 60 litres into a 55-litre tank')
fuel('YK0001','浙J0A001','2025-03-13 10:30','57',case='W04 exclusion: within 105 %; W05 exclusion: 24.5 hours later')
fuel('YK0003','','2025-04-08 09:00','30',case='W05 hit: twice in one day (no plate: found by its card)')
fuel('YK0003','','2025-04-08 20:00','25',case='W05 hit')
fuel('YK0004','浙J0A004','2025-10-01 06:30','35',case='W06 hit: National Day, early (the day before in UTC)')
fuel('YK0004','浙J0A004','2025-10-11 15:00','35',case='W06 exclusion: a swapped working Saturday')
fuel('YK0005','浙J0A005','2025-05-14 11:00','35',city='杭州市',case='W06 hit: another city')
fuel('YK0005','浙J0A005','2025-05-21 11:00','35',case='W06 exclusion: at home')
fuel('YK0006','浙J0A006','2025-06-10 09:40','40',product='diesel',case='W07 hit: diesel in a petrol car')
fuel('YK0007','浙J0A007','2025-06-11 09:40','40',product='diesel',case='W07 exclusion: diesel in a diesel car')

# W09: two snack bars in Hangzhou that bill about 35 yuan a head; one then bills 130.
for vendor, last, case in [('杭州城关小吃店', '780', 'W09 hit: 130 yuan a head where 35 is usual'), ('杭州城关面馆', '300', 'W09 exclusion: 50 yuan a head, within the spread')]:
    days = ['2025-02-10', '2025-03-11', '2025-04-15', '2025-05-13', '2025-06-17', '2025-07-15']
    for k, (day, amount) in enumerate(zip(days, ['198', '204', '210', '216', '222', '208'])):
        claim_row('reception', day, vendor, amount, 4, 2, f'清函〔2025〕{30 + k}号', case='history of ' + case.split(':')[0])
    claim_row('reception', '2025-09-17', vendor, last, 4, 2, '清函〔2025〕40号', case=case)

claim_row('reception','2025-10-11','清风县迎宾馆','600',4,2,'清函〔2025〕41号',case='W01 exclusion: a swapped working Saturday')
for t,h in heads.items():
    if not rows[t]:
        continue
    with open(f'{OUT}/{t}.csv','w',newline='') as f:
        w=csv.writer(f); w.writerow(h); w.writerows(rows[t])
print({t:len(r) for t,r in rows.items()})
