import { expect } from 'vitest';

/**
 * The oracle's assertion: `expect`, or with FUZZ_SOFT=1 `expect.soft`, which goes on after a
 * mismatch so one run lists every disagreement at the end (the replay hint is then not printed).
 */
export const check: typeof expect = process.env.FUZZ_SOFT ? (expect.soft as typeof expect) : expect;
