/**
 * The job functions with their real services, against the real database and the Google emulator:
 * import of a connection (through @inngest/test's engine and through the inline driver), sync with
 * injected 429s retried after Retry-After, a retry replay that converges, channel renewal, polling.
 */
import { InngestTestEngine } from '@inngest/test';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calendarConnections, calendars, externalEvents, syncCursors, tenants } from '@/server/db/schema';
import { hashChannelToken } from '@/server/sync/push-channels';
import { useTestDatabase } from '@/tests/support/database';
import {
  ORGANIZER,
  startJobTestbed,
  testClient,
  timedEvent,
  type JobTestbed,
} from '@/tests/support/job-testbed';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { importConnection } from './functions/import-connection';
import { pollCalendars } from './functions/poll-calendars';
import { createJobFunction } from './job-function';

let t: JobTestbed;

beforeAll(async () => {
  t = await startJobTestbed(await useTestDatabase(), 'jobs');
});
afterAll(() => t.close());
beforeEach(async () => {
  t.bed.emulator.control.reset();
  t.sleeps.length = 0;
  t.webhookOutcomes.length = 0;
  await t.database.db.delete(calendarConnections).where(eq(calendarConnections.tenantId, t.tenant.tenantId));
});

async function cursorOf(calendarId: string) {
  const [row] = await t.database.db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.tenantId, t.tenant.tenantId), eq(syncCursors.calendarId, calendarId)));
  return row;
}

async function mirrorTitles(calendarId: string): Promise<(string | null)[]> {
  const rows = await t.database.db
    .select({ title: externalEvents.title })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, t.tenant.tenantId), eq(externalEvents.calendarId, calendarId)))
    .orderBy(asc(externalEvents.title));
  return rows.map((row) => row.title);
}

async function calendarIdsOf(connectionId: string): Promise<string[]> {
  const rows = await t.database.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(and(eq(calendars.tenantId, t.tenant.tenantId), eq(calendars.connectionId, connectionId)));
  return rows.map((row) => row.id);
}

describe('import-connection', () => {
  it('lists the calendars, asks for one import each, then opens a push channel per calendar (@inngest/test)', async () => {
    const connection = await t.connectGoogle();
    const recorded = new RecordingDispatcher();
    const engine = new InngestTestEngine({
      function: createJobFunction(testClient, importConnection, t.jobDeps(recorded)),
    });
    const { result, error } = await engine.execute({
      events: [
        {
          name: 'tandem/connection.added',
          data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
        },
      ],
    });
    expect(error).toBeUndefined();
    const calendarIds = await calendarIdsOf(connection.id);
    expect(calendarIds.length).toBeGreaterThan(0);
    expect(recorded.sentOf('tandem/calendar.sync-requested')).toEqual(
      calendarIds.map((calendarId) =>
        expect.objectContaining({ calendarId, connectionId: connection.id, reason: 'import' }),
      ),
    );
    expect(result).toMatchObject({ calendars: calendarIds.length });
    for (const calendarId of calendarIds) {
      const cursor = await cursorOf(calendarId);
      expect(cursor?.channelId).toBeTruthy();
      expect(cursor?.channelTokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(cursor?.channelExpiresAt?.getTime()).toBeGreaterThan(Date.now());
    }
    await t.bed.emulator.control.pushIdle();
    // Each new channel says hello (`sync`); the hello may race the channel's storing and is harmless either way.
    expect(t.bed.emulator.control.deliveries().filter((delivery) => delivery.state === 'sync')).toHaveLength(
      calendarIds.length,
    );
  });

  it('through the inline driver: imports the events', async () => {
    await t.google().createEvent(ORGANIZER, timedEvent('Existing appointment', 1, 9));
    const connection = await t.connectGoogle();
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const [primary] = await calendarIdsOf(connection.id);
    expect(await mirrorTitles(primary ?? '')).toEqual(['Existing appointment']);
    expect(t.webhookOutcomes).not.toContain('dispatched');
  });

  it('a retry replay: a failed push-channel step is re-run alone and the state converges', async () => {
    await t.google().createEvent(ORGANIZER, timedEvent('Before the fault', 2, 10));
    const connection = await t.connectGoogle();
    t.bed.emulator.control.preset('rate_limit_429', { pathIncludes: '/watch', retryAfterSeconds: 3 });
    const built = t.registry.built;
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const run = t.driver.runs.filter((entry) => entry.functionId === 'import-connection').at(-1);
    expect(run).toMatchObject({ status: 'completed', attempts: 2 });
    expect(t.sleeps).toContain(3_000);
    const calendarIds = await calendarIdsOf(connection.id);
    // One import request per calendar: the step that sent them was replayed, not re-run.
    const imports = t.driver.runs.filter(
      (entry) =>
        entry.functionId === 'sync-calendar' &&
        calendarIds.includes((entry.event.data as { calendarId: string }).calendarId),
    );
    expect(imports).toHaveLength(calendarIds.length);
    // refresh (1) + channel attempts (2 for the failed calendar, 1 for others) + one sync per calendar.
    expect(t.registry.built - built).toBe(1 + calendarIds.length + 1 + calendarIds.length);
    for (const calendarId of calendarIds) expect((await cursorOf(calendarId))?.channelId).toBeTruthy();
    expect(await mirrorTitles(calendarIds[0] ?? '')).toEqual(['Before the fault']);
  });
});

describe('sync-calendar', () => {
  it('retries a rate-limited sync after the provider Retry-After and ends with the same mirror', async () => {
    const connection = await t.connectGoogle();
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const [calendarId = ''] = await calendarIdsOf(connection.id);
    await t.google().createEvent(ORGANIZER, timedEvent('Added later', 3, 11));
    await t.settle();
    t.bed.emulator.control.preset('rate_limit_429', {
      retryAfterSeconds: 4,
      pathIncludes: '/events',
      times: 2,
    });
    await t.driver.send({
      name: 'tandem/calendar.sync-requested',
      data: { tenantId: t.tenant.tenantId, calendarId, reason: 'manual' },
    });
    await t.settle();
    expect(t.sleeps).toEqual([4_000, 4_000]);
    expect(t.driver.runs.at(-1)).toMatchObject({
      functionId: 'sync-calendar',
      status: 'completed',
      attempts: 3,
    });
    expect(await mirrorTitles(calendarId)).toEqual(['Added later']);
  });

  it('revoked access is not retried: the connection waits for reconnection and the mirror stays', async () => {
    await t.google().createEvent(ORGANIZER, timedEvent('Kept', 4, 9));
    const connection = await t.connectGoogle();
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const [calendarId = ''] = await calendarIdsOf(connection.id);
    t.bed.emulator.control.preset('revoked_grant', { email: ORGANIZER });
    await t.driver.send({
      name: 'tandem/calendar.sync-requested',
      data: { tenantId: t.tenant.tenantId, calendarId, reason: 'manual' },
    });
    await t.settle();
    expect(t.sleeps).toEqual([]);
    const [row] = await t.database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connection.id));
    expect(row?.status).toBe('needs_reauth');
    expect(await mirrorTitles(calendarId)).toEqual(['Kept']);
  });
});

