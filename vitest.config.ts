import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The embedding model takes a moment to load per worker; the suite runs on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    typecheck: { enabled: true, tsconfig: './tsconfig.json', include: ['tests/**/*.test.ts'] },
  },
});
