import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleTestbed, TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetings,
  notifications,
  syncCursors,
} from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { ProviderRateLimitedError, ProviderUnavailableError } from '@/server/providers/errors';
import { googleEndpointsAt } from '@/server/providers/google/config';
import { createGoogleProvider } from '@/server/providers/google/provider';
import type { CalendarProvider, EventTime, EventWrite } from '@/server/providers/types';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  connectGoogleAccount,
  createEmulatorRegistry,
  type EmulatorRegistry,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { CONNECTION_NEEDS_REAUTH } from './connection-health';
import type { SyncDeps } from './deps';
import { syncCalendar } from './sync-calendar';

const DAY = 86_400_000;
let database: TestDatabase;
let bed: GoogleTestbed;
let registry: EmulatorRegistry;
let deps: SyncDeps;
let north: TestTenant;
let south: TestTenant;
/** Monday 00:00 UTC, two to three weeks from now: inside the sync window. */
const base = new Date(Math.floor(Date.now() / (7 * DAY)) * 7 * DAY + 18 * DAY);

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startGoogleTestbed();
  // A small page size so that every import here spans several pages.
  registry = createEmulatorRegistry({ google: bed, pageSize: 3 });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});
afterAll(() => bed.close());

/** The emulated account as another client (the user editing in Google Calendar). */
function googleClient(email: string): CalendarProvider {
  return createGoogleProvider({
    config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
    tokens: bed.tokens(email),
  });
}

function at(days: number, hours: number): Date {
  return new Date(base.getTime() + days * DAY + hours * 3_600_000);
}

function timed(
  days: number,
  hours: number,
  lengthHours = 1,
  timeZone: string | null = 'Europe/London',
): EventTime {
  return { kind: 'timed', start: at(days, hours), end: at(days, hours + lengthHours), timeZone };
}

function write(title: string, time: EventTime, recurrence: string[] | null = null): EventWrite {
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time,
    recurrence,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

function isoDate(days: number): string {
  return new Date(base.getTime() + days * DAY).toISOString().slice(0, 10);
}

async function mirror(calendarId: string) {
  return database.db
    .select()
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, north.tenantId), eq(externalEvents.calendarId, calendarId)))
    .orderBy(asc(externalEvents.externalId));
}

