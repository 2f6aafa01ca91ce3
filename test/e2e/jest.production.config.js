/**
 * Jest for the production suite only (`npm run test:production`, run by .ci/run after `npm test`). Its file
 * name (`*.e2e-prod.ts`) is outside the main config's testMatch, so `npm test` never runs it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e-prod.ts'],
  testTimeout: 600_000,
  // One suite, its own processes: nothing to run in parallel, and its summary is printed as it comes.
  maxWorkers: 1,
  verbose: true,
};
