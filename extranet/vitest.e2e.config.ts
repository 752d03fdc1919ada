import { defineConfig } from 'vitest/config';

// End-to-end journeys: the built apps (npx turbo run build first), a real Strapi, Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