describe('renew-channels', () => {
  it('renews channels close to expiry: a new channel, the old one stopped, pushes still reach the mirror', async () => {
    const connection = await t.connectGoogle();
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const [calendarId = ''] = await calendarIdsOf(connection.id);
    const before = await cursorOf(calendarId);
    await t.database.db
      .update(syncCursors)
      // The old channel has carried many messages; the new one numbers from 1 and must not look replayed.
      .set({ channelExpiresAt: new Date(Date.now() + 3_600_000), channelMessageNumber: 500 })
      .where(and(eq(syncCursors.tenantId, t.tenant.tenantId), eq(syncCursors.calendarId, calendarId)));
    const run = await t.driver.runCron('renew-channels');
    expect(run).toMatchObject({ status: 'completed', result: { renewed: 1, failed: 0 } });
    const after = await cursorOf(calendarId);
    expect(after?.channelId).not.toBe(before?.channelId);
    expect(after?.channelTokenHash).not.toBe(before?.channelTokenHash);
    expect(after?.channelExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    const live = (await (await fetch(`${t.bed.url}/__control/google/channels`)).json()) as {
      channels: { id: string }[];
    };
    expect(live.channels.map((channel) => channel.id)).not.toContain(before?.channelId);
    await t.google().createEvent(ORGANIZER, timedEvent('After renewal', 5, 14));
    await t.settle();
    expect(await mirrorTitles(calendarId)).toEqual(['After renewal']);
    expect(hashChannelToken('x')).toHaveLength(64);
  });
});

describe('poll-calendars', () => {
  it('asks for a sync of calendars without a push channel or not synced for an interval, tenant by tenant', async () => {
    const connection = await t.connectGoogle();
    await t.driver.send({
      name: 'tandem/connection.added',
      data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
    });
    await t.settle();
    const calendarIds = await calendarIdsOf(connection.id);
    const poll = () => {
      const recorded = new RecordingDispatcher();
      const engine = new InngestTestEngine({
        function: createJobFunction(testClient, pollCalendars, t.jobDeps(recorded)),
      });
      return engine
        .execute()
        .then(() => recorded.sentOf('tandem/calendar.sync-requested').map((data) => data.calendarId));
    };
    // Just synced, channels live: nothing to poll.
    expect(await poll()).toEqual([]);
    const [first = '', second] = calendarIds;
    await t.database.db
      .update(syncCursors)
      .set({ channelId: null, channelResourceId: null, channelTokenHash: null, channelExpiresAt: null })
      .where(and(eq(syncCursors.tenantId, t.tenant.tenantId), eq(syncCursors.calendarId, first)));
    if (second) {
      await t.database.db
        .update(calendars)
        .set({ lastSyncedAt: new Date(Date.now() - 6 * 60_000) })
        .where(and(eq(calendars.tenantId, t.tenant.tenantId), eq(calendars.id, second)));
    }
    expect((await poll()).sort()).toEqual([first, ...(second ? [second] : [])].sort());
    await t.database.db
      .update(tenants)
      .set({ calendarIntegrationEnabled: false })
      .where(eq(tenants.id, t.tenant.tenantId));
    expect(await poll()).toEqual([]);
    await t.database.db
      .update(tenants)
      .set({ calendarIntegrationEnabled: true })
      .where(eq(tenants.id, t.tenant.tenantId));
  });
});
