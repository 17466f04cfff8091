/**
 * Projects: `unit` (fast, no services), `history` (the history checker on the embedded log: long, and run without
 * coverage, whose instrumentation would slow it several times), `browser` (headless Chromium) and `integration` (a
 * real Kafka broker, picked by globalSetup).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
// These packages ship only as ES modules (content-disposition 3 under @fastify/static, cookie 1 under fastify's inject). Node loads them with
// require(esm); Jest's own module loader cannot before Node 24.9, so Jest compiles that one package to CommonJS.
const esmOnly = ['content-disposition', 'cookie'];
const transform = {
  '^.+\\.ts$': tsJest,
  [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];

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
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.browser\\.test\\.ts$', '-browser\\.test\\.ts$', '<rootDir>/test/history/'],
    },
    {
      displayName: 'history',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/history/**/*.test.ts'],
    },
    {
      // The web console in headless Chromium, against a real server in the test process.
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*-browser.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/integration/harness/global-setup.ts',
      globalTeardown: '<rootDir>/integration/harness/global-teardown.ts',
    },
  ],
};
