import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The embedding model takes a moment to load per worker; the suite runs on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker; many files wait on child processes and sockets,
    // so two run side by side (the suite took 292 s alone, 219 s so on this machine).
    maxWorkers: 2,
    typecheck: { enabled: true, tsconfig: './tsconfig.json', include: ['tests/**/*.test.ts'] },
  },
});
