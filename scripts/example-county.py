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

# Public resource trading (公共资源交易). Every tender gets fresh firms unless a case
# shares them, so that no other P model (P06 in particular) fires by accident.
heads['tender']=['tender_id','title','category','method','buyer_code','buyer_name','ceiling_price','publish_date','bid_open_date','award_date','project_code','evaluation','case']
heads['bid']=['tender_id','bidder_code','bidder_name','price','ip','mac','device_id','file_hash','bond_account','contact_name','contact_id','contact_phone','status','case']
heads['award']=['tender_id','winner_code','winner_name','award_amount','contract_date','contract_amount','final_amount','status','case']
for t in ['tender','bid','award']:
    rows[t]=[]
NAMES='华信 宏达 金诚 永安 鼎盛 恒通 瑞丰 东方 博远 中科 天成 嘉禾 新锐 广源 明达 兴业 正和 安泰 宇航 立新 汇通 锦程 beacon'.split()[:-1]
firm_no=[0]
def firm(name=None):
    firm_no[0]+=1; n=firm_no[0]
    return (ent(300+n), name or f'清风县{NAMES[n%len(NAMES)]}{n}号建设有限公司')
def buyer(n, name):
    return (cc(20+n), name)
tid=[0]; bid_no=[0]
def tender(b, title, category='goods', method='open', ceiling='1000000', publish='2025-03-03', open_='2025-03-25', award='2025-03-28', evaluation='comprehensive', case=''):
    tid[0]+=1; t=f'ZB2025{tid[0]:03d}'
    rows['tender'].append([t,title,category,method,b[0],b[1],ceiling,publish,open_,award,'XM'+t[2:],evaluation,case]); return t
def bid(t, f, price, status='有效', same=None, contact=None, case=''):
    bid_no[0]+=1; n=bid_no[0]
    v={'ip':f'10.1.{n//200}.{n%200+1}','mac':f'00-16-3E-00-{n//256:02X}-{n%256:02X}','device_id':f'DEV{n:06d}','file_hash':f'{n:032x}',
       'bond_account':f'6217009900{n:06d}','contact_phone':f'1380000{n:04d}'}
    v.update(same or {})
    name, cid = contact or (f'代理人{n}', pid('19850101'))
    rows['bid'].append([t,f[0],f[1],price,v['ip'],v['mac'],v['device_id'],v['file_hash'],v['bond_account'],name,cid,v['contact_phone'],status,case])
def award(t, f, amount, contract_date=None, contract_amount=None, final='', status='履行中', case=''):
    # Signed on the award date unless said otherwise.
    contract_date = contract_date or next(r[9] for r in rows['tender'] if r[0] == t)
    rows['award'].append([t,f[0],f[1],amount,contract_date,contract_amount or amount,final,status,case])
def clean(t, winner, price, case=''):
    # The winner's price and two others 4 % and 9 % above: no screen fires.
    bid(t, winner, price, case=case)
    for k in (104, 109):
        bid(t, firm(), f'{int(price)*k//100}', case=case)
    award(t, winner, price, case=case)
def lot(b, title, price, case='', **kw):
    t=tender(b, title, case=case, **kw); w=firm(); clean(t, w, price, case=case); return t, w
B=[buyer(i, n) for i, n in enumerate(['清风县城市管理局','清风县档案馆','清风县图书馆','清风县体育中心','清风县妇幼保健院','清风县园林管理处','清风县机关事务服务中心','清风县人民医院','清风县水务集团有限公司','清风县交通运输局','清风县城市建设发展中心','清风县疾病预防控制中心','清风县职业技术学校','清风县气象局'])]

