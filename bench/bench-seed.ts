import type { SeedFileInput } from '../emulators/shared/seed';

export const BENCH_ACCOUNT = 'bench@northbridge.test';

export const BENCH_EMPTY_SEED: SeedFileInput = {
  tenant: 'Bench',
  accounts: [{ email: BENCH_ACCOUNT, name: 'Bea Bench', timeZone: 'Europe/London', events: [] }],
};

/** Share of the events that are weekly series (each stored once, as its master). */
const SERIES_EVERY = 20;

/**
 * `count` events in the bench account's primary calendar, spread over the default sync window
 * (90 days back, a year ahead): one in twenty a weekly series of ten, a few all-day, the rest
 * timed, at times that vary across the day.
 */
export function benchSeed(count: number): SeedFileInput {
  const events = Array.from({ length: count }, (_, index) => {
    const day = -80 + (index % 420);
    const start = `${String(7 + (index % 11)).padStart(2, '0')}:${index % 2 === 0 ? '00' : '30'}`;
    if (index % SERIES_EVERY === 0) {
      return {
        title: `Series ${index}`,
        day,
        start,
        durationMinutes: 60,
        recurrence: [`RRULE:FREQ=WEEKLY;COUNT=10`],
      };
    }
    if (index % 37 === 0) return { title: `All-day ${index}`, day, allDayDays: 1 + (index % 3) };
    return {
      title: `Event ${index}`,
      day,
      start,
      durationMinutes: 30 + (index % 4) * 15,
      location: index % 3 === 0 ? 'Room 4' : undefined,
    };
  });
  return { tenant: 'Bench', accounts: [{ ...BENCH_EMPTY_SEED.accounts[0]!, events }] };
}
