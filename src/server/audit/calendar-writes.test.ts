/**
 * Every write Tandem makes to a third-party calendar lands in the audit log with its result:
 * through the real delivery job and answer job, against the Google emulator and a real Radicale.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '@/server/db/schema';
import { respondToMeeting } from '@/server/meetings/responses';
import { cancelMeeting } from '@/server/meetings/schedule';
import { useTestDatabase } from '@/tests/support/database';
import { send } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'audit-writes');
}, 60_000);
afterAll(() => t.close());

async function entriesOf(tenantId: string) {
  return t.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId)))
    .orderBy(asc(auditLog.at), asc(auditLog.seq));
}

describe('calendar writes in the audit log', () => {
  it('records create, answer and cancel: who, which meeting, which calendar, ok', async () => {
    const tenant = await t.freshTenant('writes');
    const leo = RADICALE_USERS[0];
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const learnerCalendar = await t.connect(tenant.learner, 'caldav', leo.address);

    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const created = await entriesOf(tenant.tenantId);
    expect(created).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'calendar.create',
          actorUserId: tenant.tutor.userId,
          targetUserId: tenant.tutor.userId,
          targetMeetingId: meeting.id,
          targetCalendarId: tutorCalendar.calendarId,
          targetConnectionId: tutorCalendar.connectionId,
          targetLabel: expect.stringMatching(/^Google Calendar · organizer@northbridge\.test · /),
          result: 'ok',
          reason: null,
        }),
        expect.objectContaining({
          action: 'calendar.create',
          actorUserId: tenant.tutor.userId,
          targetUserId: tenant.learner.userId,
          targetCalendarId: learnerCalendar.calendarId,
          result: 'ok',
        }),
      ]),
    );
    expect(created).toHaveLength(2);
    // No event content: the meeting's title is nowhere in the entries.
    expect(JSON.stringify(created)).not.toContain(meeting.title);

    const attendeeId = meeting.attendees[0]?.id ?? '';
    await respondToMeeting(
      t.database.db,
      tenant.learner,
      { id: meeting.id, response: 'accepted' },
      new Date(),
    );
    await t.driver.send({
      name: 'tandem/meeting.answered',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, attendeeId },
    });
    await t.driver.idle();
    const answered = (await entriesOf(tenant.tenantId)).filter((row) => row.action === 'calendar.answer');
    expect(answered).toEqual([
      expect.objectContaining({
        actorUserId: tenant.learner.userId,
        targetUserId: tenant.learner.userId,
        targetMeetingId: meeting.id,
        targetCalendarId: learnerCalendar.calendarId,
        result: 'ok',
      }),
    ]);

    await cancelMeeting(t.schedule, tenant.tutor, meeting.id);
    await t.driver.idle();
    const cancelled = (await entriesOf(tenant.tenantId)).filter((row) => row.action === 'calendar.cancel');
    expect(cancelled.map((row) => [row.targetCalendarId, row.result]).sort()).toEqual(
      [
        [tutorCalendar.calendarId, 'ok'],
        [learnerCalendar.calendarId, 'ok'],
      ].sort(),
    );
  });

  it('records a failed write with its reason in plain words', async () => {
    const tenant = await t.freshTenant('revoked');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.third);
    t.google.emulator.control.revokeGrants(GOOGLE_ACCOUNTS.third);
    try {
      const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
      expect(await entriesOf(tenant.tenantId)).toEqual([
        expect.objectContaining({
          action: 'calendar.create',
          actorUserId: tenant.tutor.userId,
          targetMeetingId: meeting.id,
          targetCalendarId: tutorCalendar.calendarId,
          result: 'failed',
          reason: 'Access was revoked: the calendar needs reconnecting.',
        }),
      ]);
    } finally {
      t.google.emulator.control.reset();
    }
  });
});
