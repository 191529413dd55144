import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Sources import their platform as `#platform`, which package.json maps to the compiled files in
 * dist; tests run the sources, so the alias points at the source of each platform instead. The
 * in-memory API runs twice: on the Node platform and on the browser one (h5wasm's default build,
 * which also runs in Node).
 */
const platform = (name: string): Record<string, string> => ({
  '#platform': fileURLToPath(new URL(`./src/platform/${name}.ts`, import.meta.url)),
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        resolve: { alias: platform('node') },
        test: { name: 'node', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        resolve: { alias: platform('browser') },
        test: { name: 'browser-platform', include: ['test/in-memory.test.ts'] },
      },
    ],
  },
});
