import { describe, expect, it } from '@jest/globals';
import type { CardRecord, Cursor, InventoryPage } from '@simgate/core';
import { chunks, kindOf, sameSet, type Kit } from './context';

/** Inventory: the whole listing page by page (LIST, MODIFIED_SINCE), or the imported order list (IMPORTED). */
export function describeInventory({ fixture, ctx, at }: Kit): void {
  describe('inventory', () => {
    const listAll = async (since: string | null): Promise<{ pages: InventoryPage[]; cards: CardRecord[] }> => {
      const pages: InventoryPage[] = [];
      const maxPages = Math.ceil(fixture.cards / Math.max(1, ctx.manifest.batchSizes.inventoryPage)) + 10;
      let cursor: Cursor | null = null;
      do {
        const page: InventoryPage = await ctx.adapter.listCards(cursor, since, at());
        pages.push(page);
        cursor = page.next;
        if (pages.length > maxPages) throw new Error(`listing did not end after ${maxPages} pages`);
      } while (cursor !== null);
      return { pages, cards: pages.flatMap((p) => p.cards) };
    };

    it('lists the whole inventory, page by page to the end (or says NotSupported for IMPORTED)', async () => {
      const mode = ctx.manifest.capabilities.inventory;
      if (mode === 'IMPORTED') {
        expect(await kindOf(ctx.adapter.listCards(null, null, at()))).toBe('NOT_SUPPORTED');
        return;
      }
      const { pages, cards } = await listAll(null);
      expect(pages.flatMap((p) => p.failures ?? [])).toEqual([]);
      const iccids = [...new Set(cards.map((c) => c.iccid))];
      expect(iccids.length).toBe(fixture.fleetIccids(ctx.sim).length);
      expect(sameSet(iccids, fixture.fleetIccids(ctx.sim))).toBe(true);
      const wrongRaw = cards
        .filter((c) => ctx.expected.has(c.iccid) && ctx.expected.get(c.iccid)!.rawStatus !== c.rawStatus)
        .map((c) => `${c.iccid}: listed ${c.rawStatus}, simulator says ${ctx.expected.get(c.iccid)!.rawStatus}`);
      expect(wrongRaw).toEqual([]);
      if (mode === 'MODIFIED_SINCE') {
        const last = pages[pages.length - 1];
        expect(typeof last.highWaterMark).toBe('string');
        expect(Number.isNaN(Date.parse(last.highWaterMark!))).toBe(false);
        // The next increment from the stored mark also runs to its end and lists only known cards.
        const again = await listAll(last.highWaterMark!);
        const fleet = new Set(fixture.fleetIccids(ctx.sim));
        expect(again.cards.filter((c) => !fleet.has(c.iccid))).toEqual([]);
        expect(again.cards.length).toBeLessThan(cards.length);
      }
    });

    it('resolves the imported order list with fetchCards (IMPORTED only)', async () => {
      if (ctx.manifest.capabilities.inventory !== 'IMPORTED') {
        expect(fixture.importedRefs).toBeUndefined();
        return;
      }
      const refs = fixture.importedRefs!(ctx.sim);
      expect(sameSet(refs.map((r) => r.iccid), fixture.fleetIccids(ctx.sim))).toBe(true);
      const items: CardRecord[] = [];
      for (const group of chunks(refs, ctx.manifest.batchSizes.status)) {
        const res = await ctx.adapter.fetchCards(group, at());
        expect(res.failures).toEqual([]);
        items.push(...res.items);
      }
      expect(sameSet(items.map((c) => c.iccid), refs.map((r) => r.iccid))).toBe(true);
    });
  });
}
