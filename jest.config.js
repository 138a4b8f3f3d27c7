/** One jest run covers every workspace; tests are TypeScript compiled by swc (no type-check: `npm run build` does that). */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/kernel', '<rootDir>/magics'],
  testMatch: ['**/test/**/*.test.ts', '**/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@flowbook/magics$': '<rootDir>/magics/src/index.ts' },
  reporters: ['default', '<rootDir>/test-support/summary-reporter.js'],
  testTimeout: 30000
};
