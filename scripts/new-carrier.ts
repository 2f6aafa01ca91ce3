/**
 * `npm run new-carrier -- <platform-id>`: scaffolds the next carrier platform.
 *
 *   libs/carriers/src/<id>/        manifest, wire, client, map, errors, adapter, index (exports `platform`), spec skeleton
 *   mocks/src/<id>/                a simulator skeleton: a ControlledSimulator that answers 501 to everything
 *   test/conformance/<id>.conformance.spec.ts   the conformance registration
 *
 * The scaffold compiles, the registry discovers it, and the conformance kit fails on it until it is filled
 * in (every adapter method throws NotSupported "not implemented yet"). docs/adding-a-carrier.md walks
 * through the rest. Only Node built-ins here: the script is compiled alone (scripts/new-carrier.tsconfig.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PLATFORM_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Folder names the registry skips, and names that would shadow shared folders. */
const RESERVED = new Set(['http', 'conformance', 'testing', 'sim', 'index', 'registry', 'support']);

export interface Names {
  id: string;
  /** `AcmeIot` */
  pascal: string;
  /** `ACME_IOT` */
  constant: string;
  /** `acmeIot` */
  camel: string;
}

export function namesOf(id: string): Names {
  const parts = id.split('-');
  const pascal = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return { id, pascal, constant: parts.join('_').toUpperCase(), camel: pascal.charAt(0).toLowerCase() + pascal.slice(1) };
}

/** Why `id` cannot be a new platform id in the repository at `root`, or null when it can. */
export function idProblem(root: string, id: string): string | null {
  if (!PLATFORM_ID.test(id)) return `platform id '${id}' must be lowercase words joined by '-' (${PLATFORM_ID.source}), e.g. 'vodafone-gdsp'`;
  if (RESERVED.has(id)) return `platform id '${id}' is reserved`;
  if (id.length > 40) return `platform id '${id}' is longer than 40 characters`;
  for (const taken of [
    path.join(root, 'libs/carriers/src', id),
    path.join(root, 'mocks/src', id),
    path.join(root, 'test/conformance', `${id}.conformance.spec.ts`),
  ]) {
    if (fs.existsSync(taken)) return `platform '${id}' exists already: ${path.relative(root, taken)}`;
  }
  return null;
}

/** The files of the scaffold, relative to the repository root. */
export function scaffold(n: Names): Record<string, string> {
  const a = `libs/carriers/src/${n.id}`;
  const m = `mocks/src/${n.id}`;
  return {
    [`${a}/manifest.ts`]: manifestTs(n),
    [`${a}/wire.ts`]: wireTs(n),
    [`${a}/client.ts`]: clientTs(n),
    [`${a}/map.ts`]: mapTs(n),
    [`${a}/errors.ts`]: errorsTs(n),
    [`${a}/${n.id}.adapter.ts`]: adapterTs(n),
    [`${a}/${n.id}.adapter.spec.ts`]: adapterSpecTs(n),
    [`${a}/index.ts`]: indexTs(n),
    [`${m}/simulator.ts`]: simulatorTs(n),
    [`${m}/index.ts`]: simIndexTs(n),
    [`test/conformance/${n.id}.conformance.spec.ts`]: conformanceTs(n),
  };
}

/** Writes the scaffold for `id` into the repository at `root`; returns the files written. Throws on a bad id. */
export function newCarrier(root: string, id: string): string[] {
  const problem = idProblem(root, id);
  if (problem) throw new Error(problem);
  const files = scaffold(namesOf(id));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
  }
  return Object.keys(files);
}

// ---------------------------------------------------------------------------------------------- templates

function manifestTs(n: Names): string {
  return `import { Carrier, naturalMonth, UTC, type AdapterManifest } from '@simgate/core';

/**
 * ${n.id}: the manifest, as data (docs/adding-a-carrier.md, step 1). Every value below is a placeholder:
 * take each one from the platform's section of docs/carriers.md and say where it comes from.
 */
export const ${n.constant}_PLATFORM_ID = '${n.id}';

export const manifest: AdapterManifest = {
  id: ${n.constant}_PLATFORM_ID,
  // TODO: the carrier that runs this platform.
  carrier: Carrier.OVERSEAS,
  label: '${n.id} (TODO: label for the console)',
  // TODO: the zone the platform speaks (Asia/Shanghai for the Chinese carriers).
  zone: UTC,
  // TODO: the credential fields of an account; secret ones are never logged or returned.
  credentials: [
    { name: 'username', label: 'API user', secret: false },
    { name: 'password', label: 'API password', secret: true },
  ],
  capabilities: {
    // TODO: 'LIST' (a paged list of every card), 'MODIFIED_SINCE' (changed since a mark) or 'IMPORTED' (no list call).
    inventory: 'LIST',
    statusBatch: false,
    usageBatch: false,
    dailyUsage: false,
    dailyUsageDays: 0,
    pools: false,
    // TODO: the operations the platform supports; the others must fail with NotSupported.
    operations: [],
    realTimeUsage: true,
  },
  batchSizes: { inventoryPage: 100, status: 1, usage: 1, operation: 1 },
  quotas: {
    // TODO: the platform's published quota (a sliding window), or a (convention) value from docs/carriers.md.
    account: { points: 10, durationSeconds: 1 },
    maxInFlight: null,
    endpoints: [],
  },
  // TODO: the billing cycle (monthDayCycle(27, SHANGHAI) for a 27th–26th cycle).
  billingCycle: naturalMonth(UTC),
  cooldowns: { sameCardChangeSeconds: null, rebindsPerMonth: null },
  orderProcessing: { typicalHours: 24, deadlineHours: 72 },
};
`;
}

