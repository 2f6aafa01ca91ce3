import { CardStatus, OperationState, PoolState, PoolType, SuspendReason as R } from '@simgate/core';
import {
  CARD_STATUS,
  codeSetOf,
  kilobytesToBytes,
  mapBatchProgress,
  mapCard,
  mapDailyUsage,
  mapMonthlyUsage,
  mapOrderProgress,
  mapPool,
  mapStatus,
  mapUsage,
  readStopReason,
  STOP_REASON_BITS,
  usageAsOf,
} from './map';
import {
  batchDataAmountSchema,
  batchResultSchema,
  groupDataMarginSchema,
  groupDataUsageSchema,
  simBasicInfoSchema,
  simCardInfoSchema,
  simDataMarginSchema,
  simDataUsageSchema,
  simStatusSchema,
} from './wire';

/** The payloads as the client hands them to the mappers: parsed by the wire schemas. */
const usage = (dataAmount: string) => simDataUsageSchema.parse({ dataAmount });
const job = (x: unknown) => batchResultSchema.parse(x);

/**
 * Every raw code of carriers.md §1 and §5 for OneLink, table-driven. That asOf and cycle arithmetic happen in
 * Asia/Shanghai whatever the server's zone is zone.spec.ts's part (the same mappers in processes of other zones).
 */
const AT = new Date('2026-03-31T17:30:00Z'); // 2026-04-01 01:30 in Shanghai, 2026-03-31 10:30 in Los Angeles

describe('OneLink cardStatus → status (both code sets, §5)', () => {
  const rows: [string, CardStatus, R | null][] = [
    ['6', CardStatus.TEST, null],
    ['1', CardStatus.INVENTORY, null],
    ['7', CardStatus.INVENTORY, null],
    ['06', CardStatus.INVENTORY, null],
    ['07', CardStatus.INVENTORY, null],
    ['2', CardStatus.ACTIVE, null],
    ['00', CardStatus.ACTIVE, null],
    ['4', CardStatus.SUSPENDED, R.UNKNOWN],
    ['01', CardStatus.SUSPENDED, R.UNKNOWN],
    ['02', CardStatus.SUSPENDED, R.UNKNOWN],
    ['8', CardStatus.DEACTIVATED, R.PLAN_EXPIRED],
    ['03', CardStatus.DEACTIVATED, R.PLAN_EXPIRED],
    ['9', CardStatus.CANCELLED, null],
    ['04', CardStatus.CANCELLED, null],
    ['99', CardStatus.UNKNOWN, null],
    ['3', CardStatus.UNKNOWN, null],
    ['05', CardStatus.UNKNOWN, null],
    ['', CardStatus.UNKNOWN, null],
    ['ACTIVE', CardStatus.UNKNOWN, null],
  ];
  it.each(rows)('cardStatus %p (no stop bits) → %s / %s', (code, status, reason) => {
    const m = mapStatus(code, '000000000000');
    expect(m.status).toBe(status);
    expect(m.suspendReason).toBe(reason);
    expect(m.suspendReasons).toEqual(reason ? [reason] : []);
  });

  it('the table covers every documented code', () => {
    expect(Object.keys(CARD_STATUS).sort()).toEqual(
      ['1', '2', '4', '6', '7', '8', '9', '00', '01', '02', '03', '04', '06', '07', '99'].sort(),
    );
  });

  it.each([
    ['1', 'CT'], ['2', 'CT'], ['4', 'CT'], ['6', 'CT'], ['7', 'CT'], ['8', 'CT'], ['9', 'CT'], ['5', 'CT'],
    ['00', 'PB'], ['01', 'PB'], ['02', 'PB'], ['03', 'PB'], ['04', 'PB'], ['06', 'PB'], ['07', 'PB'], ['99', 'PB'], ['55', 'PB'],
    ['', null], ['abc', null], ['100', null],
  ])('code set of %p is %p', (code, set) => {
    expect(codeSetOf(code)).toBe(set);
  });
});

