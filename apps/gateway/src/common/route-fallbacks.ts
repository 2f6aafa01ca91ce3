import { SYNC_KINDS, type SyncKind } from '@simgate/store';
import { isIccid } from '@simgate/core';
import type { RouteSpec } from './openapi';
import { z } from './zod';

/**
 * Specs of routes whose room has not declared one yet (docs/api.md), by operation id: they put the route in the
 * document from what its handler does, but its answers are not contract-checked (the handler carries no spec).
 * A room's own `@ApiRoute` replaces its entry here.
 */
export function fallbackSpecs(): Record<string, RouteSpec> {
  return {
    // POST /v1/sync (apps/gateway/src/sync/sync.controller.ts `syncNow`): the body as that handler parses it.
    SyncController_syncNow: {
      summary: 'Sync now: an account and kind, or a list of cards (status or usage); jumps the queue',
      body: z
        .object({
          accountId: z.string().min(1).max(64),
          kind: z.enum(SYNC_KINDS as [SyncKind, ...SyncKind[]]),
          iccids: z.array(z.string().refine(isIccid, 'not a valid ICCID')).min(1).max(10_000).optional(),
        })
        .strict(),
      responses: {
        202: z.union([
          // queued: false when every card named already waits in a "sync now" job (nothing queued, nothing charged).
          z.object({ accountId: z.string(), kind: z.string(), cards: z.number().int(), queued: z.boolean() }),
          z.object({ accountId: z.string(), kind: z.string(), queued: z.boolean(), alreadyQueued: z.boolean() }),
        ]),
      },
      problems: { 404: ['ACCOUNT_NOT_FOUND'], 422: ['COST_OVER_BUDGET', 'KIND_NOT_SUPPORTED', 'CARDS_NOT_IN_ACCOUNT'] },
    },
  };
}
