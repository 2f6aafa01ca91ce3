import type { Names } from './names';

/**
 * Templates of the code files of libs/carriers/src/<id>/: client, adapter, index and the unit-tier spec.
 * The adapter already refuses what the manifest declares missing (NotSupported); everything else throws a
 * plain Error naming its `TODO(<id>)`, so the conformance kit's failure names the place to fill in.
 */

export function clientTs(n: Names): string {
  return `import type { AdapterDeps, CarrierAccountConfig } from '@simgate/core';
import type { ZodType, ZodTypeDef } from 'zod';
import { classify, isOkStatus, malformed, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import type { Options } from './manifest';
import type { WireCard, WireUsage } from './wire';

/**
 * ${n.id}: authentication, signing and transport (docs/adding-a-carrier.md, step 4). Each call goes through
 * the toolkit's HTTP layer (\`deps.http\`: timeouts, rate-limit and metrics hooks, redaction); a refusal is
 * classified by errorTable, and the answer is parsed once with the schemas of wire.ts (an unreadable one is
 * \`malformed\`: Transient). It never sleeps, retries or counts. A token platform caches its token with the
 * toolkit's \`TokenCache\` and sends each call through \`tokens.use(call, isRefusal)\`.
 */
export class ${n.pascal}Client {
  private readonly base: string;

  constructor(
    readonly account: CarrierAccountConfig,
    private readonly deps: AdapterDeps,
    readonly options: Options,
  ) {
    this.base = account.baseUrl.endsWith('/') ? account.baseUrl : \`\${account.baseUrl}/\`;
  }

  /** The values to redact wherever a request or an error is shown. */
  secrets(): string[] {
    // ${n.todo}: every secret a request carries (password, key, token, signature).
    return Object.values(this.account.credentials);
  }

  /** One card as the platform answers it, e.g. \`return this.get('cards/{iccid}', 'cards/' + iccid, {}, cardSchema)\`. */
  async card(iccid: string): Promise<WireCard> {
    throw new Error(\`${n.todo}: client.ts card — the platform's read of card \${iccid} (wire.ts)\`);
  }

  /** One card's usage in the current cycle as the platform answers it. */
  async usage(iccid: string): Promise<WireUsage> {
    throw new Error(\`${n.todo}: client.ts usage — the platform's usage read of card \${iccid}\`);
  }

  /** GET \`path\` (\`endpoint\`: its class for limits and metrics, no card id in it), the answer parsed with \`schema\`. */
  private async get<T>(
    endpoint: string,
    path: string,
    query: Record<string, string>,
    schema: ZodType<T, ZodTypeDef, unknown>,
  ): Promise<T> {
    const secrets = this.secrets();
    // ${n.todo}: authentication and signing (headers or query parameters) of every call.
    const res = await this.deps.http.send({ method: 'GET', url: this.base + path, query, endpoint, secrets });
    const ctx: AnswerContext = { endpoint, httpStatus: res.status, secrets };
    if (!isOkStatus(res.status)) throw classify(errorTable, ctx, { retryAfter: res.headers['retry-after'] });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw malformed(errorTable, ctx, 'body is not JSON');
    }
    // ${n.todo}: an error inside a 2xx answer is classify(errorTable, ctx, { code, message }).
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw malformed(errorTable, ctx, parsed.error.issues[0]?.path.join('.') || 'shape');
    return parsed.data;
  }
}
`;
}

