import type { Names } from './names';

/**
 * Templates of the code files of libs/carriers/src/<id>/: client, adapter, index and the unit-tier spec,
 * in the shape of ctcc-cmp and intl-1nce (a PerCardAdapter over a client that answers `{ res, secrets }`).
 * The adapter already refuses what the manifest declares missing (NotSupported); everything else throws a
 * plain Error naming its `TODO(<id>)`, so the conformance kit's failure names the place to fill in.
 */

export function clientTs(n: Names): string {
  return `import type { HttpMethod, HttpPort, HttpResponse } from '@simgate/core';
import { classify, isOkStatus, requireCredentials } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';

/**
 * ${n.id}: authentication, signing and transport (docs/adding-a-carrier.md, step 4). Each call goes through
 * the toolkit's HTTP layer (\`http\`: timeouts, rate-limit and metrics hooks, redaction); a refusal is
 * classified by errorTable; the answer goes back as it came (map.ts decodes it). It never sleeps, retries
 * or counts. A token platform caches its token with the toolkit's \`TokenCache\` and sends each call through
 * \`tokens.use(call, isRefusal)\` (see intl-1nce).
 */

/** ${n.todo}: the credential fields of the manifest. */
export interface ${n.pascal}Credentials {
  username: string;
  password: string;
}

export function ${n.camel}Credentials(credentials: Record<string, string | undefined>): ${n.pascal}Credentials {
  return requireCredentials(manifest.id, credentials, ['username', 'password']);
}

export interface ${n.pascal}Call {
  method: HttpMethod;
  /** Path under the base URL, e.g. \`cards/8986…\`. */
  path: string;
  /** Endpoint class for rate limits and metrics, never a card id: \`cards/{iccid}\`. */
  endpoint: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The request places an order: the caller's beforeSend runs once its quota slot is held. */
  order?: boolean;
}

export interface ${n.pascal}Answer {
  res: HttpResponse;
  /** What to keep out of the texts of errors about this answer. */
  secrets: readonly string[];
}

export class ${n.pascal}Client {
  constructor(
    private readonly http: HttpPort,
    private readonly baseUrl: string,
    private readonly creds: ${n.pascal}Credentials,
  ) {}

  /** Every value to keep out of logs and error texts. */
  secrets(): string[] {
    // ${n.todo}: every secret a request carries (password, key, token, signature).
    return [this.creds.password];
  }

  /** One call; resolves with a 2xx answer, rejects with the table's class otherwise. */
  async call(c: ${n.pascal}Call): Promise<${n.pascal}Answer> {
    const secrets = this.secrets();
    const res = await this.http.send({
      method: c.method,
      url: \`\${this.baseUrl.replace(/\\/+$/, '')}/\${c.path}\`,
      ...(c.query ? { query: c.query } : {}),
      // ${n.todo}: authentication and signing of every call (headers or query parameters).
      headers: { accept: 'application/json' },
      ...(c.body !== undefined ? { body: c.body } : {}),
      endpoint: c.endpoint,
      secrets,
      ...(c.order ? { order: true } : {}),
    });
    const ctx = { endpoint: c.endpoint, secrets, httpStatus: res.status };
    if (!isOkStatus(res.status)) throw classify(errorTable, ctx, { retryAfter: res.headers['retry-after'] });
    // ${n.todo}: an error inside a 2xx answer (many platforms answer HTTP 200 with an error code) is
    // classify(errorTable, ctx, { code, message }).
    return { res, secrets };
  }
}
`;
}

