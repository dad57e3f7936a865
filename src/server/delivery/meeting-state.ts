import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendars,
  meetingAttendees,
  meetingLinks,
  meetingOccurrences,
  meetings,
  users,
} from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { decideDelivery, type AttendeeForDelivery, type CalendarTarget, type DeliveryPlan } from './decide';
import { loadWriteTargets } from './targets';

export type DeliveryMeeting = typeof meetings.$inferSelect;

export interface DeliveryAttendee extends AttendeeForDelivery {
  /** The address recorded on the attendee row (their calendar address when invited). */
  recordedEmail: string;
  isOptional: boolean;
  response: (typeof meetingAttendees.$inferSelect)['response'];
  deliveredSequence: number | null;
  deliveryState: (typeof meetingAttendees.$inferSelect)['deliveryState'];
}

export interface DeliveryState {
  meeting: DeliveryMeeting;
  organizer: { userId: string; name: string | null; email: string };
  attendees: DeliveryAttendee[];
  plan: DeliveryPlan;
  /** A series' occurrence exceptions (meeting_occurrences), by original start. */
  occurrences: (typeof meetingOccurrences.$inferSelect)[];
}

export interface MeetingRef {
  tenantId: string;
  meetingId: string;
}

/**
 * A meeting as delivery sees it now: its fields, its people with their write targets, and the
 * decision who delivers to whom. Every step reads it afresh, so a step replayed later acts on what
 * is true then (a newer version, a reconnected calendar), and step outputs stay small.
 */
export async function loadDeliveryState(db: Executor, ref: MeetingRef): Promise<DeliveryState> {
  const [row] = await db
    .select({ meeting: meetings, organizerName: users.name, organizerEmail: users.email })
    .from(meetings)
    .innerJoin(users, eq(users.id, meetings.organizerId))
    .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, ref.meetingId)))
    .limit(1);
  if (!row) throw new NotFoundError('Meeting not found');
  const attendeeRows = await db
    .select({
      attendee: meetingAttendees,
      userName: users.name,
      userEmail: users.email,
    })
    .from(meetingAttendees)
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(and(eq(meetingAttendees.tenantId, ref.tenantId), eq(meetingAttendees.meetingId, ref.meetingId)))
    .orderBy(asc(meetingAttendees.email));
  const memberIds = [
    row.meeting.organizerId,
    ...attendeeRows.flatMap(({ attendee }) => (attendee.userId ? [attendee.userId] : [])),
  ];
  const targets = await loadWriteTargets(db, ref.tenantId, memberIds);
  const organizer = {
    userId: row.meeting.organizerId,
    name: row.organizerName,
    email: row.organizerEmail,
  };
  const attendees: DeliveryAttendee[] = attendeeRows.map(({ attendee, userName, userEmail }) => ({
    attendeeId: attendee.id,
    userId: attendee.userId,
    name: userName ?? attendee.name,
    // A member is reached at their calendar address as it is now; a guest at their own address.
    email: userEmail ?? attendee.email,
    writeTarget: attendee.userId ? usableTarget(targets.get(attendee.userId)) : null,
    recordedEmail: attendee.email,
    isOptional: attendee.isOptional,
    response: attendee.response,
    deliveredSequence: attendee.deliveredSequence,
    deliveryState: attendee.deliveryState,
  }));
  const organizerTarget = await whereTheCopyIs(db, ref, targets.get(organizer.userId) ?? null);
  const plan = decideDelivery({ ...organizer, writeTarget: organizerTarget }, attendees);
  const occurrences = row.meeting.recurrence?.length
    ? await db
        .select()
        .from(meetingOccurrences)
        .where(
          and(eq(meetingOccurrences.tenantId, ref.tenantId), eq(meetingOccurrences.meetingId, ref.meetingId)),
        )
        .orderBy(asc(meetingOccurrences.originalStartsAt))
    : [];
  return { meeting: row.meeting, organizer, attendees, plan, occurrences };
}

/**
 * The organiser's copy stays in the calendar it is in when that is another writable calendar of
 * the same account (the organiser moved it there: convergence/replaced-copies.ts): writing to the
 * write target instead would make a second copy.
 */
async function whereTheCopyIs(
  db: Executor,
  ref: MeetingRef,
  target: CalendarTarget | null,
): Promise<CalendarTarget | null> {
  if (!target) return null;
  const placed = await db
    .select({ calendarId: meetingLinks.calendarId })
    .from(meetingLinks)
    .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, ref.meetingId),
        eq(meetingLinks.role, 'organizer'),
        eq(meetingLinks.state, 'written'),
        isNotNull(meetingLinks.externalId),
        eq(calendars.connectionId, target.connectionId),
        eq(calendars.canWrite, true),
      ),
    );
  // A copy in the write target itself stays the one written (a second one elsewhere is a copy
  // the organiser made, not where the meeting moved).
  if (placed.length === 0 || placed.some((link) => link.calendarId === target.calendarId)) return target;
  return { ...target, calendarId: placed[0]!.calendarId };
}

/** An attendee whose calendar needs reconnecting is reached by email meanwhile. */
function usableTarget(target: CalendarTarget | undefined): CalendarTarget | null {
  return target && !target.needsReconnect ? target : null;
}
