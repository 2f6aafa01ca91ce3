/** Jest: unit specs live beside the code (`*.spec.ts`), end-to-end and integration suites under test/. */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/mocks', '<rootDir>/test', '<rootDir>/scripts'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@simgate/(core|carriers|sync|store)$': '<rootDir>/libs/$1/src',
    '^@simgate/(core|carriers|sync|store)/(.*)$': '<rootDir>/libs/$1/src/$2',
    '^@simgate/mocks$': '<rootDir>/mocks/src',
    '^@simgate/mocks/(.*)$': '<rootDir>/mocks/src/$1',
  },
  testTimeout: 30000,
  // Suites with embedded databases and simulators leave memory behind: recycle a worker that grew past this.
  workerIdleMemoryLimit: '1024MB',
};