function wireTs(n: Names): string {
  return `import { z } from 'zod';

/**
 * ${n.id}: wire types (docs/adding-a-carrier.md, step 2). One zod schema per answer the adapter reads, written
 * from docs/carriers.md, lenient where the platform is (numbers as strings, missing optional fields) and
 * strict where a wrong shape must become a Transient "malformed answer".
 */

/** TODO: replace with the platform's card answer. */
export const cardSchema = z.object({
  iccid: z.string(),
  status: z.string(),
});
export type ${n.pascal}Card = z.infer<typeof cardSchema>;
`;
}

function clientTs(n: Names): string {
  return `import { NotSupported, type HttpPort, type HttpResponse } from '@simgate/core';
import { PLATFORM } from './errors';

/**
 * ${n.id}: HTTP, authentication and signing (docs/adding-a-carrier.md, step 3). Builds each request, sends it
 * through the shared HTTP layer (\`deps.http\`), and hands the raw answer back: the adapter never sleeps,
 * retries or counts. Token platforms cache their token with \`TokenCache\` (../http/token-cache) and drop it
 * when the platform says it expired (the adapter then raises AuthExpired; the sync engine retries once).
 */
export interface ${n.pascal}ClientOptions {
  baseUrl: string;
  credentials: Record<string, string>;
  http: HttpPort;
  now: () => Date;
}

export class ${n.pascal}Client {
  readonly base: string;

  constructor(readonly options: ${n.pascal}ClientOptions) {
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : \`\${options.baseUrl}/\`;
  }

  /** Values to redact wherever a request or an error is shown. */
  secrets(): string[] {
    return Object.values(this.options.credentials);
  }

  /** TODO: one call of the platform; \`endpoint\` is the endpoint class (no card identifiers in it). */
  async call(endpoint: string, _query: Record<string, string> = {}): Promise<HttpResponse> {
    throw new NotSupported(\`${n.id} \${endpoint}: the client is not implemented yet\`, { platform: PLATFORM, endpoint });
  }
}
`;
}

function mapTs(n: Names): string {
  return `import { CardStatus, type SuspendReason } from '@simgate/core';

/**
 * ${n.id}: wire → core, pure functions (docs/adding-a-carrier.md, step 4). Tables first, code second: the
 * status table below mirrors the platform's rows of docs/carriers.md §5. Unknown raw values map to UNKNOWN
 * (never a guess), reasons only for SUSPENDED or DEACTIVATED.
 */
export interface StatusRule {
  status: CardStatus;
  reason: SuspendReason | null;
}

/** TODO: raw status → normalized status and reason (docs/carriers.md §5). */
export const STATUS_TABLE: Readonly<Record<string, StatusRule>> = {};

export function statusRule(raw: string): StatusRule {
  return (Object.hasOwn(STATUS_TABLE, raw) ? STATUS_TABLE[raw] : undefined) ?? { status: CardStatus.UNKNOWN, reason: null };
}
`;
}

