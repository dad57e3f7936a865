import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files known to take minutes on their own: on a fresh clone vitest has no timings to go by. */
const LONG_FILES = [/convergence\.fuzz\.test\.ts$/];

/**
 * Vitest's own order (slowest first by the timings of earlier runs, else the largest files), with
 * the few long files moved to the front. On a fresh clone — CI's case — vitest has no timings and
 * the small fuzz file started last: one worker ran it alone for its last three minutes.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (file: TestSpecification) => LONG_FILES.some((pattern) => pattern.test(file.moduleId));
    return [...sorted.filter(isLong), ...sorted.filter((file) => !isLong(file))];
  }
}
