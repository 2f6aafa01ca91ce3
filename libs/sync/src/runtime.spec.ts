import { CarrierRegistry } from '@simgate/carriers';
import type { LoadedAccount } from './config/accounts-file';
import { AccountLimiter } from './limits/account-limiter';
import { MemoryInFlightLimiter } from './limits/in-flight';
import { MemoryWindowLimiter } from './limits/window-limiter';
import { SimgateMetrics } from './metrics';
import { CarrierRuntime } from './runtime';
import { fakeManifest } from './testing/fake-platform';

const manifest = { ...fakeManifest('fake-platform', 10), orderProcessing: { typicalHours: 1, deadlineHours: 24 } };
const registry = new CarrierRegistry([{ manifest, connect: () => ({}) as never }]);

function account(id: string, orderDeadlineHours?: number): LoadedAccount {
  return { id, platform: manifest.id, baseUrl: 'http://127.0.0.1:1', credentials: {}, cardsPath: null, orderDeadlineHours };
}

describe('CarrierRuntime', () => {
  it('exports the order deadline the engine applies: the account’s orderDeadlineHours, else the platform’s', async () => {
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const limiter = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), { marginMs: 0, marginShare: 0 });
    new CarrierRuntime(registry, [account('default'), account('contract', 2)], limiter, metrics);
    const text = await metrics.render();
    expect(text).toContain('simgate_operation_deadline_seconds{platform="fake-platform",account="default"} 86400');
    expect(text).toContain('simgate_operation_deadline_seconds{platform="fake-platform",account="contract"} 7200');
  });
});
