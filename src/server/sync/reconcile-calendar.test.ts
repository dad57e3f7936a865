import { InngestTestEngine } from '@inngest/test';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  LOOPBACK_ALLOWED,
  type EmulatorRegistry,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { testClient } from '@/tests/support/job-testbed';
import { startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { startXandikos, type XandikosServers } from '@/tests/support/xandikos';
import { calendarConnections, calendars, externalEvents } from '../db/schema';
import type { JobDeps } from '../jobs/definition';
import { reconcileCalendars } from '../jobs/functions/reconcile-calendars';
import { syncCalendar as syncCalendarJob } from '../jobs/functions/sync-calendar';
import { createJobFunction } from '../jobs/job-function';
import { createCalDavProvider } from '../providers/caldav';
import type { EventWrite } from '../providers/types';
import { refreshCalendarList } from './calendar-list';
import type { SyncDeps } from './deps';
import { listCalendarsDueForReconcile, reconcileCalendar, reconcileHourOf } from './reconcile-calendar';
import { syncCalendar } from './sync-calendar';
import { TEST_ANSWER_LINK_KEY, unusedMailer } from '@/tests/support/test-mail';

/**
 * The daily etag reconcile against real servers: a mirror that drifted without the server saying
 * so (an event missing, one stale, one the server no longer has) is brought back in line.
 */

const USER = { username: 'reconciler@example.org', password: 'reconciler-secret' };
const DAY = 86_400_000;
let database: TestDatabase;
let radicale: RadicaleServer;
let xandikos: XandikosServers;
let registry: EmulatorRegistry;
let deps: SyncDeps;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  [radicale, xandikos] = await Promise.all([
    startRadicale({ users: [USER] }),
    startXandikos({ users: [USER] }),
  ]);
  registry = createEmulatorRegistry({});
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  tenant = await createTestTenant(database.db, 'reconcile');
  await enableCalendarIntegration(database.db, tenant.tenantId);
});
afterAll(async () => {
  await Promise.all([radicale.close(), xandikos.close()]);
});

function write(title: string, startsInDays: number): EventWrite {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + startsInDays * DAY);
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + 3_600_000), timeZone: 'UTC' },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

async function mirror(calendarId: string) {
  return database.db
    .select({ externalId: externalEvents.externalId, title: externalEvents.title, etag: externalEvents.etag })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)))
    .orderBy(asc(externalEvents.title));
}

/** A connected, fully synced calendar holding three events, whose mirror is then made to drift. */
async function driftedCalendar(serverUrl: string, userId: string) {
  const credentials = {
    kind: 'caldav' as const,
    serverUrl,
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
  const { calendarIds } = await refreshCalendarList(deps, {
    tenantId: tenant.tenantId,
    connectionId: connection.id,
  });
  const [calendarId = ''] = calendarIds;
  const [calendar] = await database.db.select().from(calendars).where(eq(calendars.id, calendarId));
  const caldav = createCalDavProvider({ ...credentials, addressPolicy: LOOPBACK_ALLOWED });
  const missing = await caldav.createEvent(calendar!.externalId, write('Missing from the mirror', 1));
  const stale = await caldav.createEvent(calendar!.externalId, write('Stale in the mirror', 2));
  await caldav.createEvent(calendar!.externalId, write('In step', 3));
  await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId });
  const inCalendar = and(
    eq(externalEvents.tenantId, tenant.tenantId),
    eq(externalEvents.calendarId, calendarId),
  );
  await database.db
    .delete(externalEvents)
    .where(and(inCalendar, eq(externalEvents.externalId, missing.externalId)));
  await database.db
    .update(externalEvents)
    .set({ title: 'Old title', etag: '"old"' })
    .where(and(inCalendar, eq(externalEvents.externalId, stale.externalId)));
  const [template] = await database.db
    .select()
    .from(externalEvents)
    .where(and(inCalendar, eq(externalEvents.externalId, stale.externalId)));
  const { id: _id, ...row } = template!;
  await database.db
    .insert(externalEvents)
    .values({ ...row, externalId: 'ghost.ics', title: 'Gone from the server', etag: '"ghost"' });
  return { connectionId: connection.id, calendarId };
}

