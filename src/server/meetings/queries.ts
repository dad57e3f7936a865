import { and, asc, eq, exists, gt, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  meetingAttendees,
  meetingLinks,
  meetings,
  users,
  type MeetingLinkState,
  type AttendeeResponseValue,
  type DeliveryMethod,
  type DeliveryState,
  type ResponseChannel,
} from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { attendeeDisplayName } from '@/server/meetings/attendee-name';
import { calendarsNotUpdated } from '@/server/convergence/unreachable-calendars';

export type Meeting = typeof meetings.$inferSelect;

export interface MeetingAttendeeView {
  /** The meeting_attendees row. */
  id: string;
  /** Null for an outside guest. */
  userId: string | null;
  name: string | null;
  email: string;
  isOptional: boolean;
  response: AttendeeResponseValue;
  respondedAt: Date | null;
  respondedVia: ResponseChannel | null;
  /** With `respondedVia = 'provider'`: google, microsoft, caldav, icloud… */
  respondedProvider: string | null;
  comment: string | null;
  proposedStartsAt: Date | null;
  proposedEndsAt: Date | null;
  delivery: { method: DeliveryMethod | null; state: DeliveryState; detail: string | null };
}

/** The organiser's copy in their own calendar, as delivery left it (null: no calendar, or not the organiser asking). */
export interface OrganizerCopyView {
  state: MeetingLinkState;
  /** "Google Calendar", "Microsoft Outlook"…, with the calendar's name. */
  calendarLabel: string;
  /** Plain words: "in Google Calendar", "waiting for Google (retrying)", "could not deliver: …". */
  detail: string;
}

export interface MeetingView extends Meeting {
  organizer: { id: string; name: string | null; email: string };
  organizerCopy: OrganizerCopyView | null;
  attendees: MeetingAttendeeView[];
  /** The caller's part in it. */
  myRole: 'organizer' | 'attendee';
  /** The caller's own answer when they are an attendee. */
  myResponse: AttendeeResponseValue | null;
  /**
   * Calendars Tandem can no longer update for this meeting, in plain words (needs reconnecting,
   * disconnected): all of them for the organiser, the caller's own for an attendee.
   */
  calendarsNotUpdated: string[];
}

/**
 * Meetings the actor organises or is invited to, overlapping the range, with every answer. A
 * recurring meeting is listed (as its series) when it starts before the range ends: whether an
 * occurrence falls in the range is for its expansion to say (recurrence/occurrences.ts).
 */
export async function listMeetings(db: Executor, actor: Actor, range: DateRange): Promise<MeetingView[]> {
  const rows = await db
    .select()
    .from(meetings)
    .where(
      and(
        eq(meetings.tenantId, actor.tenantId),
        lt(meetings.startsAt, range.to),
        or(gt(meetings.endsAt, range.from), isNotNull(meetings.recurrence)),
        visibleTo(db, actor),
      ),
    )
    .orderBy(asc(meetings.startsAt));
  return withPeople(db, actor, rows);
}

export async function getMeeting(db: Executor, actor: Actor, id: string): Promise<MeetingView> {
  const rows = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, id), visibleTo(db, actor)))
    .limit(1);
  const [view] = await withPeople(db, actor, rows);
  if (!view) throw new NotFoundError('Meeting not found');
  return view;
}

function visibleTo(db: Executor, actor: Actor) {
  return or(
    eq(meetings.organizerId, actor.userId),
    exists(
      db
        .select({ one: meetingAttendees.id })
        .from(meetingAttendees)
        .where(
          and(
            eq(meetingAttendees.tenantId, actor.tenantId),
            eq(meetingAttendees.meetingId, meetings.id),
            eq(meetingAttendees.userId, actor.userId),
          ),
        ),
    ),
  );
}

/** Two queries for any number of meetings: attendees and organisers are loaded in bulk. */
async function withPeople(db: Executor, actor: Actor, rows: Meeting[]): Promise<MeetingView[]> {
  if (rows.length === 0) return [];
  const meetingIds = rows.map((row) => row.id);
  const organizerIds = [...new Set(rows.map((row) => row.organizerId))];
  const [attendeeRows, organizerRows, copyRows, notUpdated] = await Promise.all([
    db
      .select({
        meetingId: meetingAttendees.meetingId,
        id: meetingAttendees.id,
        userId: meetingAttendees.userId,
        email: meetingAttendees.email,
        name: attendeeDisplayName,
        isOptional: meetingAttendees.isOptional,
        response: meetingAttendees.response,
        respondedAt: meetingAttendees.respondedAt,
        respondedVia: meetingAttendees.respondedVia,
        respondedProvider: meetingAttendees.respondedProvider,
        comment: meetingAttendees.comment,
        proposedStartsAt: meetingAttendees.proposedStartsAt,
        proposedEndsAt: meetingAttendees.proposedEndsAt,
        deliveryMethod: meetingAttendees.deliveryMethod,
        deliveryState: meetingAttendees.deliveryState,
        deliveryDetail: meetingAttendees.deliveryDetail,
      })
      .from(meetingAttendees)
      .leftJoin(users, eq(users.id, meetingAttendees.userId))
      .where(
        and(eq(meetingAttendees.tenantId, actor.tenantId), inArray(meetingAttendees.meetingId, meetingIds)),
      )
      .orderBy(asc(meetingAttendees.email)),
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(inArray(users.id, organizerIds)),
    db
      .select({
        meetingId: meetingLinks.meetingId,
        state: meetingLinks.state,
        lastError: meetingLinks.lastError,
        provider: calendarConnections.provider,
        calendarName: calendars.name,
      })
      .from(meetingLinks)
      .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
      .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
      .where(
        and(
          eq(meetingLinks.tenantId, actor.tenantId),
          eq(meetingLinks.role, 'organizer'),
          inArray(meetingLinks.meetingId, meetingIds),
        ),
      ),
    calendarsNotUpdated(db, actor, meetingIds),
  ]);
  const copies = new Map(
    copyRows.map((row): [string, OrganizerCopyView] => {
      const label = PROVIDER_LABELS[row.provider];
      const detail = row.lastError ?? (row.state === 'written' ? `in ${label}` : `not yet in ${label}`);
      return [row.meetingId, { state: row.state, calendarLabel: `${label} (${row.calendarName})`, detail }];
    }),
  );
  const organizers = new Map(organizerRows.map((row) => [row.id, row]));
  return rows.map((meeting) => {
    const attendees = attendeeRows
      .filter((row) => row.meetingId === meeting.id)
      .map(({ meetingId: _meetingId, deliveryMethod, deliveryState, deliveryDetail, ...attendee }) => ({
        ...attendee,
        delivery: { method: deliveryMethod, state: deliveryState, detail: deliveryDetail },
      }));
    const organizer = organizers.get(meeting.organizerId) ?? {
      id: meeting.organizerId,
      name: null,
      email: '',
    };
    const mine = attendees.find((attendee) => attendee.userId === actor.userId);
    return {
      ...meeting,
      organizer,
      // Which calendar the organiser uses is theirs to see; attendees see only their own delivery.
      organizerCopy: meeting.organizerId === actor.userId ? (copies.get(meeting.id) ?? null) : null,
      attendees,
      myRole: meeting.organizerId === actor.userId ? 'organizer' : 'attendee',
      myResponse: mine?.response ?? null,
      calendarsNotUpdated: (notUpdated.get(meeting.id) ?? [])
        .filter((entry) => meeting.organizerId === actor.userId || entry.ownerId === actor.userId)
        .map((entry) => entry.text),
    };
  });
}
