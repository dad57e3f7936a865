import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  LOOPBACK_ALLOWED,
  oauthCredentials,
  type EmulatorRegistry,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { basicAuth, startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { startXandikos, type XandikosServers } from '@/tests/support/xandikos';
import { calendarConnections, calendars, externalEvents } from '../db/schema';
import { createCalDavProvider } from '../providers/caldav';
import type { EventWrite } from '../providers/types';
import { refreshCalendarList } from './calendar-list';
import type { SyncDeps } from './deps';
import { syncCalendar } from './sync-calendar';

/** The same services over the other adapters: CalDAV (a real Radicale and a real Xandikos) and Microsoft Graph (emulator). */

const USER = { username: 'tutor@example.org', password: 'tutor-secret', calendars: ['calendar', 'work'] };
const DAY = 86_400_000;
let database: TestDatabase;
let radicale: RadicaleServer;
let xandikos: XandikosServers;
let microsoft: MicrosoftTestbed;
let registry: EmulatorRegistry;
let deps: SyncDeps;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  [radicale, xandikos, microsoft] = await Promise.all([
    startRadicale({ users: [USER] }),
    startXandikos({ users: [USER] }),
    startMicrosoftTestbed(),
  ]);
  registry = createEmulatorRegistry({ microsoft, pageSize: 4 });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  tenant = await createTestTenant(database.db, 'providers');
});
afterAll(async () => {
  await Promise.all([radicale.close(), xandikos.close(), microsoft.close()]);
});

function write(title: string, startsInDays: number): EventWrite {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + startsInDays * DAY);
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + 3_600_000), timeZone: 'Europe/London' },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

async function mirrorTitles(calendarId: string): Promise<(string | null)[]> {
  const rows = await database.db
    .select({ title: externalEvents.title })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)))
    .orderBy(asc(externalEvents.title));
  return rows.map((row) => row.title);
}

/** One CalDAV server as this scenario needs it, Radicale or Xandikos. */
interface CalDavServer {
  serverUrl: string;
  calendarUrl(calendar: string): string;
  forgetSyncTokens(): Promise<void>;
}

async function calDavScenario(server: CalDavServer, userId: string): Promise<void> {
  const credentials = {
    kind: 'caldav' as const,
    serverUrl: server.serverUrl,
    username: USER.username,
    password: USER.password,
    email: USER.username,
  };
  const connection = await insertTestConnection(database.db, registry, {
    tenantId: tenant.tenantId,
    userId,
    provider: 'caldav',
    accountEmail: USER.username,
    credentials,
  });
  const first = await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
  expect(first.calendarIds).toHaveLength(2);
  const rows = await database.db.select().from(calendars).where(eq(calendars.connectionId, connection.id));
  expect(rows.every((row) => row.show && row.busy)).toBe(true);
  const work = rows.find((row) => row.externalId === server.calendarUrl('work'));
  const main = rows.find((row) => row.externalId === server.calendarUrl('calendar'));
  if (!work || !main) throw new Error('CalDAV calendars missing');

  // The user hides "work"; a refresh keeps that; a calendar deleted at the server goes.
  await database.db.update(calendars).set({ show: false }).where(eq(calendars.id, work.id));
  await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
  expect((await database.db.select().from(calendars).where(eq(calendars.id, work.id)))[0]?.show).toBe(false);

  const caldav = createCalDavProvider({ ...credentials, addressPolicy: LOOPBACK_ALLOWED });
  const kept = await caldav.createEvent(main.externalId, write('Tutorial', 2));
  const doomed = await caldav.createEvent(main.externalId, write('Doomed', 3));
  expect(await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: main.id })).toMatchObject({
    mode: 'full',
    upserted: 2,
  });
  expect(await mirrorTitles(main.id)).toEqual(['Doomed', 'Tutorial']);

  await caldav.cancelEvent(main.externalId, doomed.externalId);
  await caldav.updateEvent(main.externalId, kept.externalId, write('Tutorial (moved)', 4));
  expect(await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: main.id })).toMatchObject({
    mode: 'incremental',
  });
  expect(await mirrorTitles(main.id)).toEqual(['Tutorial (moved)']);

  // The token is lost (Radicale: 403, Xandikos: 500) while an event is deleted: a full resync
  // sweeps it, and the next poll is incremental again.
  const goneWhileLost = await caldav.createEvent(main.externalId, write('Gone while the token was lost', 6));
  expect(await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: main.id })).toMatchObject({
    mode: 'incremental',
    upserted: 1,
  });
  await caldav.cancelEvent(main.externalId, goneWhileLost.externalId);
  await caldav.createEvent(main.externalId, write('After reset', 5));
  await server.forgetSyncTokens();
  const resync = await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: main.id });
  expect(resync).toMatchObject({ mode: 'full', cursorExpired: true, swept: 1 });
  expect(await mirrorTitles(main.id)).toEqual(['After reset', 'Tutorial (moved)']);
  expect(await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: main.id })).toMatchObject({
    mode: 'incremental',
  });
  const [after] = await database.db
    .select()
    .from(calendarConnections)
    .where(eq(calendarConnections.id, connection.id));
  expect(after).toMatchObject({ status: 'active', lastError: null });

  const response = await fetch(work.externalId, {
    method: 'DELETE',
    headers: { authorization: basicAuth(USER) },
  });
  expect(response.ok).toBe(true);
  expect(
    (await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id })).calendarIds,
  ).toEqual([main.id]);
}

describe('CalDAV', () => {
  it('Radicale: lists calendars keeping the user choices, mirrors events incrementally and after a lost sync-token', async () => {
    await calDavScenario(
      {
        serverUrl: radicale.url,
        calendarUrl: (calendar) => radicale.calendarUrl(USER.username, calendar),
        forgetSyncTokens: () => radicale.forgetSyncTokens(),
      },
      tenant.tutor.userId,
    );
  });

  it('Xandikos: the same, where a lost sync-token answers 500', async () => {
    await calDavScenario(
      {
        serverUrl: xandikos.serverUrl(USER.username),
        calendarUrl: (calendar) => xandikos.calendarUrl(USER.username, calendar),
        forgetSyncTokens: () => xandikos.forgetSyncTokens(),
      },
      tenant.admin.userId,
    );
  });
});

describe('Microsoft Graph (emulator)', () => {
  it('mirrors the default calendar through delta and picks it as the write target', async () => {
    const email = 'tutor1@northbridge.test';
    const tokens = await microsoft.signIn(email);
    const connection = await insertTestConnection(database.db, registry, {
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      provider: 'microsoft',
      accountEmail: email,
      credentials: oauthCredentials(tokens),
    });
    const { calendarIds } = await refreshCalendarList(deps, {
      tenantId: tenant.tenantId,
      connectionId: connection.id,
    });
    const [primary] = await database.db
      .select()
      .from(calendars)
      .where(and(eq(calendars.connectionId, connection.id), eq(calendars.isPrimary, true)));
    expect(primary?.isWriteTarget).toBe(true);
    expect(calendarIds).toContain(primary?.id);

    const account = await microsoft.connect(email, { tokens });
    await account.provider.createEvent(account.calendarId, write('Made in Outlook', 1));
    const imported = await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: primary?.id ?? '' });
    expect(imported.mode).toBe('full');
    expect(await mirrorTitles(primary?.id ?? '')).toContain('Made in Outlook');

    await account.provider.createEvent(account.calendarId, write('Later in Outlook', 2));
    expect(
      await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: primary?.id ?? '' }),
    ).toMatchObject({ mode: 'incremental' });
    expect(await mirrorTitles(primary?.id ?? '')).toContain('Later in Outlook');
  });
});