describe.each([
  ['Radicale', () => radicale.url, 'tutor'],
  ['Xandikos', () => xandikos.serverUrl(USER.username), 'admin'],
] as const)('the daily etag reconcile on %s', (_name, serverUrl, member) => {
  it('adds what the mirror lacks, refetches what changed, removes what the server no longer has', async () => {
    const { calendarId } = await driftedCalendar(serverUrl(), tenant[member].userId);
    expect(await reconcileCalendar(deps, { tenantId: tenant.tenantId, calendarId })).toEqual({
      outcome: 'reconciled',
      upserted: 2,
      removed: 1,
    });
    expect((await mirror(calendarId)).map((event) => event.title)).toEqual([
      'In step',
      'Missing from the mirror',
      'Stale in the mirror',
    ]);
    // Nothing left to fix.
    expect(await reconcileCalendar(deps, { tenantId: tenant.tenantId, calendarId })).toEqual({
      outcome: 'reconciled',
      upserted: 0,
      removed: 0,
    });
  });
});

describe('the reconcile job', () => {
  it('asks each CalDAV calendar once a day, in its own hour, and the sync job reconciles it', async () => {
    const learner = await createTestTenant(database.db, 'reconcile-job');
    await enableCalendarIntegration(database.db, learner.tenantId);
    const credentials = {
      kind: 'caldav' as const,
      serverUrl: radicale.url,
      username: USER.username,
      password: USER.password,
      email: USER.username,
    };
    const connection = await insertTestConnection(database.db, registry, {
      tenantId: learner.tenantId,
      userId: learner.learner.userId,
      provider: 'caldav',
      accountEmail: USER.username,
      credentials,
    });
    const { calendarIds } = await refreshCalendarList(deps, {
      tenantId: learner.tenantId,
      connectionId: connection.id,
    });
    const [calendarId = ''] = calendarIds;
    const hour = reconcileHourOf(calendarId);
    const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h, 0, 0));
    const dueIn = async (h: number) =>
      (await listCalendarsDueForReconcile(deps, at(h))).filter((due) => due.tenantId === learner.tenantId);

    expect(await dueIn(hour)).toEqual([
      { tenantId: learner.tenantId, connectionId: connection.id, calendarId },
    ]);
    expect(await dueIn((hour + 1) % 24)).toEqual([]);

    const recorded = new RecordingDispatcher();
    const jobDepsAt = (now: () => Date): JobDeps => ({
      ...deps,
      now,
      jobs: recorded,
      appUrl: 'http://127.0.0.1:3000',
      pollMinutes: 5,
      mailer: unusedMailer(),
      answerLinkKey: TEST_ANSWER_LINK_KEY,
    });
    const cron = await new InngestTestEngine({
      function: createJobFunction(
        testClient,
        reconcileCalendars,
        jobDepsAt(() => at(hour)),
      ),
    }).execute();
    expect(cron.error).toBeUndefined();
    const requests = recorded
      .sentOf('tandem/calendar.sync-requested')
      .filter((data) => data.tenantId === learner.tenantId);
    expect(requests).toEqual([
      { tenantId: learner.tenantId, connectionId: connection.id, calendarId, reason: 'reconcile' },
    ]);

    // The mirror drifts with no change at the server: only the reconcile step notices.
    await syncCalendar(deps, { tenantId: learner.tenantId, calendarId });
    await database.db.insert(externalEvents).values({
      tenantId: learner.tenantId,
      calendarId,
      externalId: 'ghost.ics',
      title: 'Gone from the server',
      status: 'confirmed',
      startAt: new Date(Date.now() + DAY),
      endAt: new Date(Date.now() + DAY + 3_600_000),
    });
    const sync = await new InngestTestEngine({
      function: createJobFunction(
        testClient,
        syncCalendarJob,
        jobDepsAt(() => new Date()),
      ),
    }).execute({
      events: [{ name: 'tandem/calendar.sync-requested', data: requests[0]! }],
    });
    expect(sync.error).toBeUndefined();
    expect(sync.result).toMatchObject({ calendarId, outcome: 'reconciled', removed: 1 });
    expect(await mirror(calendarId)).toEqual([]);

    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth' })
      .where(eq(calendarConnections.id, connection.id));
    expect(await dueIn(hour)).toEqual([]);
  });
});