# P01
t=tender(B[0],'城区照明设备采购',case='P01 hit: one bid in an open tender'); f=firm(); bid(t,f,'880000',case='P01 hit'); award(t,f,'880000',case='P01 hit')
t=tender(B[0],'照明系统维保（单一来源）',method='single_source',case='P01 exclusion: single source'); f=firm(); bid(t,f,'300000',case='P01 exclusion'); award(t,f,'300000',case='P01 exclusion')
# P02
lot(B[1],'档案密集架采购','880000',publish='2025-03-03',open_='2025-03-15',case='P02 hit: 12 days for an open tender')
lot(B[1],'档案数字化服务','880000',method='consultation',category='services',publish='2025-03-03',open_='2025-03-13',case='P02 exclusion: consultation, exactly 10 days')
lot(B[1],'档案袋询价采购','88000',method='inquiry',publish='2025-03-03',open_='2025-03-06',case='P02 exclusion: inquiry, 3 days')
# P03
t=tender(B[2],'图书采购',case='P03 hit: 99.5 % of the ceiling'); w=firm()
bid(t,w,'995000',case='P03 hit'); bid(t,firm(),'900000',case='P03 hit'); bid(t,firm(),'940000',case='P03 hit'); award(t,w,'995000',case='P03 hit')
t=tender(B[2],'期刊采购',case='P03 exclusion: 98.9 %'); w=firm()
bid(t,w,'989000',case='P03 exclusion'); bid(t,firm(),'900000',case='P03 exclusion'); bid(t,firm(),'940000',case='P03 exclusion'); award(t,w,'989000',case='P03 exclusion')
# P04
def priced(b, title, prices, case):
    t=tender(b, title, ceiling='1200000', case=case); fs=[firm() for _ in prices]
    for f, p in zip(fs, prices):
        bid(t, f, p, case=case)
    award(t, fs[0], prices[0], case=case)
priced(B[3],'健身器材采购A',['900000','920000','920000','960000'],'P04 hit: two identical prices')
priced(B[3],'健身器材采购B',['900000','910000','920000','930000'],'P04 hit: an arithmetic progression')
priced(B[3],'健身器材采购C',['1000000','1002000','1005000'],'P04 hit: coefficient of variation 0.25 %')
priced(B[3],'健身器材采购D',['800000','950000','955000','962000'],'P04 hit: relative distance 24.9')
priced(B[3],'健身器材采购E',['800000','950000','955000'],'P04 exclusion: a wide gap but only three bids')
priced(B[3],'健身器材采购F',['900000','910000','920100','930100'],'P04 exclusion: gaps 1 % apart')
# P05
t=tender(B[4],'医疗设备采购A',case='P05 hit: one file hash'); a,b2=firm(),firm()
bid(t,a,'880000',same={'file_hash':'9f86d081884c7d659a2feaa0c55ad015'},case='P05 hit'); bid(t,b2,'915000',same={'file_hash':'9f86d081884c7d659a2feaa0c55ad015'},case='P05 hit'); bid(t,firm(),'960000',case='P05 hit'); award(t,a,'880000',case='P05 hit')
rep=person('P40','周四十','19700140'.replace('0140','0110'))
t=tender(B[4],'医疗设备采购B',case='P05 hit: one legal representative'); a,b2=firm(),firm()
rows['enterprise'] += [[a[0],a[1],'周四十',rep,'2012-01-01','active',''],[b2[0],b2[1],'周四十',rep,'2013-01-01','active','']]
clean(t,a,'880000',case='P05 hit'); bid(t,b2,'930000',case='P05 hit')
t=tender(B[4],'医疗设备采购C',case='P05 hit: one bidder holds shares in another'); a,b2=firm(),firm()
rows['enterprise_role'].append([b2[0],a[1],a[0],'shareholder'])
clean(t,a,'880000',case='P05 hit'); bid(t,b2,'930000',case='P05 hit')
t=tender(B[4],'医疗设备采购D',case='P05 exclusion: two contacts named alike, different people'); a,b2=firm(),firm()
bid(t,a,'880000',contact=('王伟',pid('19800101')),case='P05 exclusion'); bid(t,b2,'915000',contact=('王伟',pid('19810101')),case='P05 exclusion'); bid(t,firm(),'960000',case='P05 exclusion'); award(t,a,'880000',case='P05 exclusion')
# P06
R=[firm(),firm(),firm()]
for k, (day, w) in enumerate([('2025-04-01',0),('2025-07-01',1),('2025-10-01',2)]):
    t=tender(B[5],f'绿化养护第{k+1}期',category='services',publish=day,open_=f'2025-{4+3*k:02d}-25',award=f'2025-{4+3*k:02d}-28',case='P06 hit: three firms win in turn')
    ps={w:'880000',(w+1)%3:'915000',(w+2)%3:'960000'}
    for j in range(3):
        bid(t,R[j],ps[j],case='P06 hit')
    award(t,R[w],'880000',case='P06 hit')
