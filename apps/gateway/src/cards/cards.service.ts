import { Inject, Injectable } from '@nestjs/common';
import type { CardFilter, Checkpoint, StoredCard, StoredUsage } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { GATEWAY_OPTIONS, SIMGATE, clockOf, type GatewayOptions } from '../tokens';
import { accountLifecycle, cardView, type CardContext, type CardView } from './card-view';

export function encodeCursor(iccid: string): string {
  return Buffer.from(`c:${iccid}`).toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^c:\d{19,20}$/.test(text) ? text.slice(2) : null;
}

/**
 * How long the sync checkpoints read for card views are reused. They change when a sweep ends (minutes apart)
 * and only confirm how fresh a card's data is; a second of lag spares every card request a query.
 */
const CHECKPOINTS_TTL_MS = 1_000;

@Injectable()
export class CardsService {
  readonly now: () => Date;
  private checkpointsRead: { at: number; value: Promise<Checkpoint[]> } | null = null;

  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.now = clockOf(options);
  }

  /** Views of stored cards with their current usage and the checkpoints that confirm them. */
  async views(cards: StoredCard[]): Promise<CardView[]> {
    if (!cards.length) return [];
    const [usage, cps] = await Promise.all([this.sg.store.usage.current(cards.map((c) => c.iccid)), this.checkpoints()]);
    return this.viewsOf(cards, usage, cps);
  }

  /** The sync checkpoints, read at most once per CHECKPOINTS_TTL_MS (concurrent requests share one read). */
  private checkpoints(): Promise<Checkpoint[]> {
    const t = performance.now();
    if (this.checkpointsRead && t - this.checkpointsRead.at < CHECKPOINTS_TTL_MS) return this.checkpointsRead.value;
    const value = this.sg.store.checkpoints.list();
    const read = { at: t, value };
    this.checkpointsRead = read;
    value.catch(() => {
      if (this.checkpointsRead === read) this.checkpointsRead = null; // a failed read is not reused
    });
    return value;
  }

  private viewsOf(cards: StoredCard[], usage: Map<string, StoredUsage>, cps: Checkpoint[]): CardView[] {
    const now = this.now();
    // One context per account and platform of the page (a page has a handful), not one per card.
    const contexts = new Map<string, CardContext>();
    return cards.map((c) => {
      const key = `${c.accountId}\u0000${c.platform}`;
      let ctx = contexts.get(key);
      if (!ctx) {
        ctx = {
          manifest: this.sg.registry.has(c.platform) ? this.sg.registry.get(c.platform).manifest : undefined,
          lifecycle: this.sg.runtime.has(c.accountId) ? accountLifecycle(this.sg.runtime.get(c.accountId).account.options) : undefined,
          statusCheckpoint: cps.find((p) => p.accountId === c.accountId && p.kind === 'status'),
          usageCheckpoint: cps.find((p) => p.accountId === c.accountId && p.kind === 'usage'),
          now,
        };
        contexts.set(key, ctx);
      }
      return cardView(c, usage.get(c.iccid) ?? null, ctx);
    });
  }

  /**
   * A page of cards, with the feed position taken before the read (`feedPosition`): following the events from
   * it never misses a change the page does not show (it may repeat one it does).
   */
  async list(filter: CardFilter, limit: number, after: string | null) {
    const feedPosition = await this.sg.store.events.position();
    const page = await this.sg.store.cards.list(filter, limit + 1, after, { raw: false });
    const more = page.length > limit;
    const items = await this.views(page.slice(0, limit));
    return { items, nextCursor: more ? encodeCursor(page[limit - 1].iccid) : null, feedPosition };
  }

  /** One card's view: the card and its current usage in one statement; checkpoints reused. */
  async get(iccid: string): Promise<CardView | null> {
    const [found, cps] = await Promise.all([this.sg.store.cards.getWithUsage(iccid), this.checkpoints()]);
    if (!found) return null;
    const usage = new Map<string, StoredUsage>(found.usage ? [[iccid, found.usage]] : []);
    return this.viewsOf([found.card], usage, cps)[0];
  }
}
