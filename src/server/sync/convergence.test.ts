import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleTestbed, TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import { externalEvents, syncCursors } from '@/server/db/schema';
import { googleEndpointsAt } from '@/server/providers/google/config';
import { createGoogleProvider } from '@/server/providers/google/provider';
import { retryDelayFor } from '@/server/providers/retry';
import type { CalendarProvider, EventTime, EventWrite, ProviderEvent } from '@/server/providers/types';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { connectGoogleAccount, createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { expectedMirrorRow, listedEvents } from '@/tests/support/google-mirror-oracle';
import { mirroredFieldsOf } from '@/tests/support/mirror-fields';
import type { SyncDeps } from './deps';
import { syncCalendar, type SyncResult } from './sync-calendar';

/**
 * Convergence (DESIGN.md §6): for each of several seeds, a random sequence of edits made in Google
 * by another client (titles, places, attendees, tags, times, all-day, series and their
 * instances), with injected 429s, 503s, expired sync tokens, duplicated and replayed sync runs,
 * and sync in between. At the end every provider field of the mirror must equal what the
 * emulator really stores, read from its store and mapped by the test's own oracle, not by the
 * adapter: a mapping bug would otherwise show on both sides and cancel out.
 */

const EMAIL = 'organizer@northbridge.test';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const OPERATIONS = 150;
/** Each seed is its own sequence, run on the calendar the previous ones left behind. */
const SEEDS = [42, 2026, 7];
const base = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 2 * DAY);

let database: TestDatabase;
let bed: GoogleTestbed;
let deps: SyncDeps;
let tenant: TestTenant;
let calendarId: string;
let google: CalendarProvider;

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startGoogleTestbed();
  const registry = createEmulatorRegistry({ google: bed, pageSize: 7 });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  tenant = await createTestTenant(database.db, 'converge');
  const connected = await connectGoogleAccount(deps, registry, bed, {
    tenantId: tenant.tenantId,
    userId: tenant.learner.userId,
    email: EMAIL,
  });
  calendarId = connected.calendarIds[0] ?? '';
  google = createGoogleProvider({
    config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
    tokens: bed.tokens(EMAIL),
  });
});
afterAll(() => bed.close());

type Operation = { roll: number; pick: number; day: number; hour: number };
const operation = fc.record({
  roll: fc.integer({ min: 0, max: 99 }),
  pick: fc.nat(),
  day: fc.integer({ min: 0, max: 40 }),
  hour: fc.integer({ min: 6, max: 20 }),
});

function timed(day: number, hour: number, lengthHours = 1): EventTime {
  const start = new Date(base.getTime() + day * DAY + hour * HOUR);
  return {
    kind: 'timed',
    start,
    end: new Date(start.getTime() + lengthHours * HOUR),
    timeZone: 'Europe/London',
  };
}

function allDay(day: number, days: number): EventTime {
  const date = (offset: number) => new Date(base.getTime() + offset * DAY).toISOString().slice(0, 10);
  return { kind: 'allDay', startDate: date(day), endDate: date(day + days) };
}

/** The other fields the mirror keeps vary with `pick`, so that each one's mapping is exercised. */
function write(title: string, time: EventTime, recurrence: string[] | null = null, pick = 0): EventWrite {
  return {
    title,
    description: null,
    location: pick % 3 === 0 ? `Room ${pick % 7}` : null,
    onlineUrl: null,
    time,
    recurrence,
    // External guests only: emulated accounts would get copies of their own in other calendars.
    attendees:
      pick % 4 === 0
        ? [
            {
              email: `guest${pick % 5}@example.org`,
              name: pick % 8 === 0 ? 'Guest Speaker' : null,
              isOptional: pick % 16 === 0,
            },
          ]
        : [],
    tandemMeetingId: pick % 5 === 0 ? crypto.randomUUID() : null,
    notifyAttendees: false,
  };
}

/** What a job does: retry typed retryable errors (no real waiting here), give up on anything else. */
async function syncWithRetries(): Promise<SyncResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId });
    } catch (error) {
      if (attempt >= 8 || retryDelayFor(error, attempt) === null) throw error;
    }
  }
}