S=[firm(),firm()]
for k, (day, w) in enumerate([('2025-04-01',0),('2025-07-01',0),('2025-10-01',None)]):
    t=tender(B[5],f'树木移植第{k+1}期',category='works',publish=day,open_=f'2025-{4+3*k:02d}-25',award=f'2025-{4+3*k:02d}-28',case='P06 exclusion: one of the two never wins')
    x=firm(); win=S[w] if w is not None else x
    for f, p in [(win,'880000')]+[(g,q) for g,q in zip([g for g in S+[x] if g!=win],['915000','960000'])]:
        bid(t,f,p,case='P06 exclusion')
    award(t,win,'880000',case='P06 exclusion')
# P07
Q=firm()
lot_q=lambda title, price, day, case: (lambda t: clean(t,Q,price,case=case))(tender(B[6],title,method='inquiry',ceiling='1500000',publish=day,open_=day[:8]+f'{int(day[8:])+5:02d}',award=day[:8]+f'{int(day[8:])+7:02d}',case=case))
lot_q('办公家具采购（一）','1200000','2025-05-06','P07 hit: two goods contracts 45 days apart')
lot_q('办公家具采购（二）','1300000','2025-06-20','P07 hit')
Q2=Q; Q=firm()
lot_q('办公电脑采购（一）','1200000','2025-01-06','P07 exclusion: 120 days apart')
lot_q('办公电脑采购（二）','1300000','2025-05-06','P07 exclusion')
Q=firm()
t=tender(B[6],'物业服务（一）',category='services',case='P07 exclusion: services, together below 1,000,000'); clean(t,Q,'400000',case='P07 exclusion')
t=tender(B[6],'物业服务（二）',category='services',publish='2025-04-01',open_='2025-04-25',award='2025-04-28',case='P07 exclusion'); clean(t,Q,'500000',case='P07 exclusion')
# P08
person('P41','钱四十一','19720141'.replace('0141','0111')); official('P41',B[7][0],B[7][1],'public_institution',position='副院长')
wife=person('P42','孙四十二','19740142'.replace('0142','0112')); rows['kinship'].append([people['P41'][0],wife,'spouse'])
t=tender(B[7],'医用耗材采购',case="P08 hit: a shareholder is the wife of the buyer's deputy head"); f=firm()
rows['enterprise_role'].append([f[0],'孙四十二',wife,'shareholder']); clean(t,f,'880000',case='P08 hit')
person('P43','吴四十三','19660143'.replace('0143','0113')); official('P43',B[7][0],B[7][1],'public_institution',end='2024-12-31',position='院长')
t=tender(B[7],'医疗废物处置服务',category='services',case='P08 exclusion: the legal representative left the buyer in 2024'); f=firm()
rows['enterprise'].append([f[0],f[1],'吴四十三',people['P43'][0],'2015-01-01','active','']); clean(t,f,'880000',case='P08 exclusion')
t=tender(B[7],'病房改造工程',category='works',case='P08 exclusion: the wife is a shareholder, but her husband works elsewhere'); f=firm()
person('P44','郑四十四','19750144'.replace('0144','0114')); official('P44',U1,'清风县统计局','civil_servant')
w2=person('P45','冯四十五','19760145'.replace('0145','0115')); rows['kinship'].append([people['P44'][0],w2,'spouse'])
rows['enterprise_role'].append([f[0],'冯四十五',w2,'shareholder']); clean(t,f,'880000',case='P08 exclusion')
# P09
H=firm()
for k, (who, price) in enumerate([(H,'5000000'),(H,'5200000'),(None,'3000000'),(H,'5100000'),(None,'3100000')]):
    day=f'2025-{2*k+2:02d}-03'
    t=tender(B[8],f'供水管网改造第{k+1}标段',category='works',ceiling='6000000',publish=day,open_=day[:5]+f'{2*k+2:02d}-25',award=day[:5]+f'{2*k+2:02d}-28',case='P09 hit: one firm wins 71 % of the buyer’s year')
    clean(t,who or firm(),price,case='P09 hit')