function errorsTs(n: Names): string {
  return `import { type CarrierError, type CarrierErrorDetails, RateLimited, Rejected, Transient } from '@simgate/core';

/**
 * ${n.id}: the error classifier, as a table (docs/adding-a-carrier.md, step 5): the platform's own code →
 * core error class. Classify from the body first (many platforms answer HTTP 200 with an error inside),
 * the HTTP status second. Malformed or truncated answers are Transient, never another throw.
 */
export const PLATFORM = '${n.id}';

type ErrorClass = new (message: string, details?: CarrierErrorDetails) => CarrierError;

export interface ErrorRule {
  error: ErrorClass;
  retryable: boolean;
  /** \`CARD\`: the failure concerns the one card asked for (a per-card failure of a batch read). */
  scope: 'ACCOUNT' | 'REQUEST' | 'CARD';
  meaning: string;
}

/** TODO: every error code docs/carriers.md lists for the platform. */
export const ${n.constant}_ERRORS: Readonly<Record<string, ErrorRule>> = {};

/** An HTTP status alone: 429 → RateLimited, 408 and 5xx → Transient, other 4xx → Rejected. */
export function classifyHttpStatus(httpStatus: number, endpoint: string): CarrierError {
  const details: CarrierErrorDetails = { platform: PLATFORM, endpoint, httpStatus };
  if (httpStatus === 429) return new RateLimited(\`${n.id} \${endpoint}: HTTP 429\`, details);
  if (httpStatus === 408 || httpStatus >= 500) return new Transient(\`${n.id} \${endpoint}: HTTP \${httpStatus}\`, details);
  return new Rejected(\`${n.id} \${endpoint}: HTTP \${httpStatus}\`, details);
}

export function malformed(endpoint: string, what: string): Transient {
  return new Transient(\`${n.id} \${endpoint}: malformed answer (\${what})\`, { platform: PLATFORM, endpoint });
}
`;
}

function adapterTs(n: Names): string {
  return `import {
  NotSupported,
  type AdapterDeps,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAccountConfig,
  type CarrierAdapter,
  type Cursor,
  type DailyUsage,
  type InventoryPage,
  type OperationOrder,
  type OperationProgress,
  type OperationReceipt,
  type PoolMembersPage,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { ${n.pascal}Client } from './client';
import { PLATFORM } from './errors';
import { manifest } from './manifest';

function notYet(what: string): NotSupported {
  return new NotSupported(\`${n.id}: \${what} is not implemented yet\`, { platform: PLATFORM });
}

/**
 * ${n.id}: the adapter, one per carrier account (docs/adding-a-carrier.md, step 6). Every method below throws
 * until it is written; the conformance kit (test/conformance/${n.id}.conformance.spec.ts) fails until then.
 * Reads the manifest declares missing stay NotSupported for good.
 */
export class ${n.pascal}Adapter implements CarrierAdapter {
  readonly manifest: AdapterManifest = manifest;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;
  readonly client: ${n.pascal}Client;

  constructor(account: CarrierAccountConfig, deps: AdapterDeps) {
    this.account = { id: account.id, platform: account.platform, baseUrl: account.baseUrl };
    this.client = new ${n.pascal}Client({ baseUrl: account.baseUrl, credentials: account.credentials, http: deps.http, now: deps.now });
  }

  async listCards(_cursor: Cursor | null, _since: string | null, _at: Date): Promise<InventoryPage> {
    throw notYet('listCards');
  }

  async fetchCards(_refs: CardRef[], _at: Date): Promise<BatchResult<CardRecord>> {
    throw notYet('fetchCards');
  }

  async fetchUsage(_refs: CardRef[], _at: Date): Promise<BatchResult<UsageSnapshot>> {
    throw notYet('fetchUsage');
  }

  async fetchDailyUsage(_ref: CardRef, _from: string, _to: string, _at: Date): Promise<DailyUsage[]> {
    throw notYet('fetchDailyUsage');
  }

  async listPools(_at: Date): Promise<PoolRecord[]> {
    throw notYet('listPools');
  }

  async listPoolMembers(_poolId: string, _cursor: Cursor | null, _at: Date): Promise<PoolMembersPage> {
    throw notYet('listPoolMembers');
  }

  async submit(_order: OperationOrder, _refs: CardRef[], _at: Date): Promise<OperationReceipt> {
    throw notYet('submit');
  }

  async progress(_receipt: OperationReceipt, _refs: CardRef[], _at: Date): Promise<OperationProgress> {
    throw notYet('progress');
  }
}
`;
}

function adapterSpecTs(n: Names): string {
  return `/**
 * ${n.id}: adapter feature tests (docs/adding-a-carrier.md, step 6). Four per feature, karrio's way: the
 * request built, the URL called, a success parsed, an error parsed; fixtures at the bottom of the file. Use
 * nock (see the cmcc-onelink or intl-1nce specs); the conformance kit adds the real-HTTP run on top.
 */
import { platform } from './index';

describe('${n.id}', () => {
  it('registers its manifest under its id', () => {
    expect(platform.manifest.id).toBe('${n.id}');
  });

  it.todo('inventory: request built, URL called, success parsed, error parsed');
  it.todo('cards: request built, URL called, success parsed, error parsed');
  it.todo('usage: request built, URL called, success parsed, error parsed');
  it.todo('operations: request built, URL called, success parsed, error parsed');
});
`;
}

function indexTs(n: Names): string {
  return `import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { ${n.pascal}Adapter } from './${n.id}.adapter';
import { manifest } from './manifest';

/** ${n.id}: discovered by the registry through this export (no central list to edit). */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new ${n.pascal}Adapter(account, deps);
  },
};

export { ${n.pascal}Adapter } from './${n.id}.adapter';
export { manifest } from './manifest';
`;
}

