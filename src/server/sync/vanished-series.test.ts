import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphFetch } from '@/emulators/microsoft/test-client';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { calendars, externalEvents } from '../db/schema';
import type { CalendarProvider, EventWrite } from '../providers/types';
import { refreshCalendarList } from './calendar-list';
import type { SyncDeps } from './deps';
import { syncCalendar } from './sync-calendar';

/**
 * A series deleted whole in Outlook: Graph's calendarView delta reports only its instances as
 * `@removed`, never the master (vanished-series.ts). The mirror must let the master go, with its
 * exceptions, and keep the series that only lost one occurrence.
 */

const EMAIL = 'learner4@northbridge.test';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A Monday at 00:00 UTC, one to two weeks ahead: inside the sync window. */
const base = new Date(Math.floor(Date.now() / (7 * DAY)) * 7 * DAY + 11 * DAY);

let database: TestDatabase;
let bed: MicrosoftTestbed;
let deps: SyncDeps;
let tenant: TestTenant;
let calendarId: string;
let graphCalendarId: string;
let outlook: CalendarProvider;
let token: string;

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startMicrosoftTestbed();
  const other = await bed.connect(EMAIL);
  outlook = other.provider;
  graphCalendarId = other.calendarId;
  for (const event of bed.emulator.store.eventsOfCalendar(graphCalendarId))
    bed.emulator.store.events.delete(event.id);
  token = (await bed.signIn(EMAIL)).accessToken;
  const registry = createEmulatorRegistry({ microsoft: bed, pageSize: 5 });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  tenant = await createTestTenant(database.db, 'vanished-series');
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

function weekly(title: string, day: number, hour: number): EventWrite {
  const start = new Date(base.getTime() + day * DAY + hour * HOUR);
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + HOUR), timeZone: 'UTC' },
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

async function instanceIds(masterId: string): Promise<string[]> {
  const range = `startDateTime=${new Date(base.getTime() - DAY).toISOString()}&endDateTime=${new Date(base.getTime() + 40 * DAY).toISOString()}`;
  const response = await graphFetch(bed.emulator.url, token, `/me/events/${masterId}/instances?${range}`);
  return ((await response.json()) as { value: { id: string }[] }).value.map((item) => item.id);
}

async function mirrored(): Promise<{ title: string | null; status: string; series: boolean }[]> {
  const rows = await database.db
    .select({
      title: externalEvents.title,
      status: externalEvents.status,
      seriesExternalId: externalEvents.seriesExternalId,
    })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)));
  return rows
    .map((row) => ({ title: row.title, status: row.status, series: row.seriesExternalId === null }))
    .sort((a, b) => `${a.title}${String(a.series)}`.localeCompare(`${b.title}${String(b.series)}`));
}

it('lets a series deleted whole go, with its exceptions, and keeps one that lost an occurrence', async () => {
  const plain = await outlook.createEvent(graphCalendarId, weekly('Plain', 0, 9));
  const withException = await outlook.createEvent(graphCalendarId, weekly('Moved once', 1, 9));
  const kept = await outlook.createEvent(graphCalendarId, weekly('Kept', 2, 9));
  const [, second] = await instanceIds(withException.externalId);
  const moved = new Date(base.getTime() + 8 * DAY + 13 * HOUR);
  const patched = await graphFetch(bed.emulator.url, token, `/me/events/${String(second)}`, {
    method: 'PATCH',
    json: {
      start: { dateTime: moved.toISOString().slice(0, 19), timeZone: 'UTC' },
      end: { dateTime: new Date(moved.getTime() + HOUR).toISOString().slice(0, 19), timeZone: 'UTC' },
    },
  });
  expect(patched.status).toBe(200);
  const ref = { tenantId: tenant.tenantId, calendarId };
  expect((await syncCalendar(deps, ref)).mode).toBe('full');
  expect(await mirrored()).toEqual([
    { title: 'Kept', status: 'confirmed', series: true },
    { title: 'Moved once', status: 'confirmed', series: false },
    { title: 'Moved once', status: 'confirmed', series: true },
    { title: 'Plain', status: 'confirmed', series: true },
  ]);

  await outlook.cancelEvent(graphCalendarId, plain.externalId);
  await outlook.cancelEvent(graphCalendarId, withException.externalId);
  const [, keptSecond] = await instanceIds(kept.externalId);
  expect(
    (await graphFetch(bed.emulator.url, token, `/me/events/${String(keptSecond)}`, { method: 'DELETE' }))
      .status,
  ).toBe(204);
  const result = await syncCalendar(deps, ref);
  expect(result.mode).toBe('incremental');
  expect(await mirrored()).toEqual([{ title: 'Kept', status: 'confirmed', series: true }]);
  // A replay of the same round (nothing new) removes nothing more.
  expect((await syncCalendar(deps, ref)).removed).toBe(0);
  expect(await mirrored()).toEqual([{ title: 'Kept', status: 'confirmed', series: true }]);
}, 60_000);