H2=firm()
for k, (who, price) in enumerate([(H2,'5000000'),(H2,'5200000'),(None,'3000000'),(H2,'5100000')]):
    day=f'2025-{2*k+2:02d}-03'
    t=tender(B[9],f'农村公路改造第{k+1}标段',category='works',ceiling='6000000',publish=day,open_=day[:5]+f'{2*k+2:02d}-25',award=day[:5]+f'{2*k+2:02d}-28',case='P09 exclusion: only four awards in the year')
    clean(t,who or firm(),price,case='P09 exclusion')
# P10
for title, final, case in [('道路修缮工程','1120000','P10 hit: settled 12 % over'),('桥梁修缮工程','1100000','P10 hit: settled exactly 10 % over'),('人行道修缮工程','1090000','P10 exclusion: 9 % over')]:
    t=tender(B[10],title,category='works',ceiling='1200000',case=case); w=firm()
    bid(t,w,'1000000',case=case); bid(t,firm(),'1040000',case=case); bid(t,firm(),'1090000',case=case)
    award(t,w,'1000000',final=final,status='已完成',case=case)
# P11
t=tender(B[11],'疫苗冷链设备采购',evaluation='lowest_price',case='P11 hit: the lowest bid rejected in a lowest-price tender'); w=firm()
bid(t,firm(),'900000',status='否决',case='P11 hit'); bid(t,w,'940000',case='P11 hit'); bid(t,firm(),'985000',case='P11 hit'); award(t,w,'940000',case='P11 hit')
t=tender(B[11],'检测试剂采购',case='P11 exclusion: the lowest bid rejected, but scored on quality'); w=firm()
bid(t,firm(),'900000',status='否决',case='P11 exclusion'); bid(t,w,'940000',case='P11 exclusion'); bid(t,firm(),'985000',case='P11 exclusion'); award(t,w,'940000',case='P11 exclusion')
# P12
for title, founded, price, case in [('实训楼改造工程','2025-01-10','1500000','P12 hit: founded 81 days before the notice'),('实训设备采购','2025-01-10','800000','P12 exclusion: award under 1,000,000'),('校园绿化工程','2024-09-01','1500000','P12 exclusion: founded 212 days before')]:
    t=tender(B[12],title,category='works',ceiling='2000000',publish='2025-04-01',open_='2025-04-25',award='2025-04-28',case=case); f=firm()
    rep=pid('19800101'); rows['enterprise'].append([f[0],f[1],'某丙',rep,founded,'active','']); clean(t,f,price,case=case)
# P13
t=tender(B[13],'气象观测站改造工程',category='works',case='P13 hit: a bidder revoked two months before the opening'); f=firm()
rows['enterprise'].append([f[0],f[1],'某丁',pid('19700101'),'2010-01-01','revoked','2025-01-15']); lot_w=firm(); clean(t,lot_w,'880000',case='P13 hit'); bid(t,f,'990000',case='P13 hit')
t=tender(B[13],'雷达站维护服务',category='services',case='P13 exclusion: cancelled after the opening'); f=firm()
rows['enterprise'].append([f[0],f[1],'某戊',pid('19700101'),'2010-01-01','cancelled','2025-06-30']); lot_w=firm(); clean(t,lot_w,'880000',case='P13 exclusion'); bid(t,f,'990000',case='P13 exclusion')

for t,h in heads.items():
    if not rows[t]:
        continue
    with open(f'{OUT}/{t}.csv','w',newline='') as f:
        w=csv.writer(f); w.writerow(h); w.writerows(rows[t])
print({t:len(r) for t,r in rows.items()})
