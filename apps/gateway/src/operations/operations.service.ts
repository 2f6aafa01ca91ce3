import { Inject, Injectable } from '@nestjs/common';
import {
  OperationState,
  OperationType,
  addInZone,
  checkOperation,
  expandIccidRange,
  firstOfNextMonth,
  isIccid,
  zoneOf,
  type Carrier,
  type OperationParams,
} from '@simgate/core';
import type { Operation, StoredCard } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { z } from 'zod';
import { Problem, found } from '../common/problem';
import { GATEWAY_OPTIONS, SIMGATE, clockOf, type GatewayOptions } from '../tokens';

/** The most cards one operation may name (ranges and pools included). */
export const MAX_OPERATION_CARDS = 10_000;

const iccid = z.string().refine(isIccid, 'not a valid ICCID (19–20 digits, 89 prefix, Luhn check digit)');

export const createOperation = z
  .object({
    type: z.nativeEnum(OperationType),
    iccids: z.array(iccid).min(1).max(MAX_OPERATION_CARDS).optional(),
    range: z.object({ from: z.string().max(20), to: z.string().max(20) }).strict().optional(),
    poolId: z.string().min(3).max(200).optional(),
    params: z
      .object({
        imei: z.string().regex(/^\d{14,16}$/, 'an IMEI of 14–16 digits').optional(),
        capMb: z.number().int().positive().max(10_000_000).nullable().optional(),
        reason: z.string().max(200).optional(),
      })
      .strict()
      .default({}),
    idempotencyKey: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  })
  .strict()
  .refine((b) => [b.iccids, b.range, b.poolId].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of iccids, range or poolId',
    path: ['iccids'],
  });

export type CreateOperation = z.infer<typeof createOperation>;

export function operationView(op: Operation) {
  return {
    id: op.id,
    type: op.type,
    state: op.state,
    params: op.params,
    idempotencyKey: op.idempotencyKey,
    createdAt: op.createdAt.toISOString(),
    updatedAt: op.updatedAt.toISOString(),
    items: op.items.map((i) => ({
      iccid: i.iccid,
      accountId: i.accountId,
      state: i.state,
      inDoubt: i.state === OperationState.SUBMITTED && i.error?.inDoubt === true,
      error: i.error,
      submittedAt: i.submittedAt?.toISOString() ?? null,
      completedAt: i.completedAt?.toISOString() ?? null,
      // Sends after the submission's outcome was in doubt: when, why, and what came of each.
      resends: i.resends.map((r) => ({ at: r.at.toISOString(), reason: r.reason, outcome: r.outcome })),
    })),
  };
}

