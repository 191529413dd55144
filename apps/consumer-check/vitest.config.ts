import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packing, installing and type-checking take tens of seconds on a loaded two-core machine.
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
