import type { SimClock } from '../sim/clock';
import { type CardState, type Life, Why } from '../sim/timeline';
import { DAY_MS } from '../sim/zone';
import { ONELINK_CODES, OneLinkError, kbString, type Row } from './codes';
import type { OneLinkFleet } from './fleet';

/** Raw `cardStatus` per life, `[variant 0, variant 1]`: the OneLink-PB code set, then the OneLink-CT one. */
const PB_STATUS: Readonly<Record<Life, readonly [string, string]>> = { TEST: ['07', '06'], INVENTORY: ['07', '06'], ACTIVE: ['00', '00'], STOPPED: ['02', '01'], RETIRED: ['03', '03'], CANCELLED: ['04', '04'] };
const CT_STATUS: Readonly<Record<Life, readonly [string, string]>> = { TEST: ['6', '6'], INVENTORY: ['1', '7'], ACTIVE: ['2', '2'], STOPPED: ['4', '4'], RETIRED: ['8', '8'], CANCELLED: ['9', '9'] };

/** Stop-reason bits (carriers.md §1): position in the 12-character bitmap and the description. */
const STOP_BITS: ReadonlyArray<[number, number, string]> = [
  [Why.EXPIRED, 0, '产品已失效'],
  [Why.DEVICE_REBIND, 1, '机卡分离停机'],
  [Why.CARRIER, 3, 'M2M管理停机'],
  [Why.CREDIT | Why.OVER_QUOTA | Why.POOL, 4, '信控停机'],
  [Why.MANUAL, 8, '主动停机'],
  [Why.REGION, 9, '区域限制停机'],
  [Why.FORCED, 10, '强制停机'],
];

/** OneLink's card keys and card reads: states, stop reasons, usage (the `query/sim-*` endpoints). */
export class OneLinkCards {
  constructor(
    readonly fleet: OneLinkFleet,
    private readonly clock: SimClock,
  ) {}

  now(): number {
    return this.clock.nowMs();
  }

  // ---- card keys -------------------------------------------------------------------------------------

  lookup(kind: 'msisdn' | 'iccid' | 'imsi', value: string): number {
    const f = this.fleet;
    return kind === 'msisdn' ? f.byMsisdn(value) : kind === 'iccid' ? f.byIccid(value) : f.byImsi(value);
  }

  /** Exactly one of msisdn, iccid, imsi. */
  single(p: Record<string, string>): number {
    const keys = (['msisdn', 'iccid', 'imsi'] as const).filter((k) => p[k] !== undefined && p[k] !== '');
    if (keys.length !== 1 || !/^\d+$/.test(p[keys[0]])) throw new OneLinkError('param');
    const i = this.lookup(keys[0], p[keys[0]]);
    if (i < 0) throw new OneLinkError('unknownCard');
    return i;
  }

  batchKeys(p: Record<string, string>, allowed: readonly ('msisdns' | 'iccids' | 'imsis')[]): { kind: 'msisdn' | 'iccid' | 'imsi'; values: string[] } {
    const keys = allowed.filter((k) => p[k] !== undefined && p[k] !== '');
    const others = (['msisdns', 'iccids', 'imsis'] as const).filter((k) => !allowed.includes(k) && p[k]);
    if (keys.length !== 1 || others.length > 0) throw new OneLinkError('param');
    const values = p[keys[0]].split('_');
    if (values.some((v) => !/^\d+$/.test(v))) throw new OneLinkError('param');
    if (values.length > 100) throw new OneLinkError('batchLimit');
    return { kind: keys[0].slice(0, -1) as 'msisdn' | 'iccid' | 'imsi', values };
  }

  /** Batch of known cards; any unknown card → 12006 for the whole call. */
  batch(p: Record<string, string>, allowed: readonly ('msisdns' | 'iccids' | 'imsis')[] = ['msisdns', 'iccids', 'imsis']): number[] {
    const { kind, values } = this.batchKeys(p, allowed);
    return values.map((v) => {
      const i = this.lookup(kind, v);
      if (i < 0) throw new OneLinkError('unknownCard');
      return i;
    });
  }

  // ---- card views ---------------------------------------------------------------------------------------

  fmt(ms: number): string {
    return this.fleet.zone.format(ms, 'yyyy-MM-dd HH:mm:ss');
  }

  state(i: number): CardState {
    return this.fleet.timeline.replay(i, this.now()).state;
  }

  /** The raw `cardStatus` of a state, in the code set of the card's platform (OneLink-CT or -PB). */
  cardStatus(i: number, s: CardState): string {
    return (this.fleet.isPB(i) ? PB_STATUS : CT_STATUS)[s.life][s.variant === 1 ? 1 : 0];
  }

