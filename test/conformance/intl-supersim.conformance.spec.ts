/**
 * Conformance registration: intl-supersim (Super SIM) against its simulator over real HTTP (docs/adding-a-carrier.md,
 * step 9). The expectations come from the simulator's published facts, turned into the normalized view by
 * carriers.md §5's rows for Super SIM — never by calling adapter code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CardStatus, OperationType, SuspendReason } from '@simgate/core';
import { describeConformance, type ExpectedCard, type OperationCase } from './kit';
import { simulator, type IntlSupersimSimulator } from '@simgate/mocks/intl-supersim';

const ID = 'intl-supersim';
const CARDS = 200;

/** Whether SIM `index` has used its fleet's data limit in its current period (as reported so far). */
function overLimit(sim: IntlSupersimSimulator, index: number): boolean {
  const p = sim.reportedPeriodOf(index);
  return p !== null && p.bytes >= sim.dataLimitBytesOf(index);
}

/**
 * carriers.md §5, intl-supersim (lower rows win): `new` INVENTORY; `ready` TEST; `active` ACTIVE; `active` with the
 * period's data ≥ the fleet's `data_limit` SUSPENDED/OVER_QUOTA; `inactive` SUSPENDED/MANUAL; `scheduled` the last
 * status simgate saw — the kit's first read of a SIM already `scheduled` has none: UNKNOWN.
 */
function expectation(sim: IntlSupersimSimulator, index: number): ExpectedCard {
  const raw = sim.rawStatusOf(index);
  const over = raw === 'active' && overLimit(sim, index);
  const ref = { iccid: sim.iccidOf(index) };
  const rows: Record<string, [CardStatus, SuspendReason | null]> = {
    new: [CardStatus.INVENTORY, null],
    ready: [CardStatus.TEST, null],
    active: over ? [CardStatus.SUSPENDED, SuspendReason.OVER_QUOTA] : [CardStatus.ACTIVE, null],
    inactive: [CardStatus.SUSPENDED, SuspendReason.MANUAL],
    scheduled: [CardStatus.UNKNOWN, null],
  };
  const [status, suspendReason] = rows[raw];
  return { ref, rawStatus: raw, ...(over ? { rawCase: 'over data_limit' } : {}), status, suspendReason };
}

/** The first SIM (from `from`) showing `raw` and, for `active`, under its limit. */
function first(sim: IntlSupersimSimulator, raw: string, from = 0): number {
  for (let i = from; i < CARDS; i++) if (sim.rawStatusOf(i) === raw && !(raw === 'active' && overLimit(sim, i))) return i;
  throw new Error(`no ${raw} SIM in the fleet`);
}

function operations(sim: IntlSupersimSimulator): OperationCase[] {
  const active = first(sim, 'active');
  const capped = first(sim, 'active', active + 1);
  return [
    { type: OperationType.ACTIVATE, ref: { iccid: sim.iccidOf(first(sim, 'new')) }, statusAfter: CardStatus.ACTIVE },
    { type: OperationType.SUSPEND, ref: { iccid: sim.iccidOf(active) }, statusAfter: CardStatus.SUSPENDED },
    { type: OperationType.RESUME, ref: { iccid: sim.iccidOf(first(sim, 'inactive')) }, statusAfter: CardStatus.ACTIVE },
    { type: OperationType.SET_USAGE_CAP, ref: { iccid: sim.iccidOf(capped) }, params: { capMb: 100 }, statusAfter: null },
  ];
}

describeConformance<IntlSupersimSimulator>(ID, {
  createSimulator: (options) => simulator.create(options),
  cards: CARDS,
  seed: 1,
  start: '2026-03-10T10:00:00Z',
  orderDelayMs: 10 * 60_000,
  // The account-level cycle is the natural month (UTC); each SIM's usage is in its own billing period.
  cycle: { startDay: 1, zone: 'UTC' },
  expectedCycle: (sim, iccid) => {
    const index = sim.fleet.indexOfIccid(iccid);
    const p = index === null ? null : sim.reportedPeriodOf(index);
    return p && { start: p.start, end: p.end };
  },
  accountOptions: (sim) => ({ capFleets: sim.capFleets() }),
  expectedCards: (sim) => Array.from({ length: CARDS }, (_, i) => expectation(sim, i)),
  fleetIccids: (sim) => Array.from({ length: CARDS }, (_, i) => sim.iccidOf(i)),
  unknownIccids: (sim) => [sim.fleet.iccids.encode(CARDS + 3), sim.fleet.iccids.encode(CARDS + 1000)],
  // Bytes as given (carriers.md §5), summed over the SIM's period: exact.
  expectedUsedBytes: (sim, iccid) => {
    const index = sim.fleet.indexOfIccid(iccid);
    const p = index === null ? null : sim.reportedPeriodOf(index);
    return p && { bytes: p.bytes, toleranceBytes: 0 };
  },
  operations,
  auth: { kind: 'static', why: 'carriers.md §6: HTTP Basic with the account SID and auth token on every call, no token request' },
});

/** The generator's markers left in the platform's three places, as `file:line: text`. */
function todosLeft(): string[] {
  const root = path.resolve(__dirname, '../..');
  const marker = `TODO(${ID})`;
  const files = (p: string): string[] =>
    fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((f) => files(path.join(p, f))) : [p];
  return [`libs/carriers/src/${ID}`, `mocks/src/${ID}`, `test/conformance/${ID}.conformance.spec.ts`]
    .flatMap((place) => files(path.join(root, place)))
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => `${path.relative(root, file)}:${i + 1}: ${line.trim()}`)
        .filter((line) => line.includes(marker)),
    );
}

describe(`${ID}: generated`, () => {
  it('has every TODO of the generator filled in (the data ones too: manifest, wire types, errorTable)', () => {
    expect(todosLeft()).toEqual([]);
  });
});
