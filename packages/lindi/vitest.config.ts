import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Sources import their platform as `#lindi-platform`, which package.json maps to the compiled files in
// dist; the tests run the sources, so the alias points at the Node platform's source.
export default defineConfig({
  resolve: {
    // Its own name: the HDF5 and Zarr packages resolve their `#platform` imports through their package.json.
    alias: [
      {
        find: /^#lindi-platform$/,
        replacement: fileURLToPath(new URL('./src/platform/node.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
