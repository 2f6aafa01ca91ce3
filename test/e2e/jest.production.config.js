/**
 * Jest for the production suite only (`npm run test:production`, run by .ci/run after `npm test`). Its file
 * name (`*.e2e-prod.ts`) is outside every project of the main config, so `npm test` never runs it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
const base = require('../support/jest-base.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e-prod.ts'],
  testTimeout: 600_000,
  // One suite, its own processes: nothing to run in parallel, and its summary is printed as it comes.
  maxWorkers: 1,
  verbose: true,
  // Suites with embedded databases and simulators leave memory behind: recycle a worker that grew past this.
  workerIdleMemoryLimit: '1024MB',
};
