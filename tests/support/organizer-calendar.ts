/**
 * Test support for convergence: the organiser's own calendar through the real adapter, acting as
 * their calendar app would (Google Calendar, Outlook, a CalDAV client), and the meeting's copy in it.
 */
import { and, eq } from 'drizzle-orm';
import { calendarConnections, calendars, meetingLinks, notifications } from '@/server/db/schema';
import type { CalendarProvider, EventWrite, ProviderEvent } from '@/server/providers/types';
import { syncCalendar } from '@/server/sync/sync-calendar';
import type { Actor } from '@/server/tenants/actor';
import type { DeliveryTestbed } from './delivery-testbed';

export async function organizersCalendar(t: DeliveryTestbed, calendarId: string) {
  const [row] = await t.database.db
    .select({ connection: calendarConnections, externalId: calendars.externalId })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(eq(calendars.id, calendarId));
  if (!row) throw new Error('no such calendar');
  const provider: CalendarProvider = await t.registry.forConnection(t.database.db, row.connection);
  return { provider, externalCalendarId: row.externalId };
}

export async function organizerCopyId(t: DeliveryTestbed, meetingId: string): Promise<string> {
  const [link] = await t.database.db
    .select({ externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meetingId), eq(meetingLinks.role, 'organizer')));
  if (!link?.externalId) throw new Error('the organiser copy was not written');
  return link.externalId;
}

/** The event as read, with `change` applied: what a calendar app writes back after an edit. */
export function rewrite(event: ProviderEvent, change: Partial<EventWrite>): EventWrite {
  return {
    title: event.title ?? '',
    description: event.description,
    location: event.location,
    onlineUrl: event.onlineUrl,
    time: event.time,
    recurrence: event.recurrence,
    attendees: event.attendees
      .filter((attendee) => !attendee.isOrganizer)
      .map((attendee) => ({ email: attendee.email, name: attendee.name, isOptional: attendee.isOptional })),
    tandemMeetingId: event.tandemMeetingId,
    iCalUid: event.iCalUid,
    sequence: (event.sequence ?? 0) + 1,
    notifyAttendees: true,
    ...change,
  };
}

/** One sync of the calendar, then everything it caused (delivery jobs) run. */
export async function syncOf(t: DeliveryTestbed, tenantId: string, calendarId: string) {
  const result = await syncCalendar({ ...t.sync, jobs: t.jobDeps.jobs }, { tenantId, calendarId });
  await t.driver.idle();
  return result;
}

export async function notificationsOf(t: DeliveryTestbed, actor: Actor) {
  return t.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, actor.tenantId), eq(notifications.userId, actor.userId)));
}
