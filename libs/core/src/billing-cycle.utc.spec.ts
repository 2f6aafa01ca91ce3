/**
 * The whole billing-cycle suite again, with the process time zone set to UTC before any Date is
 * used. Cycle arithmetic happens in Asia/Shanghai whatever the server's zone (domain.md §3), so every
 * expectation must still hold.
 *
 * Jest hands each test file a copy of process.env, so `process.env.TZ = …` here would not reach Node.
 * The host's own process object (reached through vm.runInThisContext) is the one whose TZ Node
 * watches: assigning it resets the date cache of the whole isolate at run time.
 */
import vm from 'vm';

const host = vm.runInThisContext('process') as NodeJS.Process;
const saved = host.env.TZ;
host.env.TZ = 'UTC';
process.env.TZ = 'UTC';

afterAll(() => {
  // The worker runs other test files after this one: give it its zone back.
  if (saved === undefined) delete host.env.TZ;
  else host.env.TZ = saved;
});

describe('process time zone', () => {
  it('is UTC for this file', () => {
    // 1970-01-01 is winter: the zone's standard offset.
    expect(new Date(0).getTimezoneOffset()).toBe(0);
    expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('UTC');
  });
});

// Loaded only now, after the zone is set (an import would be hoisted above the assignment).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./billing-cycle.spec');
