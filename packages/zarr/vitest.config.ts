import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tests run the Node sources: `#platform/x.js` would otherwise resolve through package.json's
// `imports` to the built dist/platform/node/x.js. (test/browser.test.ts runs the browser build.)
const nodePlatform = fileURLToPath(new URL('./src/platform/node/', import.meta.url));

export default defineConfig({
  resolve: { alias: [{ find: /^#platform\/(.*)\.js$/, replacement: `${nodePlatform}$1.ts` }] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
