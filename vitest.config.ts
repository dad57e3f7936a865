import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/support/longest-first-sequencer';

export default defineConfig({
  resolve: {
    // As in tsconfig.json: tests reach their support code and the emulators by name, not by `../../..`.
    // The more specific prefixes come first: Vite takes the first alias that matches.
    alias: {
      '@/tests': fileURLToPath(new URL('./tests', import.meta.url)),
      '@/emulators': fileURLToPath(new URL('./emulators', import.meta.url)),
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'emulators/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // Two cores: two workers, one test file each, each file with its own database.
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its files one after another in one process instead of a fresh one per file:
    // re-importing the SDKs (googleapis, Graph, tsdav) for each of ~140 files was over half the
    // run. Each file still gets its own database and servers, closed when it ends.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/close-databases.ts'],
    sequence: { sequencer: LongestFirstSequencer },
  },
});