  ids(i: number): { msisdn: string; iccid: string } {
    return { msisdn: this.fleet.msisdnOf(i), iccid: this.fleet.iccidOf(i) };
  }

  simCardInfoBatch(p: Record<string, string>): Row[] {
    const { kind, values } = this.batchKeys(p, ['msisdns', 'iccids', 'imsis']);
    return values.map((v) => {
      const i = this.lookup(kind, v);
      if (i < 0) {
        const [status, message] = ONELINK_CODES.unknownCard;
        return { status, message, msisdn: kind === 'msisdn' ? v : '', iccid: kind === 'iccid' ? v : '', imsi: kind === 'imsi' ? v : '' };
      }
      return { status: '0', message: '正确', ...this.ids(i), imsi: this.fleet.imsiOf(i) };
    });
  }

  basicInfo(i: number): Row {
    const s = this.state(i);
    return {
      ...this.ids(i),
      imsi: this.fleet.imsiOf(i),
      activeDate: s.activatedAt !== null ? this.fmt(s.activatedAt) : '',
      openDate: this.fmt(this.fleet.openedAt(i)),
    };
  }

  statusRow(i: number, withIds: boolean): Row {
    const s = this.state(i);
    const row: Row = withIds ? this.ids(i) : {};
    row.cardStatus = this.cardStatus(i, s);
    row.lastChangeDate = this.fmt(s.changedAt);
    return row;
  }

  stopReason(i: number): Row {
    const s = this.state(i);
    const bits = Array<string>(12).fill('0');
    const desc: string[] = [];
    if (s.life === 'STOPPED' || s.life === 'RETIRED') {
      for (const [mask, pos, text] of STOP_BITS) {
        if (s.reasons & mask) {
          bits[pos] = '2';
          desc.push(text);
        }
      }
    }
    return { stopReason: bits.join(''), shutdownReasonDesc: desc.join(',') };
  }

  /** Month-to-date usage: real time for OneLink-CT cards, as of yesterday 24:00 for OneLink-PB cards. */
  usageBytes(i: number): number {
    const now = this.now();
    const z = this.fleet.zone;
    const cs = z.startOfMonth(now);
    const asOf = this.fleet.isPB(i) ? z.startOfDay(now) : now;
    return this.fleet.timeline.usageBetween(i, cs, asOf, now);
  }

  dataUsage(i: number): Row {
    const kb = kbString(this.usageBytes(i));
    return { dataAmount: kb, apnUseAmountList: [{ apnName: 'CMIOT', apnUseAmount: kb }] };
  }

  dataMargin(i: number): Row {
    const s = this.state(i);
    const offering = this.fleet.offering(s.plan);
    const used = this.usageBytes(i);
    return {
      accmMarginList: [
        {
          offeringId: offering.offeringId,
          offeringName: offering.offeringName,
          totalAmount: kbString(offering.bytes),
          useAmount: kbString(used),
          remainAmount: kbString(offering.bytes - used),
        },
      ],
    };
  }

  dailyBatch(p: Record<string, string>): Row[] {
    const day = p.queryDate;
    if (!day || !/^\d{8}$/.test(day)) throw new OneLinkError('param');
    const z = this.fleet.zone;
    const now = this.now();
    const from = z.local(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8)));
    if (z.format(from, 'yyyyMMdd') !== day) throw new OneLinkError('param');
    const today = z.startOfDay(now);
    if (from >= today || from < z.startOfDay(now, -7)) throw new OneLinkError('dateRange');
    const cards = this.batch(p);
    return cards.map((i) => ({ ...this.ids(i), dataAmount: kbString(this.fleet.timeline.usageBetween(i, from, from + DAY_MS, now)) }));
  }

  monthlyBatch(p: Record<string, string>): Row[] {
    const month = p.queryDate;
    if (!month || !/^\d{6}$/.test(month)) throw new OneLinkError('param');
    const z = this.fleet.zone;
    const now = this.now();
    const mm = Number(month.slice(4, 6));
    if (mm < 1 || mm > 12) throw new OneLinkError('param');
    const from = z.local(Number(month.slice(0, 4)), mm, 1);
    if (from > z.startOfMonth(now) || from < z.startOfMonth(now, -6)) throw new OneLinkError('dateRange');
    const to = z.startOfMonth(from, 1);
    const cards = this.batch(p);
    return cards.map((i) => ({ ...this.ids(i), dataAmount: kbString(this.fleet.timeline.usageBetween(i, from, to, now)) }));
  }
}
