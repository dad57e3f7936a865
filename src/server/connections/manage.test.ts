import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetings,
  syncCursors,
  tenants,
} from '@/server/db/schema';
import type { CalendarProvider, PushChannel } from '@/server/providers/types';
import { seedActivity, type TenantActivity } from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf, TEST_KEY_RING } from '@/tests/support/api';
import {
  enableCalendarIntegration,
  seedConnection,
  type SeededConnection,
} from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { stubProviderRegistry } from '@/tests/support/stub-providers';
import type { ConnectionsOverview } from './manage';
import type { ProviderRegistry } from './provider-registry';

let database: TestDatabase;
let tenant: TestTenant;
let activity: TenantActivity;
let first: SeededConnection;
let second: SeededConnection;
let others: SeededConnection;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'manage');
  await enableCalendarIntegration(database.db, tenant.tenantId);
  activity = await seedActivity(database.db, tenant, 'manage');
  first = await seedConnection(database.db, tenant.learner, 'first');
  second = await seedConnection(database.db, tenant.learner, 'second');
  others = await seedConnection(database.db, tenant.otherLearner, 'others');
});

const call = (member: { userId: string; tenantId: string }, path: string, input: unknown, overrides = {}) =>
  callProcedure(database.db, sessionOf(member), `connections.${path}`, input, overrides);

async function writeTargets(ids: string[]) {
  const rows = await database.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(
      and(
        eq(calendars.tenantId, tenant.tenantId),
        inArray(calendars.id, ids),
        eq(calendars.isWriteTarget, true),
      ),
    );
  return rows.map((row) => row.id);
}

describe('list', () => {
  it('shows the member’s own connections and calendars, and never their credentials', async () => {
    const outcome = await call(tenant.learner, 'list', undefined);
    const overview = (outcome.ok ? outcome.value : null) as ConnectionsOverview;
    expect(overview.enabled).toBe(true);
    expect(overview.allowedProviders).toEqual(['google', 'microsoft', 'icloud', 'caldav', 'ews']);
    expect(overview.connections.map((connection) => connection.id)).toEqual([
      first.connectionId,
      second.connectionId,
    ]);
    expect(overview.connections[0]).toMatchObject({
      provider: 'caldav',
      accountEmail: 'first@dav.example.test',
      status: 'active',
      calendars: [
        {
          id: first.writableCalendarId,
          name: 'first work',
          show: true,
          busy: true,
          isWriteTarget: true,
          canWrite: true,
          syncState: 'ready',
        },
        { id: first.readOnlyCalendarId, name: 'first holidays', canWrite: false, isWriteTarget: false },
      ],
    });
    const text = JSON.stringify(overview);
    expect(text).not.toMatch(/password|encrypted|v1\.test\.|others/);
  });

  it('still lists connections when the integration is off, so they can be disconnected', async () => {
    const off = await createTestTenant(database.db, 'manage-off');
    const kept = await seedConnection(database.db, off.learner, 'kept');
    const outcome = await call(off.learner, 'list', undefined);
    expect(outcome.ok && outcome.value).toMatchObject({
      enabled: false,
      connections: [{ id: kept.connectionId }],
    });
    expect(describeOutcome(await call(off.learner, 'syncNow', { connectionId: kept.connectionId }))).toMatch(
      /^FORBIDDEN: Calendar connections are turned off/,
    );
    expect(describeOutcome(await call(off.learner, 'disconnect', { connectionId: kept.connectionId }))).toBe(
      'ok',
    );
  });
});

describe('updateCalendar', () => {
  it('keeps one write target per member: choosing one clears the others, not other people’s', async () => {
    const all = [first.writableCalendarId, second.writableCalendarId, others.writableCalendarId];
    expect(await writeTargets(all)).toEqual(
      expect.arrayContaining([
        first.writableCalendarId,
        second.writableCalendarId,
        others.writableCalendarId,
      ]),
    );
    const outcome = await call(tenant.learner, 'updateCalendar', {
      calendarId: second.writableCalendarId,
      isWriteTarget: true,
      show: false,
    });
    expect(outcome.ok && outcome.value).toMatchObject({
      id: second.writableCalendarId,
      isWriteTarget: true,
      show: false,
      busy: true,
    });
    expect((await writeTargets(all)).sort()).toEqual(
      [second.writableCalendarId, others.writableCalendarId].sort(),
    );

    await call(tenant.learner, 'updateCalendar', {
      calendarId: first.writableCalendarId,
      isWriteTarget: true,
    });
    expect((await writeTargets(all)).sort()).toEqual(
      [first.writableCalendarId, others.writableCalendarId].sort(),
    );
  });

  it('refuses a read-only write target, and another member’s calendar as not found', async () => {
    expect(
      describeOutcome(
        await call(tenant.learner, 'updateCalendar', {
          calendarId: first.readOnlyCalendarId,
          isWriteTarget: true,
        }),
      ),
    ).toBe(
      'BAD_REQUEST: The calendar “first holidays” is read-only, so it cannot receive new meetings. Choose another one.',
    );
    expect(
      describeOutcome(
        await call(tenant.learner, 'updateCalendar', { calendarId: others.writableCalendarId, show: false }),
      ),
    ).toBe('NOT_FOUND: Calendar not found');
    expect(await writeTargets([first.writableCalendarId])).toEqual([first.writableCalendarId]);
  });
});