export function adapterTs(n: Names): string {
  return `import { NotSupported } from '@simgate/core';
import type { CardRef, CarrierAdapter, CarrierReceipt, Cursor } from '@simgate/core';
import type { DailyUsage, InventoryPage, OperationOrder, OperationProgress } from '@simgate/core';
import { accountOptions, PerCardAdapter } from '../toolkit';
import { ${n.pascal}Client, ${n.camel}Credentials, type ${n.pascal}Answer } from './client';
import { errorTable } from './errors';
import { manifest, optionsSchema } from './manifest';
import { mapCard, mapUsage } from './map';

// ${n.todo}: the endpoint classes (rate limits and metrics; no card id in them) of the calls below.
const LIST = 'cards';
const CARD = 'cards/{iccid}';
const USAGE = 'cards/{iccid}/usage';

function notSupported(what: string): NotSupported {
  return new NotSupported(\`\${manifest.id}: \${what} is not supported (manifest)\`, { platform: manifest.id });
}

/**
 * ${n.id}: the adapter, one per carrier account (docs/adding-a-carrier.md, step 7): one request per card, no
 * pools (the toolkit's PerCardAdapter: per-card reads by the error table's card scope, paging and day checks,
 * pools refused, progress by re-read status). A platform with batch reads or pools implements CarrierAdapter
 * directly instead (cmcc-onelink). What the manifest declares missing is refused with
 * NotSupported; every TODO throws until written, and the conformance kit names it.
 */
export class ${n.pascal}Adapter extends PerCardAdapter implements CarrierAdapter {
  readonly manifest = manifest;
  protected readonly errors = errorTable;
  readonly options = accountOptions(manifest.id, optionsSchema, this.config);
  private readonly client = new ${n.pascal}Client(
    this.deps.http,
    this.config.baseUrl,
    ${n.camel}Credentials(this.config.credentials),
  );

  async listCards(cursor: Cursor | null, _since: string | null, at: Date): Promise<InventoryPage> {
    if (this.manifest.capabilities.inventory === 'IMPORTED') throw notSupported('a card list');
    const page = this.pageOf(cursor, LIST);
    throw new Error(
      \`${n.todo}: adapter.ts listCards — page \${page} of the inventory at \${at.toISOString()} (next: null on the last)\`,
    );
  }

  /** The call that reads one card. */
  private async getCard(ref: CardRef): Promise<${n.pascal}Answer> {
    // e.g. return this.client.call({ method: 'GET', path: \`cards/\${ref.iccid}\`, endpoint: CARD });
    throw new Error(\`${n.todo}: adapter.ts getCard — the client call that reads card \${ref.iccid}\`);
  }

  /** The call that reads one card's usage in the current cycle. */
  private async getUsage(ref: CardRef): Promise<${n.pascal}Answer> {
    throw new Error(
      \`${n.todo}: adapter.ts getUsage — the client call that reads the usage of card \${ref.iccid}\`,
    );
  }

  async fetchCards(refs: CardRef[], at: Date) {
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.getCard(ref);
      return mapCard(res.body, at, this.ctx(CARD, secrets, res.status));
    });
  }

  async fetchUsage(refs: CardRef[], at: Date) {
    return this.perCard(refs, async (ref) => {
      const { res, secrets } = await this.getUsage(ref);
      return mapUsage(res.body, at, this.ctx(USAGE, secrets, res.status));
    });
  }

  async fetchDailyUsage(ref: CardRef, from: string, to: string, _at: Date): Promise<DailyUsage[]> {
    if (!this.manifest.capabilities.dailyUsage) throw notSupported('daily usage');
    this.checkDays(from, to, USAGE);
    throw new Error(
      \`${n.todo}: adapter.ts fetchDailyUsage — daily usage of \${ref.iccid} from \${from} to \${to}\`,
    );
  }

  async submit(order: OperationOrder, refs: CardRef[], _at: Date): Promise<CarrierReceipt> {
    const supported = this.manifest.capabilities.operations.includes(order.type);
    if (!supported) throw notSupported(\`operation \${order.type}\`);
    throw new Error(
      \`${n.todo}: adapter.ts submit — send \${order.type} for \${refs.length} card(s), confirmed by ORDER, JOB or STATUS\`,
    );
  }

  /** Cards the carrier still holds stay SUBMITTED (the engine applies deadlines); STATUS receipts: this.confirmByStatus. */
  async progress(receipt: CarrierReceipt, _refs: CardRef[], _at: Date): Promise<OperationProgress> {
    throw new Error(
      \`${n.todo}: adapter.ts progress — what the carrier says of the \${receipt.type} order\`,
    );
  }
}
`;
}

export function indexTs(n: Names): string {
  return `import type { AdapterDeps, CarrierAccountConfig, CarrierAdapter, CarrierPlatform } from '@simgate/core';
import { ${n.pascal}Adapter } from './adapter';
import { manifest } from './manifest';

/** ${n.id}: discovered by the registry through this export (no central list to edit). */
export const platform: CarrierPlatform = {
  manifest,
  connect(account: CarrierAccountConfig, deps: AdapterDeps): CarrierAdapter {
    return new ${n.pascal}Adapter(account, deps);
  },
};

export { ${n.pascal}Adapter } from './adapter';
export { ${n.pascal}Client } from './client';
export { errorTable } from './errors';
export { manifest, optionsSchema, type Options } from './manifest';
`;
}

export function adapterSpecTs(n: Names): string {
  return `import nock from 'nock';
import { CarrierHttp } from '../toolkit';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { platform } from './index';

/**
 * ${n.id}: the unit tier (docs/adding-a-carrier.md, step 10). karrio's four tests per feature — the request
 * built, the URL called, a success parsed, an error parsed — with nock; fixtures at the bottom of the file.
 */
useNock(nock);

const HOST = 'http://${n.id}.test';
// ${n.todo}: the manifest's credential fields, with values that pass their \`pattern\` (the connect check below reads them).
const CREDENTIALS = { username: 'api-user', password: 'api-password' };

function connect(credentials: Record<string, string> = CREDENTIALS) {
  const account = { id: '${n.id}-main', platform: '${n.id}', baseUrl: \`\${HOST}/\`, credentials };
  const http = new CarrierHttp({ platform: '${n.id}' });
  return platform.connect(account, { http, now: () => new Date(0) });
}

describe('${n.id}', () => {
  it('connects an account under its platform id, and refuses one without credentials', async () => {
    expect(connect().account.platform).toBe('${n.id}');
    expect((await caught(Promise.resolve().then(() => connect({})))).message).toMatch(/credentials/);
  });

  it.todo('${n.todo}: inventory — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: cards — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: usage — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: operations — request built, URL called, success parsed, error parsed');
});
`;
}
