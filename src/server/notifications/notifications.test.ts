import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifications, users } from '@/server/db/schema';
import { InvalidInputError } from '@/server/errors';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { listNotifications, markAllRead, markRead, NOTIFICATIONS_PAGE_SIZE, unreadCount } from './inbox';
import { announceNotifications, notifyUsers, NotificationOutbox } from './notify';
import { listPreferences, setPreference } from './preferences';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T08:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

async function rowsOf(tenant: TestTenant, userId: string) {
  return database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenant.tenantId), eq(notifications.userId, userId)));
}

describe('notifyUsers', () => {
  it('records a bell item per person and returns the ids of those to email, by each kind’s default', async () => {
    const tenant = await createTestTenant(database.db, 'defaults');
    const invited = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.learner.userId],
      'meeting_invited',
      {
        meetingId: crypto.randomUUID(),
        title: 'Weekly check-in',
      },
    );
    const answered = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.tutor.userId],
      'meeting_response',
      {
        title: 'Weekly check-in',
        response: 'accepted',
      },
    );
    // Invitations are emailed by default, answers are not; both are in the bell.
    expect(invited).toHaveLength(1);
    expect(answered).toEqual([]);
    expect(await unreadCount(database.db, tenant.learner)).toBe(1);
    expect(await unreadCount(database.db, tenant.tutor)).toBe(1);
  });

  it('respects a person’s choice: off in Tandem keeps the row for email only; off for both records nothing', async () => {
    const tenant = await createTestTenant(database.db, 'choices');
    await setPreference(database.db, tenant.learner, { kind: 'meeting_invited', inApp: false }, now);
    await setPreference(
      database.db,
      tenant.otherLearner,
      { kind: 'meeting_invited', inApp: false, email: false },
      now,
    );
    const ids = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.learner.userId, tenant.otherLearner.userId],
      'meeting_invited',
      { title: 'Review' },
    );
    expect(ids).toHaveLength(1);
    expect(await rowsOf(tenant, tenant.learner.userId)).toEqual([
      expect.objectContaining({ id: ids[0], shownInApp: false }),
    ]);
    expect(await rowsOf(tenant, tenant.otherLearner.userId)).toEqual([]);
    expect(await unreadCount(database.db, tenant.learner)).toBe(0);
    expect((await listNotifications(database.db, tenant.learner)).items).toEqual([]);
  });

  it('announces nothing itself: the caller sends the ids after commit, 500 to an event', async () => {
    const jobs = new RecordingDispatcher();
    const outbox = new NotificationOutbox();
    const ids = Array.from({ length: 501 }, () => crypto.randomUUID());
    outbox.add(north.tenantId, ids.slice(0, 300));
    outbox.add(north.tenantId, ids.slice(300));
    outbox.add(north.tenantId, []);
    await outbox.announce(jobs);
    expect(jobs.sentOf('tandem/notifications.created').map((data) => data.notificationIds.length)).toEqual([
      500, 1,
    ]);
    jobs.clear();
    await announceNotifications(jobs, north.tenantId, []);
    expect(jobs.sent).toEqual([]);
  });

  it('rolls back with the transaction that made it', async () => {
    const tenant = await createTestTenant(database.db, 'rollback');
    await expect(
      database.db.transaction(async (tx) => {
        await notifyUsers(tx, tenant.tenantId, [tenant.learner.userId], 'meeting_invited', { title: 'X' });
        throw new InvalidInputError('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await rowsOf(tenant, tenant.learner.userId)).toEqual([]);
  });
});

describe('the bell', () => {
  it('says in plain words who answered what, with the comment, and links to the meeting', async () => {
    const meetingId = crypto.randomUUID();
    await notifyUsers(database.db, north.tenantId, [north.tutor.userId], 'meeting_response', {
      meetingId,
      title: 'Weekly check-in',
      attendeeId: north.learner.userId,
      response: 'declined',
      comment: 'I have a GP appointment',
    });
    const [item] = (await listNotifications(database.db, north.tutor)).items;
    expect(item).toMatchObject({
      kind: 'meeting_response',
      text: 'north learner declined Weekly check-in: ‘I have a GP appointment’',
      href: `/calendar?meeting=${meetingId}`,
      readAt: null,
    });
  });

  it('writes delivery failures and reconnects plainly, and dates in the reader’s zone and format', async () => {
    const tenant = await createTestTenant(database.db, 'plain');
    await database.db
      .update(users)
      .set({ timeZone: 'America/New_York', locale: 'en-US' })
      .where(eq(users.id, tenant.tutor.userId));
    await notifyUsers(database.db, tenant.tenantId, [tenant.tutor.userId], 'meeting_delivery_failed', {
      meetingId: crypto.randomUUID(),
      title: 'Weekly check-in',
      attendeeName: 'Aisha Khan',
      detail: 'Reconnect needed',
    });
    await notifyUsers(database.db, tenant.tenantId, [tenant.tutor.userId], 'meeting_cancelled', {
      meetingId: crypto.randomUUID(),
      title: 'Review',
      startsAt: '2026-03-03T15:00:00Z',
    });
    await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.tutor.userId, tenant.admin.userId],
      'connection_needs_reauth',
      { provider: 'microsoft', accountEmail: 'tutor@work.test', ownerUserId: tenant.tutor.userId },
    );
    const texts = (await listNotifications(database.db, tenant.tutor)).items.map((item) => item.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Could not deliver Weekly check-in to Aisha Khan: reconnect needed',
        'Review on Tue, Mar 3, 10:00 AM was cancelled',
        'Your Microsoft calendar (tutor@work.test) needs reconnecting',
      ]),
    );
    const [adminItem] = (await listNotifications(database.db, tenant.admin)).items;
    expect(adminItem?.text).toBe('plain tutor’s Microsoft calendar (tutor@work.test) needs reconnecting');
    expect(adminItem?.href).toBe('/settings/calendars');
  });

  it('pages newest first, 20 at a time, without losing or repeating any made in the same instant', async () => {
    const tenant = await createTestTenant(database.db, 'pages');
    const at = new Date('2026-03-01T09:00:00Z');
    await database.db.insert(notifications).values(
      Array.from({ length: 45 }, (_, i) => ({
        tenantId: tenant.tenantId,
        userId: tenant.learner.userId,
        kind: 'meeting_invited',
        payload: { title: `Meeting ${i}` },
        // Three at each instant, so ties cross page boundaries.
        createdAt: new Date(at.getTime() + Math.floor(i / 3) * 1000),
      })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listNotifications(database.db, tenant.learner, { cursor });
      expect(page.items.length).toBeLessThanOrEqual(NOTIFICATIONS_PAGE_SIZE);
      seen.push(...page.items.map((item) => item.text));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(seen[0]).toMatch(/^You are invited to Meeting 4[2-4]$/);
    expect(seen.at(-1)).toMatch(/^You are invited to Meeting [0-2]$/);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(listNotifications(database.db, north.learner, { cursor: 'drop table' })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('marks read only the person’s own, then all', async () => {
    const tenant = await createTestTenant(database.db, 'reads');
    const mine = await notifyUsers(database.db, tenant.tenantId, [tenant.learner.userId], 'meeting_invited', {
      title: 'A',
    });
    await notifyUsers(database.db, tenant.tenantId, [tenant.learner.userId], 'meeting_invited', {
      title: 'B',
    });
    const theirs = await notifyUsers(database.db, south.tenantId, [south.learner.userId], 'meeting_invited', {
      title: 'C',
    });
    expect(await markRead(database.db, tenant.learner, [...mine, ...theirs], now)).toEqual({ unread: 1 });
    expect(await unreadCount(database.db, south.learner)).toBeGreaterThan(0);
    expect(
      (await rowsOf(south, south.learner.userId)).find((row) => row.id === theirs[0])?.readAt,
    ).toBeNull();
    expect(await markAllRead(database.db, tenant.learner, now)).toEqual({ unread: 0 });
    expect(await unreadCount(database.db, tenant.learner)).toBe(0);
  });
});

describe('preferences', () => {
  it('lists every kind with a label and its default, and keeps one side when the other changes', async () => {
    const tenant = await createTestTenant(database.db, 'prefs');
    const before = await listPreferences(database.db, tenant.tutor);
    expect(before.map((row) => row.kind)).toEqual([
      'meeting_invited',
      'meeting_updated',
      'meeting_cancelled',
      'meeting_response',
      'meeting_counter_proposed',
      'meeting_change_overridden',
      'meeting_delivery_failed',
      'connection_needs_reauth',
      'calendar_connected_by_organisation',
    ]);
    expect(before.find((row) => row.kind === 'meeting_response')).toMatchObject({
      inApp: true,
      email: false,
    });
    expect(before.every((row) => row.label.length > 10)).toBe(true);
    await setPreference(database.db, tenant.tutor, { kind: 'meeting_response', email: true }, now);
    await setPreference(database.db, tenant.tutor, { kind: 'meeting_response', inApp: false }, now);
    const after = await listPreferences(database.db, tenant.tutor);
    expect(after.find((row) => row.kind === 'meeting_response')).toMatchObject({ inApp: false, email: true });
    // Someone else's choices are their own.
    const other = await listPreferences(database.db, tenant.learner);
    expect(other.find((row) => row.kind === 'meeting_response')).toMatchObject({ inApp: true, email: false });
  });
});
