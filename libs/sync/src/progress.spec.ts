import { CarrierRegistry, discoverPlatforms } from '@simgate/carriers';
import type { AccountRuntime } from './runtime';
import { AccountLimiter } from './limits/account-limiter';
import { MemoryInFlightLimiter } from './limits/in-flight';
import { MemoryWindowLimiter } from './limits/window-limiter';
import { quotaFit, requestsPerCard } from './progress';

const registry = new CarrierRegistry(discoverPlatforms());
const manifest = (id: string) => registry.get(id).manifest;
const rt = (id: string) => ({ account: { id: `${id}-main` }, manifest: manifest(id), labels: { platform: id, account: `${id}-main` } }) as unknown as AccountRuntime;
const HOUR = 3600;
const intervals = { inventory: 6 * HOUR, status: HOUR, usage: HOUR, pools: HOUR, orders: 60 };

describe('sweep cost and quota fit', () => {
  it('requests per card come from the manifest: batch reads share a request, per-card platforms pay one each, listings a page', () => {
    // OneLink reads status in batches of its batch size and lists nothing (order lists are resolved by status reads).
    const onelink = manifest('cmcc-onelink');
    expect(onelink.capabilities.statusBatch).toBe(true);
    expect(requestsPerCard(onelink, 'status')).toBeCloseTo(1 / onelink.batchSizes.status);
    expect(requestsPerCard(onelink, 'inventory')).toBeCloseTo(1 / onelink.batchSizes.status);
    // Jasper: one request per card (status and usage), a listing page of `inventoryPage` devices.
    const jasper = manifest('cucc-jasper');
    expect(requestsPerCard(jasper, 'status')).toBe(1);
    expect(requestsPerCard(jasper, 'usage')).toBe(1);
    expect(requestsPerCard(jasper, 'inventory')).toBeCloseTo(1 / jasper.batchSizes.inventoryPage);
    expect(requestsPerCard(jasper, 'pools')).toBeNull();
    expect(requestsPerCard(jasper, 'orders')).toBeNull();
  });

  it("the quota the limiter applies: the account's override and the global factor", () => {
    const limiter = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), { marginMs: 0, quotaFactor: 2 });
    limiter.register({ id: 'a' }, manifest('ctcc-cmp'));
    limiter.register({ id: 'b', quotas: { requestsPerSecond: 4 } }, manifest('ctcc-cmp'));
    const q = manifest('ctcc-cmp').quotas.account;
    expect(limiter.requestsPerSecond('a')).toBeCloseTo((2 * q.points) / q.durationSeconds);
    expect(limiter.requestsPerSecond('b')).toBeCloseTo(8);
    // The adaptive factor after the carrier's rate-limit answer halves it.
    limiter.penalize('a');
    expect(limiter.requestsPerSecond('a')).toBeCloseTo(q.points / q.durationSeconds);
  });

  it('the load of the intervals, and the shortest interval each kind could have with the others unchanged', () => {
    // Jasper at 5 requests/s, 20,000 cards (15,000 in use): status 4,000 s, usage 3,000 s per sweep, hourly.
    const fit = quotaFit(rt('cucc-jasper'), { total: 20_000, usage: 15_000, unresolved: 0 }, intervals, 5);
    const status = fit.kinds.find((k) => k.kind === 'status')!;
    const usage = fit.kinds.find((k) => k.kind === 'usage')!;
    const inventory = fit.kinds.find((k) => k.kind === 'inventory')!;
    expect(status.sweepSeconds).toBe(4000);
    expect(usage.sweepSeconds).toBe(3000);
    expect(inventory.sweepSeconds).toBe(80); // 400 pages
    expect(fit.load).toBeCloseTo(4000 / 3600 + 3000 / 3600 + 80 / 21600, 3);
    expect(fit.load).toBeGreaterThan(1);
    expect(status.intervalMet).toBe(false);
    // Status could run every 4000 / (1 − usage's and inventory's shares) seconds.
    expect(status.shortestIntervalSeconds).toBe(Math.ceil(4000 / (1 - 3000 / 3600 - 80 / 21600)));
    // With a quarter of the cards every interval fits.
    const small = quotaFit(rt('cucc-jasper'), { total: 5000, usage: 3000, unresolved: 0 }, intervals, 5);
    expect(small.load).toBeLessThan(1);
    expect(small.kinds.every((k) => k.intervalMet)).toBe(true);
  });

  it("an imported inventory costs only the cards never read; an account without cards costs nothing", () => {
    const fit = quotaFit(rt('cmcc-onelink'), { total: 10_000, usage: 8000, unresolved: 500 }, intervals, 10);
    const inventory = fit.kinds.find((k) => k.kind === 'inventory')!;
    expect(inventory.sweepSeconds).toBeCloseTo((500 / manifest('cmcc-onelink').batchSizes.status) / 10, 1);
    const none = quotaFit(rt('cmcc-onelink'), undefined, intervals, 10);
    expect(none.load).toBe(0);
    expect(none.kinds.every((k) => k.shortestIntervalSeconds === 0 && k.intervalMet)).toBe(true);
  });
});
