import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
    // One Strapi at a time on a 2-core machine.
    fileParallelism: false,
  },
});