describe('OneLink stopReason bits (§1, §5)', () => {
  const bits: [string, R, string][] = [
    ['000000002000', R.MANUAL, 'customer stop 主动停机'],
    ['000020000000', R.CREDIT_CONTROL, 'credit control 信控停机'],
    ['020000000000', R.DEVICE_REBIND, 'card/device separation 机卡分离'],
    ['000200000000', R.CARRIER_CONTROL, 'M2M management stop'],
    ['000000000020', R.CARRIER_CONTROL, 'forced stop'],
    ['000000000200', R.VIOLATION, 'region lock 区域限制'],
    ['200000000000', R.PLAN_EXPIRED, 'product expired'],
  ];
  it.each(bits)('CT 4 with %s → SUSPENDED / %s (%s)', (stop, reason) => {
    const m = mapStatus('4', stop);
    if (reason === R.PLAN_EXPIRED) {
      // `4` with the product-expired bit is DEACTIVATED / PLAN_EXPIRED.
      expect(m.status).toBe(CardStatus.DEACTIVATED);
    } else {
      expect(m.status).toBe(CardStatus.SUSPENDED);
    }
    expect(m.suspendReason).toBe(reason);
    expect(m.suspendReasons).toEqual([reason]);
  });

  it.each(bits.flatMap(([stop, reason]) => [['01', stop, reason], ['02', stop, reason]] as [string, string, R][]))(
    'PB %s with %s → SUSPENDED / %s',
    (code, stop, reason) => {
      const m = mapStatus(code, stop);
      expect(m.status).toBe(CardStatus.SUSPENDED);
      expect(m.suspendReason).toBe(reason);
    },
  );

  it('000000000000 and an absent reason give UNKNOWN', () => {
    for (const stop of ['000000000000', null, undefined, '']) {
      expect(mapStatus('4', stop)).toMatchObject({ status: CardStatus.SUSPENDED, suspendReason: R.UNKNOWN, suspendReasons: [R.UNKNOWN] });
    }
  });

  it('every documented bit has a row', () => {
    expect(STOP_REASON_BITS.map((b) => b.mask).sort()).toEqual(bits.map((b) => b[0]).sort());
  });

  const combos: [string, string, CardStatus, R, R[]][] = [
    ['4', '000000002200', CardStatus.SUSPENDED, R.VIOLATION, [R.VIOLATION, R.MANUAL]],
    ['4', '020020002000', CardStatus.SUSPENDED, R.DEVICE_REBIND, [R.DEVICE_REBIND, R.CREDIT_CONTROL, R.MANUAL]],
    ['4', '000200000020', CardStatus.SUSPENDED, R.CARRIER_CONTROL, [R.CARRIER_CONTROL]],
    ['4', '000220000000', CardStatus.SUSPENDED, R.CARRIER_CONTROL, [R.CARRIER_CONTROL, R.CREDIT_CONTROL]],
    ['4', '200000002000', CardStatus.DEACTIVATED, R.PLAN_EXPIRED, [R.PLAN_EXPIRED, R.MANUAL]],
    ['4', '220000000000', CardStatus.DEACTIVATED, R.DEVICE_REBIND, [R.DEVICE_REBIND, R.PLAN_EXPIRED]],
    ['4', '000000000220', CardStatus.SUSPENDED, R.VIOLATION, [R.VIOLATION, R.CARRIER_CONTROL]],
    ['02', '200000002000', CardStatus.SUSPENDED, R.PLAN_EXPIRED, [R.PLAN_EXPIRED, R.MANUAL]],
    ['01', '020200000200', CardStatus.SUSPENDED, R.VIOLATION, [R.VIOLATION, R.CARRIER_CONTROL, R.DEVICE_REBIND]],
  ];
  it.each(combos)('%s + %s → %s, primary %s, all %p', (code, stop, status, primary, all) => {
    const m = mapStatus(code, stop);
    expect(m.status).toBe(status);
    expect(m.suspendReason).toBe(primary);
    expect(m.suspendReasons).toEqual(all);
  });

  it('a set bit no row knows adds UNKNOWN (never a resumable guess)', () => {
    expect(readStopReason('002000002000')).toMatchObject({ unknownBits: [2], reasons: [R.UNKNOWN, R.MANUAL] });
    expect(mapStatus('4', '002000002000').suspendReason).toBe(R.UNKNOWN);
  });

  it.each(['2', '00000000200', '0000000020000', '000000001000', 'abcdefghijkl'])('a malformed bitmap %p gives UNKNOWN', (stop) => {
    expect(readStopReason(stop).malformed).toBe(true);
    expect(mapStatus('4', stop)).toMatchObject({ suspendReason: R.UNKNOWN, suspendReasons: [R.UNKNOWN] });
  });

  it('bits are ignored for statuses that carry no reason', () => {
    expect(mapStatus('2', '000000002000')).toMatchObject({ status: CardStatus.ACTIVE, suspendReason: null, suspendReasons: [] });
    expect(mapStatus('8', '000000002000')).toMatchObject({ status: CardStatus.DEACTIVATED, suspendReason: R.PLAN_EXPIRED });
  });
});

