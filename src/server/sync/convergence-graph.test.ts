import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventRecord } from '@/emulators/microsoft/store-types';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { mirroredFieldsOf, type MirroredFields } from '@/tests/support/mirror-fields';
import { calendars, externalEvents } from '../db/schema';
import { TANDEM_PROPERTY_ID } from '../providers/microsoft/config';
import { retryDelayFor } from '../providers/retry';
import type { CalendarProvider, EventTime, EventWrite } from '../providers/types';
import { refreshCalendarList } from './calendar-list';
import type { SyncDeps } from './deps';
import { syncCalendar } from './sync-calendar';

/**
 * Convergence over Microsoft Graph, single events only (the series oracle is Google's for now):
 * random creates, edits, moves between timed and all-day, and deletions made by another client,
 * with injected 429s, 503s and expired delta links, and sync in between. Every provider field of the mirror must equal
 * what the Graph emulator stores, read from its store and mapped here, not by the adapter.
 */

const EMAIL = 'learner4@northbridge.test';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const OPERATIONS = 80;
const SEEDS = [42, 2026];
const base = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 2 * DAY);

let database: TestDatabase;
let bed: MicrosoftTestbed;
let deps: SyncDeps;
let tenant: TestTenant;
let calendarId: string;
let graphCalendarId: string;
let outlook: CalendarProvider;

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startMicrosoftTestbed();
  const other = await bed.connect(EMAIL);
  outlook = other.provider;
  graphCalendarId = other.calendarId;
  // The seeded meetings (series among them) are not this oracle's: start from an empty calendar.
  for (const event of bed.emulator.store.eventsOfCalendar(graphCalendarId))
    bed.emulator.store.events.delete(event.id);
  const registry = createEmulatorRegistry({ microsoft: bed, pageSize: 5 });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  tenant = await createTestTenant(database.db, 'converge-graph');
  const connection = await insertTestConnection(database.db, registry, {
    tenantId: tenant.tenantId,
    userId: tenant.learner.userId,
    provider: 'microsoft',
    accountEmail: EMAIL,
    credentials: oauthCredentials(await bed.signIn(EMAIL)),
  });
  await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
  const [row] = await database.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(and(eq(calendars.tenantId, tenant.tenantId), eq(calendars.externalId, graphCalendarId)));
  calendarId = row?.id ?? '';
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

function write(title: string, time: EventTime, pick: number): EventWrite {
  return {
    title,
    description: null,
    location: pick % 3 === 0 ? `Room ${pick % 7}` : null,
    onlineUrl: null,
    time,
    recurrence: null,
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

async function syncWithRetries(): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId });
      return;
    } catch (error) {
      if (attempt >= 8 || retryDelayFor(error, attempt) === null) throw error;
    }
  }
}

const RESPONSES: Record<string, string> = {
  none: 'needs_action',
  notResponded: 'needs_action',
  organizer: 'accepted',
  accepted: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
};
const SHOW_AS: Record<string, string> = { workingElsewhere: 'working_elsewhere' };

