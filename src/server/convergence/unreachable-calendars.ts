import { and, eq, gt, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  meetingAttendees,
  meetingLinks,
  meetingLostCalendars,
  meetings,
  users,
  type ConnectionProvider,
} from '@/server/db/schema';

/**
 * Calendars Tandem can no longer update for a meeting (DESIGN.md §4 rule 6, issue 12): the
 * organiser's copy, or a copy Tandem placed in an attendee's CalDAV calendar, in a calendar whose
 * connection needs reconnecting or was disconnected. The meeting keeps working inside Tandem; it
 * says plainly which calendars fall behind. Copies the organiser's provider delivered are not
 * listed: that provider keeps them up to date, not Tandem.
 */

const CALENDAR_NAMES: Record<ConnectionProvider, string> = {
  google: 'Google',
  microsoft: 'Outlook',
  icloud: 'iCloud',
  caldav: 'CalDAV',
  ews: 'Exchange',
};

/** Links Tandem writes: the organiser's copy, or a copy it placed itself. */
const writtenByTandem = or(
  eq(meetingLinks.role, 'organizer'),
  eq(meetingAttendees.deliveryMethod, 'tandem_copy'),
);

const stillToCome = (now: Date) => or(gt(meetings.endsAt, now), isNotNull(meetings.recurrence));

/**
 * Before a connection is deleted (its calendars and links go with it): which meetings to come
 * lose a copy Tandem kept up to date. Idempotent.
 */
export async function rememberLostCalendars(
  db: Executor,
  ref: { tenantId: string; connectionId: string },
  now: Date,
): Promise<void> {
  const rows = await db
    .selectDistinct({
      meetingId: meetingLinks.meetingId,
      userId: calendarConnections.userId,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
      role: meetingLinks.role,
    })
    .from(meetingLinks)
    .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .innerJoin(meetings, eq(meetings.id, meetingLinks.meetingId))
    .leftJoin(meetingAttendees, eq(meetingAttendees.id, meetingLinks.attendeeId))
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(calendarConnections.id, ref.connectionId),
        eq(meetings.status, 'scheduled'),
        stillToCome(now),
        writtenByTandem,
      ),
    );
  if (rows.length === 0) return;
  await db
    .insert(meetingLostCalendars)
    .values(rows.map((row) => ({ ...row, tenantId: ref.tenantId, lostAt: now })))
    .onConflictDoNothing();
}

/** The same account connected again: its meetings are no longer said to be lost. */
export async function forgetLostCalendars(
  db: Executor,
  account: { tenantId: string; userId: string; provider: ConnectionProvider; accountEmail: string },
): Promise<void> {
  await db
    .delete(meetingLostCalendars)
    .where(
      and(
        eq(meetingLostCalendars.tenantId, account.tenantId),
        eq(meetingLostCalendars.userId, account.userId),
        eq(meetingLostCalendars.provider, account.provider),
        eq(meetingLostCalendars.accountEmail, account.accountEmail),
      ),
    );
}

export interface CalendarNotUpdated {
  /** Whose calendar it is. */
  ownerId: string | null;
  text: string;
}

/**
 * Per meeting, one plain sentence per calendar Tandem cannot update: "Not updated in Priya
 * Shah's Outlook calendar: it needs reconnecting", "Not updated in your Google calendar: it was
 * disconnected" (the viewer's own calendar is "your").
 */
export async function calendarsNotUpdated(
  db: Executor,
  viewer: { tenantId: string; userId: string },
  meetingIds: string[],
): Promise<Map<string, CalendarNotUpdated[]>> {
  const result = new Map<string, CalendarNotUpdated[]>();
  if (meetingIds.length === 0) return result;
  const ownerName = sql<string>`coalesce(${users.name}, ${users.email})`;
  const [reconnect, lost] = await Promise.all([
    db
      .selectDistinct({
        meetingId: meetingLinks.meetingId,
        userId: calendarConnections.userId,
        name: ownerName,
        provider: calendarConnections.provider,
      })
      .from(meetingLinks)
      .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
      .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
      .innerJoin(users, eq(users.id, calendarConnections.userId))
      .leftJoin(meetingAttendees, eq(meetingAttendees.id, meetingLinks.attendeeId))
      .where(
        and(
          eq(meetingLinks.tenantId, viewer.tenantId),
          inArray(meetingLinks.meetingId, meetingIds),
          eq(calendarConnections.status, 'needs_reauth'),
          writtenByTandem,
        ),
      ),
    db
      .select({
        meetingId: meetingLostCalendars.meetingId,
        userId: meetingLostCalendars.userId,
        name: ownerName,
        provider: meetingLostCalendars.provider,
      })
      .from(meetingLostCalendars)
      .leftJoin(users, eq(users.id, meetingLostCalendars.userId))
      .where(
        and(
          eq(meetingLostCalendars.tenantId, viewer.tenantId),
          inArray(meetingLostCalendars.meetingId, meetingIds),
        ),
      ),
  ]);
  const add = (
    row: { meetingId: string; userId: string | null; name: string | null; provider: ConnectionProvider },
    why: string,
  ) => {
    const whose = row.userId === viewer.userId ? 'your' : `${row.name ?? 'someone'}’s`;
    const sentence = `Not updated in ${whose} ${CALENDAR_NAMES[row.provider]} calendar: ${why}`;
    const entry = { ownerId: row.userId, text: sentence };
    result.set(row.meetingId, [...(result.get(row.meetingId) ?? []), entry]);
  };
  for (const row of reconnect) add(row, 'it needs reconnecting');
  for (const row of lost) add(row, 'it was disconnected');
  return result;
}