describe('OneLink units and asOf (§1, §5)', () => {
  it.each([
    ['0', 0],
    ['1', 1024],
    ['20480.5', 20972032],
    ['0.0004', 0],
    ['0.0005', 1],
    ['1048576', 1073741824],
    [' 12 ', 12288],
  ])('%p KB → %d bytes', (kb, bytes) => {
    expect(kilobytesToBytes(kb)).toBe(bytes);
  });

  it.each(['-1', 'abc', '', '1e3', '1,5', 'NaN', 'Infinity', '9'.repeat(400)])('%p is malformed → Transient', (kb) => {
    expect(() => kilobytesToBytes(kb)).toThrow(expect.objectContaining({ kind: 'TRANSIENT' }));
  });

  it('CT usage is real-time; PB usage is as of the start of today in Shanghai', () => {
    expect(usageAsOf('CT', AT)).toEqual(AT);
    expect(usageAsOf('PB', AT)).toEqual(new Date('2026-03-31T16:00:00Z'));
    expect(usageAsOf(null, AT)).toEqual(new Date('2026-03-31T16:00:00Z'));
  });

  it('the cycle is the natural month containing asOf, in Shanghai', () => {
    // 01:30 on 1 April in Shanghai: the April cycle, although it is still March in Los Angeles.
    const u = mapUsage('89860000000000000001', usage('1024'), null, 'CT', AT);
    expect(u.cycleStart).toEqual(new Date('2026-03-31T16:00:00Z'));
    expect(u.cycleEnd).toEqual(new Date('2026-04-30T16:00:00Z'));
    expect(u.usedBytes).toBe(1048576);
    expect(u.quotaBytes).toBeNull();
    expect(u.remainingBytes).toBeNull();
    const pb = mapUsage('89860000000000000001', usage('1024'), null, 'PB', AT);
    expect(pb.asOf).toEqual(new Date('2026-03-31T16:00:00Z'));
    expect(pb.cycleStart).toEqual(new Date('2026-03-31T16:00:00Z'));
  });

  it('quotaBytes is the sum of sim-data-margin totalAmount; remaining may be negative', () => {
    const u = mapUsage(
      'x',
      usage('3072'),
      simDataMarginSchema.parse({ accmMarginList: [{ offeringId: 'a', offeringName: 'A', totalAmount: '1024', useAmount: '1024', remainAmount: '0' }, { offeringId: 'b', offeringName: 'B', totalAmount: '1024.5', useAmount: '0', remainAmount: '1024.5' }] }),
      'CT',
      AT,
    );
    expect(u.quotaBytes).toBe(2048 * 1024 + 512);
    expect(u.remainingBytes).toBe(2048 * 1024 + 512 - 3072 * 1024);
    expect(mapUsage('x', usage('1'), { accmMarginList: [] }, 'CT', AT).quotaBytes).toBeNull();
  });

  it('monthly and daily items keep the raw KB', () => {
    const m = mapMonthlyUsage('x', { iccid: 'x', msisdn: null, dataAmount: '10.5' }, '2026-02', AT);
    expect(m).toMatchObject({ usedBytes: 10752, quotaBytes: null, cycleStart: new Date('2026-01-31T16:00:00Z'), cycleEnd: new Date('2026-02-28T16:00:00Z') });
    expect(m.asOf).toEqual(new Date('2026-02-28T16:00:00Z'));
    expect(mapDailyUsage('x', batchDataAmountSchema.parse({ iccid: 'x', dataAmount: '2' }), '2026-03-30')).toEqual({ iccid: 'x', day: '2026-03-30', usedBytes: 2048, raw: { dataAmount: '2' } });
  });
});

