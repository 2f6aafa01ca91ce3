import { SetMetadata } from '@nestjs/common';
import { expandIccidRange, isIccid } from '@simgate/core';
import type { Simgate } from '@simgate/sync';
import type { Request } from 'express';

/**
 * The weight of a route that spends carrier quota: how many cards a request will have read or ordered at the
 * carrier, charged to the key's cards budget before the handler runs. It reads the raw request (the handler
 * validates it afterwards), so it must accept anything: what it cannot make sense of costs nothing, and the
 * handler then refuses it. A well-formed request the handler refuses later (a card in a state its operation
 * does not fit) has been charged: a client looping on refusals is held back like any other.
 */
export type CardCost = (req: Request, sg: Simgate) => Promise<number> | number;

export const CARD_COST = Symbol('CARD_COST');

/** Declares a route's weight in cards (see CardCost). */
export const ChargesCards = (cost: CardCost) => SetMetadata(CARD_COST, cost);

const MAX_CARDS = 10_000;

const objectOf = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

const iccidsOf = (x: unknown): string[] => (Array.isArray(x) ? [...new Set(x.filter((i): i is string => typeof i === 'string' && isIccid(i)))].slice(0, MAX_CARDS) : []);

/** POST /v1/sync: the cards named that are not already waiting in a "sync now" job (a repeat costs nothing). */
export const syncNowCost: CardCost = async (req, sg) => {
  const b = objectOf(req.body);
  const iccids = iccidsOf(b.iccids);
  if (!iccids.length || typeof b.accountId !== 'string' || (b.kind !== 'status' && b.kind !== 'usage') || !sg.runtime.has(b.accountId)) return 0;
  return (await sg.engine.unqueuedCards(b.accountId, b.kind, iccids)).length;
};

/** POST /v1/operations: the cards the operation names, by list, range or pool. */
export const operationCost: CardCost = async (req, sg) => {
  const b = objectOf(req.body);
  if (b.iccids !== undefined) return iccidsOf(b.iccids).length;
  const range = objectOf(b.range);
  if (typeof range.from === 'string' && typeof range.to === 'string') {
    try {
      return expandIccidRange(range.from, range.to, MAX_CARDS).length;
    } catch {
      return 0;
    }
  }
  if (typeof b.poolId === 'string') {
    const sep = b.poolId.indexOf(':');
    if (sep < 1) return 0;
    return Math.min(MAX_CARDS, (await sg.store.pools.members(b.poolId.slice(0, sep), b.poolId.slice(sep + 1))).length);
  }
  return 0;
};

/** GET /v1/cards/:iccid/usage?granularity=day may read the card's daily series live from the carrier. */
export const dailyUsageCost: CardCost = (req) => (req.query.granularity === 'day' ? 1 : 0);