export function adapterTs(n: Names): string {
  return `import {
  NotSupported,
  type AdapterDeps,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAccountConfig,
  type CarrierAdapter,
  type CarrierReceipt,
  type Cursor,
  type DailyUsage,
  type InventoryPage,
  type OperationOrder,
  type OperationProgress,
  type PoolMembersPage,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { cardScoped, readPerCard } from '../toolkit';
import { ${n.pascal}Client } from './client';
import { errorTable } from './errors';
import { manifest, options } from './manifest';
import { mapCard, mapUsage } from './map';

/** A refusal about one card (its errorTable row has scope CARD) is that card's failure; the others still read. */
const perCard = { refusalIsCards: cardScoped(errorTable) };

function notSupported(what: string): NotSupported {
  return new NotSupported(\`${n.id}: \${what} is not supported (manifest)\`, { platform: manifest.id });
}

/**
 * ${n.id}: the adapter, one per carrier account (docs/adding-a-carrier.md, step 7): the client's answers
 * through map.ts. What the manifest declares missing is refused with NotSupported; every \`${n.todo}\` throws
 * until written, and the conformance kit (test/conformance/${n.id}.conformance.spec.ts) names it.
 */
export class ${n.pascal}Adapter implements CarrierAdapter {
  readonly manifest = manifest;
  readonly account: Pick<CarrierAccountConfig, 'id' | 'platform' | 'baseUrl'>;
  readonly client: ${n.pascal}Client;

  constructor(account: CarrierAccountConfig, deps: AdapterDeps) {
    this.account = { id: account.id, platform: account.platform, baseUrl: account.baseUrl };
    this.client = new ${n.pascal}Client(account, deps, options.parse(account.options ?? {}));
  }

  async listCards(cursor: Cursor | null, since: string | null, at: Date): Promise<InventoryPage> {
    if (manifest.capabilities.inventory === 'IMPORTED') throw notSupported('listing the inventory');
    throw new Error(
      \`${n.todo}: adapter.ts listCards — one page of the inventory after \${cursor ?? 'the start'} (since \${since}) at \${at.toISOString()}\`,
    );
  }

  async fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>> {
    // One request per card; a platform with a batch read (manifest statusBatch) asks for \`refs\` at once instead.
    return readPerCard(refs, async (ref) => mapCard(await this.client.card(ref.iccid), at), perCard);
  }

  async fetchUsage(refs: CardRef[], at: Date): Promise<BatchResult<UsageSnapshot>> {
    // One request per card; a platform with a batch read (manifest usageBatch) asks for \`refs\` at once instead.
    return readPerCard(refs, async (ref) => mapUsage(await this.client.usage(ref.iccid), at), perCard);
  }

  async fetchDailyUsage(ref: CardRef, from: string, to: string, _at: Date): Promise<DailyUsage[]> {
    if (!manifest.capabilities.dailyUsage) throw notSupported('daily usage');
    throw new Error(
      \`${n.todo}: adapter.ts fetchDailyUsage — daily usage of \${ref.iccid} from \${from} to \${to}\`,
    );
  }

  async listPools(_at: Date): Promise<PoolRecord[]> {
    if (!manifest.capabilities.pools) throw notSupported('pools');
    throw new Error('${n.todo}: adapter.ts listPools — the pools of the account');
  }

  async listPoolMembers(poolId: string, cursor: Cursor | null, _at: Date): Promise<PoolMembersPage> {
    if (!manifest.capabilities.pools) throw notSupported('pools');
    throw new Error(
      \`${n.todo}: adapter.ts listPoolMembers — one page of pool \${poolId} after \${cursor ?? 'the start'}\`,
    );
  }

  async submit(order: OperationOrder, refs: CardRef[], _at: Date): Promise<CarrierReceipt> {
    if (!manifest.capabilities.operations.includes(order.type)) throw notSupported(\`operation \${order.type}\`);
    throw new Error(
      \`${n.todo}: adapter.ts submit — send \${order.type} for \${refs.length} card(s), confirmed by ORDER, JOB or STATUS\`,
    );
  }

  async progress(receipt: CarrierReceipt, _refs: CardRef[], _at: Date): Promise<OperationProgress> {
    throw new Error(
      \`${n.todo}: adapter.ts progress — what the carrier says of \${receipt.type} (cards it still holds stay SUBMITTED)\`,
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
export { manifest, options, type Options } from './manifest';
`;
}

export function adapterSpecTs(n: Names): string {
  return `/**
 * ${n.id}: the unit tier (docs/adding-a-carrier.md, step 10): four tests per feature — the request built, the
 * URL called, a success parsed, an error parsed — with nock against the client, fixtures at the bottom.
 */
import { platform } from './index';

describe('${n.id}', () => {
  it('registers its manifest under its id', () => {
    expect(platform.manifest.id).toBe('${n.id}');
  });

  it.todo('${n.todo}: inventory — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: cards — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: usage — request built, URL called, success parsed, error parsed');
  it.todo('${n.todo}: operations — request built, URL called, success parsed, error parsed');
});
`;
}