function simulatorTs(n: Names): string {
  return `import { SimClock } from '../sim/clock';
import { SimCounters } from '../sim/counters';
import { FaultInjector } from '../sim/faults';
import type { ControlledSimulator, SimOptions, SimRequest, SimResponse } from '../sim/types';

/**
 * ${n.id} simulator skeleton (docs/adding-a-carrier.md, step 7). It answers 501 to everything until it
 * reproduces the platform's section of docs/carriers.md, quirks included: a fleet derived from (seed, index),
 * the injectable clock, usage that grows and resets at the cycle boundary, asynchronous orders, the fault
 * kinds in the platform's own wire form, quotas as sliding windows, counters. It imports at most types and
 * pure helpers from @simgate/core, never adapter code.
 */
export const ${n.constant}_BASE_PATH = '/${n.id}/api/';

export class ${n.pascal}Simulator implements ControlledSimulator {
  readonly platform = '${n.id}';
  readonly basePath = ${n.constant}_BASE_PATH;
  readonly faults = new FaultInjector(1);
  readonly counters = new SimCounters();
  readonly clock: SimClock;
  readonly credentials: Record<string, string>;
  readonly size: number;
  /** Business time from an order's acceptance to its completion: the platform's, when it states one. */
  readonly orderDelayMs: number;

  constructor(options: SimOptions) {
    this.clock = options.clock;
    this.size = options.cards;
    this.orderDelayMs = options.orderDelayMs ?? 5 * 60_000;
    this.credentials = { username: 'simgate-${n.id}', password: \`pw-\${options.seed}\` };
  }

  accountEntry(origin: string): Record<string, unknown> {
    return { id: '${n.id}-main', platform: this.platform, baseUrl: origin + this.basePath, credentials: { ...this.credentials } };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    this.counters.request(\`\${req.method} \${req.path}\`);
    return {
      status: 501,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'not implemented', platform: this.platform, path: req.path }),
    };
  }
}
`;
}

function simIndexTs(n: Names): string {
  return `import type { ControlledSimulator, SimOptions } from '../sim/types';
import { ${n.pascal}Simulator } from './simulator';

export { ${n.pascal}Simulator, ${n.constant}_BASE_PATH } from './simulator';

/** The \`${n.id}\` simulator (docs/carriers.md, its section). */
export function createSimulator(options: SimOptions): ${n.pascal}Simulator & ControlledSimulator {
  return new ${n.pascal}Simulator(options);
}
`;
}

function conformanceTs(n: Names): string {
  return `/**
 * Conformance registration: ${n.id} against its simulator over real HTTP (docs/adding-a-carrier.md, step 8).
 * Fill in the fixture from the simulator's published fleet facts, turned into expectations by docs/carriers.md
 * §5 — never by calling adapter code. The kit fails until the adapter and the simulator are written.
 */
import { describeConformance } from '@simgate/carriers/conformance';
import { createSimulator, type ${n.pascal}Simulator } from '@simgate/mocks/${n.id}';

describeConformance<${n.pascal}Simulator>('${n.id}', {
  createSimulator,
  cards: 200,
  seed: 1,
  start: '2026-03-10T10:00:00Z',
  orderDelayMs: 10 * 60_000,
  // TODO: the billing cycle docs/carriers.md gives the platform.
  cycle: { startDay: 1, zone: 'UTC' },
  // TODO: every card of the fleet with its expected status and reason (docs/carriers.md §5).
  expectedCards: () => [],
  // TODO: every ICCID the inventory holds.
  fleetIccids: () => [],
  // TODO: well-formed ICCIDs (Luhn digit included) the simulator does not know.
  unknownIccids: () => [],
  // TODO: one eligible card per operation the manifest lists.
  operations: () => [],
  // TODO: { kind: 'token' } when the platform's token can expire, else { kind: 'static', why: '…carriers.md…' }.
  auth: { kind: 'token' },
});
`;
}

// ---------------------------------------------------------------------------------------------- CLI

function main(argv: string[]): number {
  const id = argv[0];
  if (!id || argv.length > 1 || id.startsWith('-')) {
    process.stderr.write('usage: npm run new-carrier -- <platform-id>   (e.g. vodafone-gdsp)\n');
    return 2;
  }
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, 'libs/carriers/src/registry.ts'))) {
    process.stderr.write(`run it from the repository root (no libs/carriers/src/registry.ts under ${root})\n`);
    return 2;
  }
  try {
    const files = newCarrier(root, id);
    process.stdout.write(`scaffolded '${id}':\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    process.stdout.write(`next: docs/adding-a-carrier.md; run the kit with  npm test -- test/conformance/${id}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