function pickFrom<T>(items: T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

async function seriesInstances(masterId: string): Promise<ProviderEvent[]> {
  const all = await google.readEvents(EMAIL, { start: base, end: new Date(base.getTime() + 110 * DAY) });
  return all.filter((event) => event.seriesExternalId === masterId);
}

it.each(SEEDS)(
  'converges (seed %i): after random edits with faults, every mirrored field equals what Google stores',
  async (seed) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: OPERATIONS, maxLength: OPERATIONS }),
        async (operations: Operation[]) => {
          const singles: string[] = [];
          const series: string[] = [];
          const faults: (() => void)[] = [];
          const seenCursors: string[] = [];
          let syncs = 0;
          let counter = 0;
          const drop = (list: string[], id: string) => list.splice(list.indexOf(id), 1);

          for (const { roll, pick, day, hour } of operations) {
            counter += 1;
            if (roll < 20)
              singles.push(
                (await google.createEvent(EMAIL, write(`single ${counter}`, timed(day, hour), null, pick)))
                  .externalId,
              );
            else if (roll < 25)
              singles.push(
                (
                  await google.createEvent(
                    EMAIL,
                    write(`all-day ${counter}`, allDay(day, 1 + (pick % 3)), null, pick),
                  )
                ).externalId,
              );
            else if (roll < 32) {
              const rule = `RRULE:FREQ=WEEKLY;COUNT=${8 + (pick % 5)}`;
              series.push(
                (
                  await google.createEvent(
                    EMAIL,
                    write(`series ${counter}`, timed(day % 20, hour), [rule], pick),
                  )
                ).externalId,
              );
            } else if (roll < 44) {
              const id = pickFrom(singles, pick);
              if (id)
                await google.updateEvent(
                  EMAIL,
                  id,
                  write(`renamed ${counter}`, timed(day, hour), null, pick >> 2),
                );
            } else if (roll < 54) {
              const id = pickFrom(singles, pick);
              if (id)
                await google.updateEvent(
                  EMAIL,
                  id,
                  write(
                    `moved ${counter}`,
                    pick % 4 === 0 ? allDay(day, 2) : timed(day, hour, 2),
                    null,
                    pick >> 2,
                  ),
                );
            } else if (roll < 62) {
              const id = pickFrom(singles, pick);
              if (id) {
                await google.cancelEvent(EMAIL, id);
                drop(singles, id);
              }
            } else if (roll < 64) {
              const id = pickFrom(series, pick);
              if (id) {
                await google.cancelEvent(EMAIL, id);
                drop(series, id);
              }
            } else if (roll < 78) {
              const master = pickFrom(series, pick);
              const instance = master ? pickFrom(await seriesInstances(master), pick >> 3) : undefined;
              if (instance && roll < 72)
                await google.updateEvent(
                  EMAIL,
                  instance.externalId,
                  write(`instance moved ${counter}`, timed(day % 20, hour), null, pick >> 3),
                );
              else if (instance) await google.cancelEvent(EMAIL, instance.externalId);
            } else if (roll < 82)
              faults.push(() => bed.emulator.control.preset('rate_limit_429', { retryAfterSeconds: 0 }));
            else if (roll < 85)
              faults.push(() =>
                bed.emulator.control.preset('server_error', { status: pick % 2 === 0 ? 503 : 500 }),
              );
            else if (roll < 87)
              faults.push(() =>
                pick % 2 === 0
                  ? bed.emulator.control.expireSyncTokens()
                  : bed.emulator.control.preset('sync_token_410'),
              );
            else {
              // Faults queued since the last sync hit the sync's own requests, not the other client's edits.
              for (const inject of faults.splice(0)) inject();
              const older = pick % 5 === 0 ? pickFrom(seenCursors, pick) : undefined;
              if (older) {
                // A replayed or out-of-order run: resume from a cursor already used once.
                await database.db
                  .update(syncCursors)
                  .set({ cursor: older })
                  .where(eq(syncCursors.calendarId, calendarId));
              }
              await syncWithRetries();
              syncs += 1;
              if (pick % 3 === 0) await syncWithRetries(); // a duplicated notification
              const [cursor] = await database.db
                .select()
                .from(syncCursors)
                .where(eq(syncCursors.calendarId, calendarId));
              if (cursor?.cursor) seenCursors.push(cursor.cursor);
            }
          }
          await syncWithRetries();

          const [cursor] = await database.db
            .select()
            .from(syncCursors)
            .where(eq(syncCursors.calendarId, calendarId));
          const stored = bed.emulator.control.storedEvents(EMAIL);
          // The oracle does not model the sync window: every event the edits made lies inside it.
          const windowStart = cursor?.windowStart?.getTime() ?? Number.NaN;
          const windowEnd = cursor?.windowEnd?.getTime() ?? Number.NaN;
          const outside = stored.filter((event) => {
            const at = Date.parse(event.start.dateTime ?? `${event.start.date ?? ''}T00:00:00Z`);
            // A series runs for at most 12 weeks.
            const lastStart = event.recurrence ? at + 12 * 7 * DAY : at;
            return !(at >= windowStart && lastStart + 3 * DAY < windowEnd);
          });
          expect(outside.map((event) => event.id)).toEqual([]);

          const byId = (a: { externalId: string }, b: { externalId: string }) =>
            a.externalId.localeCompare(b.externalId);
          const expected = listedEvents(stored).map(expectedMirrorRow).sort(byId);
          const mirrored = await database.db
            .select()
            .from(externalEvents)
            .where(
              and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)),
            )
            .orderBy(asc(externalEvents.externalId));
          expect(syncs).toBeGreaterThan(10);
          expect(expected.length).toBeGreaterThan(25);
          expect(mirrored.map(mirroredFieldsOf).sort(byId)).toEqual(expected);
        },
      ),
      { seed, numRuns: 1, endOnFailure: true },
    );
  },
  90_000,
);
