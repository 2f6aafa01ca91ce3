/**
 * What every Jest project of simgate shares (jest.config.js, test/e2e/jest.production.config.js): the swc
 * transform, the `@simgate/*` paths of tsconfig, the Node environment.
 */
const path = require('node:path');

const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@simgate/(core|carriers|sync|store)$': '<rootDir>/libs/$1/src',
    '^@simgate/(core|carriers|sync|store)/(.*)$': '<rootDir>/libs/$1/src/$2',
    '^@simgate/mocks$': '<rootDir>/mocks/src',
    '^@simgate/mocks/(.*)$': '<rootDir>/mocks/src/$1',
  },
};
