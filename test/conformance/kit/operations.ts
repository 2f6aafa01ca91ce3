import { describe, expect, it } from '@jest/globals';
import { OperationState, OperationType } from '@simgate/core';
import { kindOf, type Kit } from './context';

/** Operations: every supported one walked to COMPLETED through the order delay; the others NotSupported. */
export function describeOperations({ fixture, ctx, at, anyCard }: Kit): void {
  describe('operations', () => {
    it('walks every supported operation: submit → SUBMITTED → (order delay) → COMPLETED, and the card changed', async () => {
      const cases = fixture.operations(ctx.sim);
      for (const op of cases) {
        const name = `${op.type} ${op.ref.iccid}`;
        const order = { type: op.type, iccids: [op.ref.iccid], params: op.params ?? {}, idempotencyKey: `conformance-${op.type}-${op.ref.iccid}` };
        const receipt = await ctx.adapter.submit(order, [op.ref], at());
        expect(receipt.type).toBe(op.type);
        expect(receipt.iccids).toEqual([op.ref.iccid]);
        const before = await ctx.adapter.progress(receipt, [op.ref], at());
        if (op.statusAfter !== null) {
          // The change is asynchronous: nothing is done before the carrier's order delay has passed.
          expect(`${name}: ${before.state}`).toBe(`${name}: ${OperationState.SUBMITTED}`);
          const still = await ctx.adapter.fetchCards([op.ref], at());
          expect(still.items[0]?.status).not.toBe(op.statusAfter);
        } else {
          expect([OperationState.SUBMITTED, OperationState.COMPLETED]).toContain(before.state);
        }
        await ctx.control.advance(fixture.orderDelayMs + 60_000);
        const after = await ctx.adapter.progress(receipt, [op.ref], at());
        expect(`${name}: ${after.state}`).toBe(`${name}: ${OperationState.COMPLETED}`);
        expect(after.items.map((i) => i.state)).toEqual([OperationState.COMPLETED]);
        if (op.statusAfter !== null) {
          const read = await ctx.adapter.fetchCards([op.ref], at());
          expect(`${name}: ${read.items[0]?.status}`).toBe(`${name}: ${op.statusAfter}`);
        }
      }
    });

    it('refuses the operations the manifest does not list with NotSupported', async () => {
      const supported = new Set(ctx.manifest.capabilities.operations);
      const ref = anyCard();
      const params = { imei: '356938035643809', capMb: 100 };
      for (const type of Object.values(OperationType)) {
        if (supported.has(type)) continue;
        const order = { type, iccids: [ref.iccid], params, idempotencyKey: `conformance-unsupported-${type}` };
        expect(`${type}: ${await kindOf(ctx.adapter.submit(order, [ref], at()))}`).toBe(`${type}: NOT_SUPPORTED`);
      }
    });
  });
}