describe('OneLink card record', () => {
  it('keeps raw values and reads Shanghai wall-clock dates', () => {
    const card = mapCard(
      {
        iccid: '89860000000000000001',
        info: { status: '0', message: '正确', msisdn: '1440000000001', iccid: '89860000000000000001', imsi: '460040000000001' },
        status: { iccid: '89860000000000000001', msisdn: '1440000000001', cardStatus: '4', lastChangeDate: '2026-03-01 08:00:00' },
        stop: { stopReason: '000000002000', shutdownReasonDesc: '主动停机' },
        basic: simBasicInfoSchema.parse({ activeDate: '2025-01-02 03:04:05', openDate: '2024-12-01 00:00:00' }),
      },
      AT,
    );
    expect(card).toMatchObject({
      msisdn: '1440000000001',
      imsi: '460040000000001',
      status: CardStatus.SUSPENDED,
      suspendReason: R.MANUAL,
      rawStatus: '4',
      rawReason: '000000002000',
      activatedAt: new Date('2025-01-01T19:04:05Z'),
      openedAt: new Date('2024-11-30T16:00:00Z'),
      asOf: AT,
      raw: { shutdownReasonDesc: '主动停机', codeSet: 'CT', lastChangeDate: '2026-03-01 08:00:00' },
    });
  });

  it('reuses known dates when sim-basic-info was not asked', () => {
    const opened = new Date('2024-01-01T00:00:00Z');
    const card = mapCard({ iccid: 'x', info: simCardInfoSchema.parse({ status: '0' }), status: simStatusSchema.parse({ cardStatus: '00' }), knownDates: { openedAt: opened, activatedAt: null } }, AT);
    expect(card).toMatchObject({ openedAt: opened, activatedAt: null, status: CardStatus.ACTIVE, rawReason: null });
  });
});

describe('OneLink pools', () => {
  it('a group is a forward pool: total = Σ totalAmount, used = useAmount', () => {
    const p = mapPool('G1', { useAmount: '1024' }, groupDataMarginSchema.parse({ flowPoolSharingInfo: [{ offeringName: '流量池100G', totalAmount: '2048' }] }), '12', AT);
    expect(p).toMatchObject({ poolId: 'G1', type: PoolType.FORWARD, state: PoolState.ACTIVE, totalBytes: 2097152, usedBytes: 1048576, remainingBytes: 1048576, memberCount: 12, name: '流量池100G' });
    const ex = mapPool('G1', groupDataUsageSchema.parse({ useAmount: '4096' }), groupDataMarginSchema.parse({ flowPoolSharingInfo: [{ totalAmount: '2048' }] }), null, AT);
    expect(ex).toMatchObject({ state: PoolState.EXHAUSTED, remainingBytes: -2097152, memberCount: null });
  });
});

describe('OneLink order and job progress (§1)', () => {
  it.each([
    ['acknowledged', OperationState.SUBMITTED],
    ['inProgress', OperationState.SUBMITTED],
    ['completed', OperationState.COMPLETED],
    ['failed', OperationState.FAILED],
    ['something new', OperationState.SUBMITTED],
  ])('order-info status %p → %s', (status, state) => {
    const p = mapOrderProgress(['a'], { orderNum: 'O1', status, statusDate: null, createDate: null });
    expect(p.state).toBe(state);
    expect(p.items).toEqual([expect.objectContaining({ iccid: 'a', state })]);
  });

  const msisdns = { a: '1440000000001', b: '1440000000002' };
  it.each([
    ['0', OperationState.SUBMITTED],
    ['1', OperationState.SUBMITTED],
    ['9', OperationState.SUBMITTED],
  ])('jobStatus %p → pending (%s)', (jobStatus, state) => {
    expect(mapBatchProgress(['a', 'b'], msisdns, job({ jobStatus })).state).toBe(state);
  });

  it('jobStatus 2 → COMPLETED for every card', () => {
    const p = mapBatchProgress(['a', 'b'], msisdns, { jobStatus: '2', resultList: [{ status: '0', message: 'ok', resultId: '1440000000001', resultType: '1' }] });
    expect(p.state).toBe(OperationState.COMPLETED);
    expect(p.items.map((i) => i.state)).toEqual([OperationState.COMPLETED, OperationState.COMPLETED]);
  });

  it('jobStatus 3 → per-item results', () => {
    const p = mapBatchProgress(['a', 'b'], msisdns, {
      jobStatus: '3',
      resultList: [
        { status: '0', message: '成功', resultId: '1440000000001', resultType: '1' },
        { status: '12036', message: '状态不允许', resultId: '1440000000002', resultType: '1' },
      ],
    });
    expect(p.state).toBe(OperationState.COMPLETED);
    expect(p.items).toEqual([
      { iccid: 'a', state: OperationState.COMPLETED },
      { iccid: 'b', state: OperationState.FAILED, message: '12036 状态不允许' },
    ]);
  });

  it('jobStatus 3 with every item failed → FAILED; 4 → FAILED', () => {
    const p = mapBatchProgress(['a'], msisdns, { jobStatus: '3', resultList: [{ status: '1', message: 'x', resultId: '1440000000001', resultType: '1' }] });
    expect(p.state).toBe(OperationState.FAILED);
    expect(mapBatchProgress(['a', 'b'], msisdns, job({ jobStatus: '4' })).items.every((i) => i.state === OperationState.FAILED)).toBe(true);
  });
});