/** A single Graph event as the mirror must hold it, from the emulator's record (Graph's own names). */
function expectedRow(event: EventRecord): MirroredFields {
  if (event.type !== 'singleInstance') throw new Error('this oracle models single events only');
  const { time } = event;
  const showAs = SHOW_AS[event.showAs] ?? event.showAs;
  const tag = [...event.extendedProperties.entries()].find(
    ([id]) => id.toLowerCase() === TANDEM_PROPERTY_ID.toLowerCase(),
  )?.[1];
  return {
    externalId: event.id,
    icalUid: event.iCalUId,
    etag: `W/"${event.changeKey}"`,
    status: event.isCancelled ? 'cancelled' : 'confirmed',
    title: event.subject,
    location: event.location || null,
    startAt: new Date(time.kind === 'timed' ? time.startUtc : `${time.startDate}T00:00:00Z`),
    endAt: new Date(time.kind === 'timed' ? time.endUtc : `${time.endDate}T00:00:00Z`),
    allDay: time.kind === 'allDay',
    startDate: time.kind === 'allDay' ? time.startDate : null,
    endDate: time.kind === 'allDay' ? time.endDate : null,
    // The edits write IANA names; a Windows name would need Graph's own table.
    timeZone: time.kind === 'timed' ? time.startZone : null,
    recurrence: null,
    seriesEndAt: null,
    seriesExternalId: null,
    originalStartAt: null,
    transparency: event.showAs === 'free' ? 'transparent' : 'opaque',
    showAs: showAs as MirroredFields['showAs'],
    organizerEmail: event.organizer.email,
    attendees: event.attendees.map((attendee) => ({
      email: attendee.email,
      name: attendee.name,
      response: RESPONSES[attendee.response] ?? 'needs_action',
      respondedAt: attendee.time.startsWith('0001-') ? null : new Date(attendee.time).toISOString(),
      proposedTime: attendee.proposedNewTime
        ? {
            start: new Date(attendee.proposedNewTime.startUtc).toISOString(),
            end: new Date(attendee.proposedNewTime.endUtc).toISOString(),
          }
        : null,
    })),
    tandemMeetingId: tag ?? null,
    providerUpdatedAt: new Date(event.lastModified),
  };
}

it.each(SEEDS)(
  'converges over Graph (seed %i): every mirrored field of single events equals what Graph stores',
  async (seed) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: OPERATIONS, maxLength: OPERATIONS }),
        async (operations: Operation[]) => {
          const singles: string[] = [];
          const faults: (() => void)[] = [];
          let syncs = 0;
          let counter = 0;
          const pickFrom = (pick: number) =>
            singles.length === 0 ? undefined : singles[pick % singles.length];

          for (const { roll, pick, day, hour } of operations) {
            counter += 1;
            if (roll < 25)
              singles.push(
                (
                  await outlook.createEvent(
                    graphCalendarId,
                    write(`single ${counter}`, timed(day, hour), pick),
                  )
                ).externalId,
              );
            else if (roll < 32)
              singles.push(
                (
                  await outlook.createEvent(
                    graphCalendarId,
                    write(`all-day ${counter}`, allDay(day, 1 + (pick % 3)), pick),
                  )
                ).externalId,
              );
            else if (roll < 50) {
              const id = pickFrom(pick);
              const time = pick % 4 === 0 ? allDay(day, 2) : timed(day, hour, 2);
              if (id)
                await outlook.updateEvent(graphCalendarId, id, write(`edited ${counter}`, time, pick >> 2));
            } else if (roll < 60) {
              const id = pickFrom(pick);
              if (id) {
                await outlook.cancelEvent(graphCalendarId, id);
                singles.splice(singles.indexOf(id), 1);
              }
            } else if (roll < 66)
              faults.push(() => bed.fault({ status: 429, retryAfterSeconds: 0, path: 'delta' }));
            else if (roll < 70) faults.push(() => bed.fault({ status: 503, path: 'delta' }));
            else if (roll < 73) faults.push(() => bed.emulator.store.deltaTokens.expireAll());
            else if (roll >= 84) {
              for (const inject of faults.splice(0)) inject();
              await syncWithRetries();
              syncs += 1;
              if (pick % 3 === 0) await syncWithRetries();
            }
          }
          await syncWithRetries();

          const byId = (a: { externalId: string }, b: { externalId: string }) =>
            a.externalId.localeCompare(b.externalId);
          const stored = bed.emulator.store.eventsOfCalendar(graphCalendarId);
          const expected = stored
            .filter((event) => !event.isCancelled)
            .map(expectedRow)
            .sort(byId);
          const mirrored = await database.db
            .select()
            .from(externalEvents)
            .where(
              and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)),
            )
            .orderBy(asc(externalEvents.externalId));
          expect(syncs).toBeGreaterThan(5);
          expect(expected.length).toBeGreaterThan(10);
          expect(mirrored.map(mirroredFieldsOf).sort(byId)).toEqual(expected);
        },
      ),
      { seed, numRuns: 1, endOnFailure: true },
    );
  },
  90_000,
);