describe('syncNow', () => {
  it('asks for a manual sync of each calendar of the connection', async () => {
    const jobs = new RecordingDispatcher();
    const outcome = await call(tenant.learner, 'syncNow', { connectionId: first.connectionId }, { jobs });
    expect(outcome.ok && outcome.value).toEqual({ calendarsQueued: 2 });
    expect(jobs.sentOf('tandem/calendar.sync-requested')).toEqual(
      expect.arrayContaining(
        [first.writableCalendarId, first.readOnlyCalendarId].map((calendarId) => ({
          tenantId: tenant.tenantId,
          calendarId,
          connectionId: first.connectionId,
          reason: 'manual',
        })),
      ),
    );
    expect(
      describeOutcome(
        await call(tenant.otherLearner, 'syncNow', { connectionId: first.connectionId }, { jobs }),
      ),
    ).toBe('NOT_FOUND: Calendar connection not found');
    expect(jobs.sent).toHaveLength(2);
  });

  it('asks for a reconnect first when access was revoked, and honours the provider list', async () => {
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth' })
      .where(
        and(
          eq(calendarConnections.tenantId, tenant.tenantId),
          eq(calendarConnections.id, second.connectionId),
        ),
      );
    expect(
      describeOutcome(await call(tenant.learner, 'syncNow', { connectionId: second.connectionId })),
    ).toMatch(/^CONFLICT: This calendar needs reconnecting/);
    await enableCalendarIntegration(database.db, tenant.tenantId, ['google']);
    expect(describeOutcome(await call(tenant.learner, 'syncNow', { connectionId: first.connectionId }))).toBe(
      'FORBIDDEN: Your organisation does not allow CalDAV connections.',
    );
    await enableCalendarIntegration(database.db, tenant.tenantId);
  });
});

describe('disconnect', () => {
  it('stops push, removes the connection, its calendars, cursors and mirror, and keeps Tandem’s meetings', async () => {
    // As if the first calendar had a Google push channel.
    await database.db
      .update(syncCursors)
      .set({
        channelId: 'channel-1',
        channelResourceId: 'resource-1',
        channelExpiresAt: new Date('2026-03-09T00:00:00Z'),
      })
      .where(
        and(eq(syncCursors.tenantId, tenant.tenantId), eq(syncCursors.calendarId, first.writableCalendarId)),
      );
    const stopped: PushChannel[] = [];
    const stub = stubProviderRegistry(TEST_KEY_RING);
    const providers: ProviderRegistry = {
      async forConnection(db, connection) {
        const provider = await stub.forConnection(db, connection);
        return new Proxy(provider, {
          get: (target, key) =>
            key === 'stopWatch'
              ? async (channel: PushChannel) => void stopped.push(channel)
              : target[key as keyof CalendarProvider],
        });
      },
    };
    const meetingsBefore = await database.db
      .select()
      .from(meetings)
      .where(eq(meetings.tenantId, tenant.tenantId));

    expect(
      describeOutcome(
        await call(tenant.otherLearner, 'disconnect', { connectionId: first.connectionId }, { providers }),
      ),
    ).toBe('NOT_FOUND: Calendar connection not found');
    expect(
      describeOutcome(
        await call(tenant.learner, 'disconnect', { connectionId: first.connectionId }, { providers }),
      ),
    ).toBe('ok');

    expect(stopped).toEqual([
      { channelId: 'channel-1', resourceId: 'resource-1', expiresAt: new Date('2026-03-09T00:00:00Z') },
    ]);
    const ids = [first.writableCalendarId, first.readOnlyCalendarId];
    expect(
      await database.db
        .select()
        .from(calendarConnections)
        .where(eq(calendarConnections.id, first.connectionId)),
    ).toEqual([]);
    expect(await database.db.select().from(calendars).where(inArray(calendars.id, ids))).toEqual([]);
    expect(await database.db.select().from(syncCursors).where(inArray(syncCursors.calendarId, ids))).toEqual(
      [],
    );
    expect(
      await database.db.select().from(externalEvents).where(eq(externalEvents.id, first.eventId)),
    ).toEqual([]);
    expect(await database.db.select().from(meetings).where(eq(meetings.tenantId, tenant.tenantId))).toEqual(
      meetingsBefore,
    );
    expect(meetingsBefore.map((meeting) => meeting.id)).toContain(activity.meetingId);
    // The other connections are untouched.
    expect(
      await database.db
        .select({ id: externalEvents.id })
        .from(externalEvents)
        .where(inArray(externalEvents.id, [second.eventId, others.eventId])),
    ).toHaveLength(2);
    expect(
      await database.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenant.tenantId)),
    ).toHaveLength(1);
  });
});