describe('syncCalendar against the Google emulator', () => {
  const email = 'organizer@northbridge.test';
  let google: CalendarProvider;
  let calendarId: string;
  let connectionId: string;

  beforeEach(async () => {
    bed.emulator.control.reset();
    await database.db.delete(calendarConnections).where(eq(calendarConnections.tenantId, north.tenantId));
    await database.db.delete(notifications).where(eq(notifications.tenantId, north.tenantId));
    const connected = await connectGoogleAccount(deps, registry, bed, {
      tenantId: north.tenantId,
      userId: north.learner.userId,
      email,
    });
    calendarId = connected.calendarIds[0] ?? '';
    connectionId = connected.connection.id;
    google = googleClient(email);
  });

  it('imports timed, all-day, multi-day and recurring events in pages', async () => {
    await google.createEvent(email, write('Timed', timed(1, 10)));
    await google.createEvent(
      email,
      write('Holiday', { kind: 'allDay', startDate: isoDate(2), endDate: isoDate(3) }),
    );
    await google.createEvent(
      email,
      write('Conference', { kind: 'allDay', startDate: isoDate(3), endDate: isoDate(6) }),
    );
    await google.createEvent(email, write('Weekly', timed(0, 9, 1, 'UTC'), ['RRULE:FREQ=WEEKLY;COUNT=4']));
    await google.createEvent(email, write('Daily forever', timed(0, 8, 0.5, 'UTC'), ['RRULE:FREQ=DAILY']));
    for (let index = 0; index < 5; index += 1)
      await google.createEvent(email, write(`Filler ${index}`, timed(7 + index, 14)));
    bed.emulator.control.resetRequestCounts();

    const result = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });

    expect(result).toMatchObject({ mode: 'full', outcome: 'synced', upserted: 10, swept: 0 });
    expect(bed.emulator.control.requestCounts().total).toBeGreaterThanOrEqual(4);
    const rows = await mirror(calendarId);
    const byTitle = new Map(rows.map((row) => [row.title, row]));
    expect(rows).toHaveLength(10);
    expect(byTitle.get('Holiday')).toMatchObject({
      allDay: true,
      startDate: isoDate(2),
      endDate: isoDate(3),
      startAt: at(2, 0),
      endAt: at(3, 0),
    });
    expect(byTitle.get('Conference')).toMatchObject({
      allDay: true,
      startDate: isoDate(3),
      endDate: isoDate(6),
      startAt: at(3, 0),
      endAt: at(6, 0),
    });
    expect(byTitle.get('Timed')).toMatchObject({
      allDay: false,
      startDate: null,
      startAt: at(1, 10),
      endAt: at(1, 11),
      timeZone: 'Europe/London',
    });
    expect(byTitle.get('Weekly')).toMatchObject({
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      seriesEndAt: at(21, 10),
    });
    expect(byTitle.get('Daily forever')).toMatchObject({
      recurrence: ['RRULE:FREQ=DAILY'],
      seriesEndAt: null,
    });

    const [calendar] = await database.db.select().from(calendars).where(eq(calendars.id, calendarId));
    expect(calendar).toMatchObject({ syncState: 'ready', lastError: null });
    expect(calendar?.lastSyncedAt).toBeInstanceOf(Date);
    const [connection] = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId));
    expect(connection?.lastSyncedAt).toBeInstanceOf(Date);
  });

  it('applies creates, updates, deletes and recurring-instance changes incrementally; a replay changes nothing', async () => {
    const kept = await google.createEvent(email, write('Kept', timed(1, 10)));
    const doomed = await google.createEvent(email, write('Doomed', timed(1, 12)));
    const series = await google.createEvent(
      email,
      write('Weekly', timed(0, 9, 1, 'UTC'), ['RRULE:FREQ=WEEKLY;COUNT=4']),
    );
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    const [before] = await database.db
      .select()
      .from(syncCursors)
      .where(eq(syncCursors.calendarId, calendarId));

    const added = await google.createEvent(email, write('Added', timed(2, 15)));
    await google.updateEvent(email, kept.externalId, write('Kept (renamed)', timed(1, 11)));
    await google.cancelEvent(email, doomed.externalId);
    const instances = (await google.readEvents(email, { start: at(0, 0), end: at(28, 0) })).filter(
      (event) => event.seriesExternalId === series.externalId,
    );
    await google.updateEvent(email, instances[1]?.externalId ?? '', write('Weekly (moved)', timed(8, 13)));
    await google.cancelEvent(email, instances[2]?.externalId ?? '');
    bed.emulator.control.resetRequestCounts();

    const result = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });

    expect(result.mode).toBe('incremental');
    const rows = await mirror(calendarId);
    const ids = rows.map((row) => row.externalId);
    expect(ids).toContain(added.externalId);
    expect(ids).not.toContain(doomed.externalId);
    expect(rows.find((row) => row.externalId === kept.externalId)).toMatchObject({
      title: 'Kept (renamed)',
      startAt: at(1, 11),
    });
    const exceptions = rows.filter((row) => row.seriesExternalId === series.externalId);
    expect(
      exceptions.map((row) => [row.status, row.originalStartAt?.toISOString(), row.startAt.toISOString()]),
    ).toEqual(
      expect.arrayContaining([
        ['confirmed', at(7, 9).toISOString(), at(8, 13).toISOString()],
        ['cancelled', at(14, 9).toISOString(), at(14, 9).toISOString()],
      ]),
    );
    expect(exceptions).toHaveLength(2);

    // Replay: the same changes again from the old cursor; not a single row is rewritten.
    await database.db
      .update(syncCursors)
      .set({ cursor: before?.cursor ?? null })
      .where(eq(syncCursors.calendarId, calendarId));
    const replay = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    expect(replay.mode).toBe('incremental');
    expect(await mirror(calendarId)).toEqual(rows);
  });

  it('resyncs fully when the sync token expired, without orphans or duplicates', async () => {
    const doomed = await google.createEvent(email, write('Doomed', timed(1, 12)));
    await google.createEvent(email, write('Stays', timed(1, 14)));
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    const staysRow = (await mirror(calendarId)).find((row) => row.title === 'Stays');
    await google.cancelEvent(email, doomed.externalId);
    await google.createEvent(email, write('New', timed(3, 9)));
    bed.emulator.control.expireSyncTokens();

    const result = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });

    expect(result).toMatchObject({ mode: 'full', cursorExpired: true, swept: 1 });
    const rows = await mirror(calendarId);
    expect(rows.map((row) => row.title).sort()).toEqual(['New', 'Stays']);
    // The surviving row keeps its identity (links to it survive a resync).
    expect(rows.find((row) => row.title === 'Stays')?.id).toBe(staysRow?.id);

    // The 410 preset on a single request behaves the same.
    bed.emulator.control.preset('sync_token_410');
    const again = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    expect(again).toMatchObject({ mode: 'full', cursorExpired: true, swept: 0 });
    expect((await mirror(calendarId)).map((row) => row.title).sort()).toEqual(['New', 'Stays']);
  });

  it("a full resync of one calendar sweeps only that calendar's events, not another calendar's", async () => {
    const otherEmail = 'attendee@northbridge.test';
    const other = await connectGoogleAccount(deps, registry, bed, {
      tenantId: north.tenantId,
      userId: north.otherLearner.userId,
      email: otherEmail,
    });
    const otherCalendarId = other.calendarIds[0] ?? '';
    await google.createEvent(email, write('Doomed', timed(1, 12)));
    await googleClient(otherEmail).createEvent(otherEmail, write('Elsewhere', timed(1, 9)));
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId: otherCalendarId });
    const otherRows = await mirror(otherCalendarId);
    expect(otherRows.map((row) => row.title)).toEqual(['Elsewhere']);
    for (const event of await google.readEvents(email, { start: at(0, 0), end: at(28, 0) }))
      await google.cancelEvent(email, event.externalId);
    bed.emulator.control.expireSyncTokens();

    const result = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });

    expect(result).toMatchObject({ mode: 'full', cursorExpired: true, swept: 1 });
    expect(await mirror(calendarId)).toEqual([]);
    expect(await mirror(otherCalendarId)).toEqual(otherRows);
  });

  it('re-reads the window fully once it has drifted a week, keeping row identities', async () => {
    await google.createEvent(email, write('Stays', timed(20, 10)));
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    const before = await mirror(calendarId);
    expect((await syncCalendar(deps, { tenantId: north.tenantId, calendarId })).mode).toBe('incremental');
    const later = { ...deps, now: () => new Date(Date.now() + 8 * DAY) };
    expect(await syncCalendar(later, { tenantId: north.tenantId, calendarId })).toMatchObject({
      mode: 'full',
      swept: 0,
    });
    expect((await mirror(calendarId)).map((row) => row.id)).toEqual(before.map((row) => row.id));
  });

  it('marks a revoked connection needs_reauth, tells the user and the admins, and deletes nothing', async () => {
    await google.createEvent(email, write('Before revocation', timed(1, 10)));
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    const [meeting] = await database.db
      .insert(meetings)
      .values({
        tenantId: north.tenantId,
        organizerId: north.learner.userId,
        title: 'Tandem meeting',
        startsAt: at(2, 10),
        endsAt: at(2, 11),
        timeZone: 'Europe/London',
        icalUid: `m-${crypto.randomUUID()}`,
      })
      .returning();
    const mirrored = await mirror(calendarId);
    bed.emulator.control.revokeGrants(email);

    const result = await syncCalendar(deps, { tenantId: north.tenantId, calendarId });

    expect(result.outcome).toBe('needs_reauth');
    const [connection] = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId));
    expect(connection?.status).toBe('needs_reauth');
    expect(connection?.lastError).toMatch(/reconnect/i);
    const told = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.tenantId, north.tenantId));
    expect(told.map((row) => [row.userId, row.kind]).sort()).toEqual(
      [
        [north.learner.userId, CONNECTION_NEEDS_REAUTH],
        [north.admin.userId, CONNECTION_NEEDS_REAUTH],
      ].sort(),
    );
    expect(await mirror(calendarId)).toEqual(mirrored);
    expect(
      await database.db
        .select()
        .from(meetings)
        .where(eq(meetings.id, meeting?.id ?? '')),
    ).toHaveLength(1);

    // Later runs do not notify again.
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    expect(
      await database.db.select().from(notifications).where(eq(notifications.tenantId, north.tenantId)),
    ).toHaveLength(2);
  });

  it('rethrows rate limits and outages as typed errors and records a plain reason', async () => {
    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    bed.emulator.control.preset('rate_limit_429', { retryAfterSeconds: 7 });
    const limited = syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    await expect(limited).rejects.toBeInstanceOf(ProviderRateLimitedError);
    await expect(limited).rejects.toMatchObject({ retryAfterMs: 7000 });
    let [connection] = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId));
    expect(connection?.lastError).toMatch(/slow down/);
    expect(connection?.status).toBe('active');
    const [calendar] = await database.db.select().from(calendars).where(eq(calendars.id, calendarId));
    expect(calendar).toMatchObject({ syncState: 'error' });

    bed.emulator.control.preset('server_error', { status: 503 });
    await expect(syncCalendar(deps, { tenantId: north.tenantId, calendarId })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    [connection] = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId));
    expect(connection?.lastError).toMatch(/could not be reached/);

    await syncCalendar(deps, { tenantId: north.tenantId, calendarId });
    [connection] = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId));
    expect(connection?.lastError).toBeNull();
  });

  it("refuses another tenant's calendar (NotFound) and leaves it alone", async () => {
    await google.createEvent(email, write('Private', timed(1, 10)));
    await expect(syncCalendar(deps, { tenantId: south.tenantId, calendarId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await mirror(calendarId)).toHaveLength(0);
    expect(
      await database.db.select().from(syncCursors).where(eq(syncCursors.calendarId, calendarId)),
    ).toHaveLength(0);
  });
});
