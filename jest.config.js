/** Two projects: `unit` (fast, no services) and `integration` (a real Kafka broker, picked by globalSetup). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/helpers/count-reporter.js'],
  coverageDirectory: 'coverage',
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/integration/harness/global-setup.ts',
      globalTeardown: '<rootDir>/integration/harness/global-teardown.ts',
    },
  ],
};