@Injectable()
export class OperationsService {
  private readonly now: () => Date;

  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.now = clockOf(options);
  }

  private async targets(req: CreateOperation): Promise<string[]> {
    if (req.iccids) return [...new Set(req.iccids)];
    if (req.range) return expandIccidRange(req.range.from, req.range.to, MAX_OPERATION_CARDS);
    const id = req.poolId!;
    const sep = id.indexOf(':');
    if (sep < 1) throw new Problem(400, 'VALIDATION_FAILED', 'poolId is <accountId>:<poolId>', { field: 'body.poolId' });
    const pool = await found('pool', id, this.sg.store.pools.get(id.slice(0, sep), id.slice(sep + 1)));
    const members = await this.sg.store.pools.members(pool.accountId, pool.poolId);
    if (members.length > MAX_OPERATION_CARDS) {
      throw new Problem(422, 'TOO_MANY_CARDS', `pool '${id}' has ${members.length} members; at most ${MAX_OPERATION_CARDS} per operation`);
    }
    return members;
  }

  /** Domain and manifest checks per card; returns the error of each refused card. */
  private async check(type: OperationType, params: OperationParams, cards: StoredCard[], fromPool: boolean) {
    const refused = new Map<string, { code: string; message: string }>();
    const recent = await this.sg.store.operations.latestPerCard(cards.map((c) => c.iccid), Object.values(OperationType));
    const rebinds = type === OperationType.REBIND ? await this.rebindsThisMonth(cards) : new Map<string, number>();
    const now = this.now();
    for (const c of cards) {
      const manifest = this.sg.registry.has(c.platform) ? this.sg.registry.get(c.platform).manifest : null;
      if (!manifest || !this.sg.runtime.has(c.accountId)) {
        refused.set(c.iccid, { code: 'ACCOUNT_UNAVAILABLE', message: `the card's account '${c.accountId}' is not configured` });
        continue;
      }
      if (!manifest.capabilities.operations.includes(type)) {
        refused.set(c.iccid, { code: 'OPERATION_NOT_SUPPORTED', message: `${manifest.id} does not support ${type}` });
        continue;
      }
      // Batch activation of a pool takes its inactive members only.
      if (fromPool && type === OperationType.ACTIVATE && c.status !== 'TEST' && c.status !== 'INVENTORY') {
        refused.set(c.iccid, { code: 'ALREADY_ACTIVATED', message: `card ${c.iccid} is ${c.status}` });
        continue;
      }
      const chk = checkOperation(type, { iccid: c.iccid, status: c.status, suspendReasons: c.suspendReasons }, params);
      if (!chk.ok) {
        refused.set(c.iccid, { code: chk.code!, message: chk.message! });
        continue;
      }
      const last = recent.get(c.iccid);
      const cooldown = manifest.cooldowns.sameCardChangeSeconds;
      if (cooldown && last && now.getTime() - new Date(last.at).getTime() < cooldown * 1000) {
        refused.set(c.iccid, { code: 'CARD_COOLDOWN', message: `card ${c.iccid} was changed less than ${cooldown / 60} minutes ago` });
        continue;
      }
      const perMonth = manifest.cooldowns.rebindsPerMonth;
      if (type === OperationType.REBIND && perMonth !== null && (rebinds.get(c.iccid) ?? 0) >= perMonth) {
        refused.set(c.iccid, { code: 'REBIND_LIMIT', message: `card ${c.iccid} was already rebound ${perMonth} times this month` });
      }
    }
    return refused;
  }

  private async rebindsThisMonth(cards: StoredCard[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const r = await this.sg.store.db.query<{ iccid: string; at: Date; platform: string; carrier: Carrier }>(
      `SELECT i.iccid, COALESCE(i.submitted_at, i.updated_at) AS at, c.platform, c.carrier FROM operation_items i
       JOIN operations o ON o.id = i.operation_id JOIN cards c ON c.iccid = i.iccid
       WHERE o.type = 'REBIND' AND i.state IN ('SUBMITTED', 'COMPLETED') AND i.iccid = ANY($1::text[])`,
      [cards.map((c) => c.iccid)],
    );
    const now = this.now();
    for (const row of r.rows) {
      const zone = zoneOf(row, this.sg.registry.has(row.platform) ? this.sg.registry.get(row.platform).manifest : undefined);
      const monthStart = addInZone(firstOfNextMonth(now, zone), zone, { months: -1 });
      if (new Date(row.at) >= monthStart) out.set(row.iccid, (out.get(row.iccid) ?? 0) + 1);
    }
    return out;
  }

  /** The operation already stored under this idempotency key, if any. */
  private async byKey(key: string): Promise<string | null> {
    const r = await this.sg.store.db.query<{ id: string }>(`SELECT id FROM operations WHERE idempotency_key = $1`, [key]);
    return r.rows[0]?.id ?? null;
  }

  async create(req: CreateOperation): Promise<{ operation: Operation; created: boolean }> {
    const iccids = await this.targets(req);
    if (!iccids.length) throw new Problem(422, 'NO_CARDS', 'the operation names no cards');
    // A replay answers the stored operation whatever the cards' state is now (the first request changed it):
    // the store compares the request and raises IdempotencyConflict (409) when it differs. Nothing is submitted.
    if (await this.byKey(req.idempotencyKey)) {
      return this.sg.store.operations.create(
        { idempotencyKey: req.idempotencyKey, type: req.type, params: req.params, items: iccids.map((iccid) => ({ iccid, accountId: null })) },
        this.now(),
      );
    }
    const cards = await this.sg.store.cards.getMany(iccids);
    const known = new Set(cards.map((c) => c.iccid));
    const unknown = iccids.filter((i) => !known.has(i));
    if (unknown.length && req.range) {
      // domain.md §6: the container IDs between start and end must be contiguous cards.
      throw new Problem(400, 'RANGE_NOT_CONTIGUOUS', `the range is not contiguous: ${unknown.length} ICCID(s) in it are no known card, e.g. ${unknown[0]}`, {
        field: 'body.range',
        gaps: unknown.slice(0, 100),
      });
    }
    if (unknown.length) {
      throw new Problem(422, 'CARDS_UNKNOWN', `${unknown.length} card(s) are not known to simgate, e.g. ${unknown[0]}`, { unknown: unknown.slice(0, 100) });
    }
    const refused = await this.check(req.type, req.params, cards, req.poolId !== undefined);
    if (refused.size === cards.length) {
      const first = refused.values().next().value!;
      throw new Problem(422, first.code, first.message, {
        items: [...refused].slice(0, 100).map(([iccid, e]) => ({ iccid, ...e })),
      });
    }
    const result = await this.sg.store.operations.create(
      {
        idempotencyKey: req.idempotencyKey,
        type: req.type,
        params: req.params,
        items: cards.map((c) => {
          const e = refused.get(c.iccid);
          return { iccid: c.iccid, accountId: c.accountId, state: e ? OperationState.REJECTED : OperationState.PENDING, error: e ?? null };
        }),
      },
      this.now(),
    );
    if (result.created) await this.sg.engine.requestSubmit(result.operation.id);
    return result;
  }
}
