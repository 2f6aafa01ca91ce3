/**
 * Jest, one project per tier (README, Tests). `npm test` runs them all; `npm test -- --selectProjects unit`
 * is the fast loop. Every project shares test/support/jest-base.js (swc transform, `@simgate/*` paths).
 *
 * - unit         specs beside the code (apps, libs, mocks) and of the benchmark tools: no server, no network
 *                beyond loopback simulators in the process, embedded PGlite where a store is needed.
 * - postgres     store suites run on PGlite and, when DATABASE_URL is set, on PostgreSQL (test/support/backends.ts).
 * - redis        limiters, leases and queues: in-memory always, on Redis when REDIS_URL is set.
 * - conformance  the conformance kit against every platform's simulator over HTTP (test/conformance).
 * - e2e          gateway and workers end to end (test/e2e), the deploy files and the production module graph
 *                (test/deploy), the carrier generator in a scratch copy (scripts). The production suite
 *                (`npm run test:production`) has its own config: test/e2e/jest.production.config.js.
 * - scale        simulators at fleet scale (1,000,000 cards: `*scale*.spec.ts`).
 */
const base = require('./test/support/jest-base.js');

/** Specs that need a database server when DATABASE_URL is set (they import test/support/backends.ts). */
const POSTGRES = [
  'libs/store/src/store.spec.ts',
  'libs/store/src/events.spec.ts',
  'libs/store/src/lists.spec.ts',
  'libs/sync/src/collectors.lifecycle.spec.ts',
  'libs/sync/src/collectors.webhooks.spec.ts',
  'libs/sync/src/engine/imports.spec.ts',
  'libs/sync/src/sync-late.spec.ts',
  'libs/sync/src/webhooks/dispatcher.spec.ts',
];
/** Specs that need a Redis server when REDIS_URL is set. */
const REDIS = [
  'libs/sync/src/leases.spec.ts',
  'libs/sync/src/limits/arrival.spec.ts',
  'libs/sync/src/limits/in-flight.spec.ts',
  'libs/sync/src/limits/priority.spec.ts',
  'libs/sync/src/limits/window-limiter.spec.ts',
  'libs/sync/src/queue/job-queue.spec.ts',
  'libs/sync/src/queue/queued-cards.spec.ts',
  'libs/sync/src/queue/sync-queue.module.spec.ts',
];
const SCALE = '\\.?scale\\.spec\\.ts$';

const exact = (files) => files.map((f) => `<rootDir>/${f}`);
const pattern = (files) => files.map((f) => `/${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
const project = (displayName, options) => ({ ...base, displayName, ...options });

module.exports = {
  projects: [
    project('unit', {
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/mocks', '<rootDir>/test/bench'],
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', SCALE, ...pattern(POSTGRES), ...pattern(REDIS)],
    }),
    project('postgres', { roots: ['<rootDir>/libs'], testMatch: exact(POSTGRES) }),
    project('redis', { roots: ['<rootDir>/libs'], testMatch: exact(REDIS) }),
    project('conformance', { roots: ['<rootDir>/test/conformance'], testMatch: ['**/*.conformance.spec.ts'] }),
    project('e2e', {
      roots: ['<rootDir>/test/e2e', '<rootDir>/test/deploy', '<rootDir>/scripts'],
      testMatch: ['**/*.e2e-spec.ts', '**/test/deploy/**/*.spec.ts', '**/scripts/**/*.spec.ts'],
      // Every gateway an e2e suite starts checks its answers against the route specs (docs/api.md).
      setupFiles: ['<rootDir>/test/support/contract-check.js'],
    }),
    project('scale', { roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/mocks'], testMatch: ['**/*scale.spec.ts'] }),
  ],
  testTimeout: 30000,
  // Suites with embedded databases and simulators leave memory behind: recycle a worker that grew past this.
  workerIdleMemoryLimit: '1024MB',
};
