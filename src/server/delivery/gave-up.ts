import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { meetingAttendees, meetingLinks, meetings, users } from '@/server/db/schema';
import { announceNotifications, notifyUsers } from '@/server/notifications/notify';
import type { MeetingRef } from './meeting-state';
import { deliveryWords } from './words';

/**
 * The deliver-meeting job used up its retries (its `onFailure`): whoever it was still trying to
 * reach is marked "could not deliver" in plain words instead of "retrying" for ever, the copies
 * still pending are marked failed, and the organiser is told whom it did not reach. A later
 * change of the meeting starts a new delivery, which tries again.
 */
export async function markDeliveryGaveUp(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  ref: MeetingRef,
): Promise<{ failed: number }> {
  const { db } = deps;
  const at = deps.now();
  const notified = await db.transaction(async (tx) => {
    const [meeting] = await tx
      .select({
        id: meetings.id,
        title: meetings.title,
        startsAt: meetings.startsAt,
        organizerId: meetings.organizerId,
      })
      .from(meetings)
      .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, ref.meetingId)));
    if (!meeting) return null;
    const stuck = await tx
      .update(meetingAttendees)
      .set({ deliveryState: 'failed', deliveryDetail: deliveryWords.gaveUp })
      .where(
        and(
          eq(meetingAttendees.tenantId, ref.tenantId),
          eq(meetingAttendees.meetingId, ref.meetingId),
          inArray(meetingAttendees.deliveryState, ['pending', 'retrying']),
        ),
      )
      .returning({
        id: meetingAttendees.id,
        userId: meetingAttendees.userId,
        email: meetingAttendees.email,
        name: meetingAttendees.name,
      });
    const pendingLinks = await tx
      .update(meetingLinks)
      .set({ state: 'failed', lastError: deliveryWords.gaveUp, updatedAt: at })
      .where(
        and(
          eq(meetingLinks.tenantId, ref.tenantId),
          eq(meetingLinks.meetingId, ref.meetingId),
          eq(meetingLinks.state, 'pending'),
        ),
      )
      .returning({ role: meetingLinks.role });
    if (stuck.length === 0 && pendingLinks.length === 0) return { ids: [], failed: 0 };
    const memberIds = stuck.flatMap((row) => (row.userId ? [row.userId] : []));
    const names =
      memberIds.length === 0
        ? []
        : await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, memberIds));
    const missed = stuck.map((row) => ({
      attendeeId: row.id,
      name: names.find((user) => user.id === row.userId)?.name ?? row.name,
      email: row.email,
    }));
    const ids = await notifyUsers(tx, ref.tenantId, [meeting.organizerId], 'meeting_delivery_failed', {
      meetingId: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt.toISOString(),
      attendeeName:
        missed.length > 0 ? missed.map((person) => person.name ?? person.email).join(', ') : 'your calendar',
      detail: deliveryWords.gaveUp.replace(/^could not deliver: /, ''),
      calendar: pendingLinks.some((link) => link.role === 'organizer') ? 'organizer' : 'attendee',
      attendees: missed,
    });
    return { ids, failed: stuck.length };
  });
  if (!notified) return { failed: 0 };
  await announceNotifications(deps.jobs, ref.tenantId, notified.ids);
  return { failed: notified.failed };
}
