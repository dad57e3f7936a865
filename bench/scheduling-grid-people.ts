import type { AvailabilityInterval, PersonAvailability } from '../src/server/scheduling/contract';

/**
 * The grid bench's people: a tutor and 30 learners over one work week (from `monday`, midnight
 * in London, the week the grid opens on), each with a realistic busy week — meetings, a tentative one, some time outside working
 * hours, a day out of office now and then, and a few learners with no calendar at all. Seeded by
 * index, so every run draws the same grid.
 */
const HOUR = 3_600_000;

function random(seed: number): () => number {
  let state = seed * 2_654_435_761;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export function benchPeople(monday: Date, count = 31): PersonAvailability[] {
  const start = monday.getTime();
  const at = (day: number, hour: number) => new Date(start + day * 24 * HOUR + hour * HOUR).toISOString();
  return Array.from({ length: count }, (_, index) => {
    const next = random(index + 1);
    const intervals: AvailabilityInterval[] = [];
    const noCalendar = index % 10 === 7;
    for (let day = 0; day < 5; day += 1) {
      if (noCalendar) {
        intervals.push({
          start: at(day, 0),
          end: at(day + 1, 0),
          state: 'unknown',
          reason: 'no_calendar_connected',
        });
        continue;
      }
      intervals.push({ start: at(day, 0), end: at(day, 9), state: 'outside_working_hours' });
      if (next() < 0.06) {
        intervals.push({ start: at(day, 9), end: at(day, 17), state: 'out_of_office' });
      } else {
        let hour = 9;
        while (hour < 17) {
          const length = next() < 0.5 ? 0.5 : 1;
          const roll = next();
          const state =
            roll < 0.35 ? 'busy' : roll < 0.45 ? 'tentative' : roll < 0.5 ? 'working_elsewhere' : 'free';
          if (state !== 'free')
            intervals.push({
              start: at(day, hour),
              end: at(day, hour + length),
              state,
              ...(index === 0 ? { title: `Own meeting ${day}-${hour}` } : {}),
            });
          hour += length + (next() < 0.5 ? 0.5 : 0);
        }
      }
      intervals.push({ start: at(day, 17), end: at(day + 1, 0), state: 'outside_working_hours' });
    }
    return {
      userId: `person-${index}`,
      name: index === 0 ? 'Tara Tutor' : `Learner ${String(index).padStart(2, '0')}`,
      timeZone: index % 6 === 5 ? 'America/New_York' : 'Europe/London',
      role: index === 0 ? 'tutor' : 'learner',
      required: index % 9 !== 8,
      lastSyncedAt: noCalendar ? null : new Date(start - (index + 1) * 60_000).toISOString(),
      intervals,
    };
  });
}
