/** The extension's own jest run (it is not a root workspace): TypeScript via swc, DOM from jsdom. */
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'classic' } } },
    module: { type: 'commonjs' }
  }
];
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  // dagre and yaml ship CommonJS builds; nothing else in node_modules needs transforming.
  transformIgnorePatterns: ['/node_modules/'],
  // The cell grammar comes from the magics workspace as source; its `yaml` import resolves here.
  moduleNameMapper: {
    '^@flowbook/magics$': '<rootDir>/../magics/src/index.ts',
    '^yaml$': '<rootDir>/node_modules/yaml'
  },
  setupFiles: ['<rootDir>/test/jsdom-setup.js'],
  testTimeout: 10000
};
