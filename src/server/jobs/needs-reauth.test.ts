/**
 * A connection waiting for reconnection is left alone by every background path: sync, the poll
 * schedule and push channels. Its grant is left valid at the emulator on purpose, so that only
 * Tandem's own `needs_reauth` rule stands between the job and the provider: any request the
 * emulator counts, or any change to the mirror or the channel, means the rule was skipped.
 */
import { InngestTestEngine } from '@inngest/test';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@/tests/support/database';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import {
  ORGANIZER,
  startJobTestbed,
  testClient,
  timedEvent,
  type JobTestbed,
} from '@/tests/support/job-testbed';
import { calendarConnections, calendars, externalEvents, syncCursors } from '../db/schema';
import { ensurePushChannel, renewExpiringChannels, renewPushChannel } from '../sync/push-channels';
import { listCalendarsDueForPoll } from '../sync/poll-schedule';
import { syncCalendar } from '../sync/sync-calendar';
import { pollCalendars } from './functions/poll-calendars';
import { createJobFunction } from './job-function';

let t: JobTestbed;
let connectionId: string;
let calendarIds: string[];

beforeAll(async () => {
  t = await startJobTestbed(await useTestDatabase(), 'reauth');
});
afterAll(() => t.close());

beforeEach(async () => {
  t.bed.emulator.control.reset();
  await t.database.db.delete(calendarConnections).where(eq(calendarConnections.tenantId, t.tenant.tenantId));
  await t.google().createEvent(ORGANIZER, timedEvent('Imported', 1, 9));
  const connection = await t.connectGoogle();
  connectionId = connection.id;
  await t.driver.send({
    name: 'tandem/connection.added',
    data: { tenantId: t.tenant.tenantId, connectionId },
  });
  await t.settle();
  const rows = await t.database.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(and(eq(calendars.tenantId, t.tenant.tenantId), eq(calendars.connectionId, connectionId)));
  calendarIds = rows.map((row) => row.id).sort();
  expect(calendarIds.length).toBeGreaterThan(0);
});

async function setStatus(status: 'active' | 'needs_reauth'): Promise<void> {
  await t.database.db
    .update(calendarConnections)
    .set({ status })
    .where(
      and(eq(calendarConnections.tenantId, t.tenant.tenantId), eq(calendarConnections.id, connectionId)),
    );
}

async function mirror() {
  return t.database.db
    .select()
    .from(externalEvents)
    .where(eq(externalEvents.tenantId, t.tenant.tenantId))
    .orderBy(asc(externalEvents.id));
}

async function cursors() {
  return t.database.db
    .select()
    .from(syncCursors)
    .where(eq(syncCursors.tenantId, t.tenant.tenantId))
    .orderBy(asc(syncCursors.calendarId));
}

/** Every calendar of the connection looks due: no channel and not synced for an hour. */
async function makeEveryCalendarDue(): Promise<void> {
  await t.database.db
    .update(syncCursors)
    .set({ channelId: null, channelResourceId: null, channelTokenHash: null, channelExpiresAt: null })
    .where(eq(syncCursors.tenantId, t.tenant.tenantId));
  await t.database.db
    .update(calendars)
    .set({ lastSyncedAt: new Date(Date.now() - 3_600_000) })
    .where(eq(calendars.tenantId, t.tenant.tenantId));
}

async function expireChannelsWithin(ms: number): Promise<void> {
  await t.database.db
    .update(syncCursors)
    .set({ channelExpiresAt: new Date(Date.now() + ms) })
    .where(eq(syncCursors.tenantId, t.tenant.tenantId));
}

describe('a connection in needs_reauth', () => {
  it('is not synced: the service and the job skip it without a provider call, and the mirror stays', async () => {
    await setStatus('needs_reauth');
    await t.google().createEvent(ORGANIZER, timedEvent('Added while waiting', 2, 10));
    await t.settle();
    const before = await mirror();
    const built = t.registry.built;
    t.bed.emulator.control.resetRequestCounts();

    for (const calendarId of calendarIds) {
      expect(await syncCalendar(t.deps, { tenantId: t.tenant.tenantId, calendarId })).toMatchObject({
        mode: 'skipped',
        outcome: 'needs_reauth',
      });
      await t.driver.send({
        name: 'tandem/calendar.sync-requested',
        data: { tenantId: t.tenant.tenantId, calendarId, connectionId, reason: 'manual' },
      });
    }
    await t.settle();

    expect(t.driver.runs.at(-1)).toMatchObject({ functionId: 'sync-calendar', status: 'completed' });
    expect(t.bed.emulator.control.requestCounts().total).toBe(0);
    expect(t.registry.built).toBe(built);
    expect(await mirror()).toEqual(before);

    // Reconnected, the same request reaches Google and brings the event in.
    await setStatus('active');
    await syncCalendar(t.deps, { tenantId: t.tenant.tenantId, calendarId: calendarIds[0] ?? '' });
    expect((await mirror()).map((row) => row.title)).toContain('Added while waiting');
  });

  it('is not polled, however due its calendars are', async () => {
    await makeEveryCalendarDue();
    const poll = async () => {
      const recorded = new RecordingDispatcher();
      const engine = new InngestTestEngine({
        function: createJobFunction(testClient, pollCalendars, t.jobDeps(recorded)),
      });
      const { error } = await engine.execute();
      expect(error).toBeUndefined();
      return recorded
        .sentOf('tandem/calendar.sync-requested')
        .map((data) => data.calendarId)
        .sort();
    };
    // Active, every calendar is due: the empty answer below is the status, not the schedule.
    expect(await poll()).toEqual(calendarIds);

    await setStatus('needs_reauth');
    expect(await poll()).toEqual([]);
    expect(await listCalendarsDueForPoll(t.deps, { pollMinutes: 5 })).toEqual([]);
  });

  it('gets no push channel renewed or made, by the cron or on request', async () => {
    await expireChannelsWithin(3_600_000);
    await setStatus('needs_reauth');
    const before = await cursors();
    const deps = { ...t.deps, appUrl: t.appUrl };
    t.bed.emulator.control.resetRequestCounts();

    expect(await t.driver.runCron('renew-channels')).toMatchObject({
      status: 'completed',
      result: { renewed: 0, failed: 0 },
    });
    expect(await renewExpiringChannels(deps)).toEqual({ renewed: 0, failed: 0 });
    for (const calendarId of calendarIds) {
      // Graph's reauthorizationRequired and subscriptionRemoved come here, whatever the status.
      expect(await renewPushChannel(deps, { tenantId: t.tenant.tenantId, calendarId })).toEqual({
        status: 'skipped',
      });
      expect(
        await renewPushChannel(deps, { tenantId: t.tenant.tenantId, calendarId, recreate: true }),
      ).toEqual({ status: 'skipped' });
    }
    expect(await cursors()).toEqual(before);

    // With no channel at all, none is made either.
    await makeEveryCalendarDue();
    const cleared = await cursors();
    for (const calendarId of calendarIds) {
      expect(await ensurePushChannel(deps, { tenantId: t.tenant.tenantId, calendarId })).toEqual({
        status: 'skipped',
      });
    }
    expect(await cursors()).toEqual(cleared);
    expect(t.bed.emulator.control.requestCounts().total).toBe(0);

    // Reconnected, the same call makes the channel: the skip above was the status.
    await setStatus('active');
    expect(
      await ensurePushChannel(deps, { tenantId: t.tenant.tenantId, calendarId: calendarIds[0] ?? '' }),
    ).toEqual({ status: 'created' });
  });
});
