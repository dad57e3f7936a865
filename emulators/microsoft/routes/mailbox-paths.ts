import type { Context } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { GraphHttpError, malformedId, notFound } from '../graph-errors';
import type { CalendarRecord, InstanceView } from '../store-types';

/**
 * Graph reaches the same collections through several paths (`/me/events`, `/me/calendar/events`,
 * `/me/calendars/{id}/events`, and the same under `/users/{id}`); these helpers expand a route
 * into all of them and find the calendar and event a request names.
 */

export const MAILBOX_PREFIXES = ['/v1.0/me', '/v1.0/users/:userId'] as const;
export const CALENDAR_SCOPES = ['', '/calendar', '/calendars/:calendarId'] as const;

/** Every mailbox × calendar scope combination of a route suffix such as `/events/:eventId`. */
export function mailboxPaths(suffix: string): string[] {
  return MAILBOX_PREFIXES.flatMap((prefix) => CALENDAR_SCOPES.map((scope) => `${prefix}${scope}${suffix}`));
}

/** The calendar a path names, or the mailbox's default calendar. */
export function calendarOf(c: Context<EmulatorEnv>): CalendarRecord {
  const store = c.get('store');
  const mailbox = c.get('mailbox');
  const calendarId = c.req.param('calendarId');
  const calendar = calendarId
    ? store.calendars.get(decodeURIComponent(calendarId))
    : store.defaultCalendar(mailbox.id);
  if (!calendar || calendar.ownerId !== mailbox.id) throw notFound();
  return calendar;
}

/** The event (or occurrence) a path names; 400 for an id no store could have issued, else 404. */
export function eventOf(c: Context<EmulatorEnv>): InstanceView {
  const id = decodeURIComponent(c.req.param('eventId') ?? '');
  if (!/^AAMk[A-Za-z0-9\-_=]+$/.test(id)) throw malformedId();
  const view = c.get('store').findInstance(c.get('mailbox').id, id);
  if (!view) throw notFound();
  const calendarId = c.req.param('calendarId');
  if (calendarId && view.master.calendarId !== decodeURIComponent(calendarId)) throw notFound();
  return view;
}

/** `If-Match` against the event's etag (`W/"changeKey"`): 412 when it moved on. */
export function checkIfMatch(c: Context<EmulatorEnv>, view: InstanceView): void {
  const ifMatch = c.req.header('if-match');
  if (!ifMatch || ifMatch.trim() === '*') return;
  const bare = (value: string) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (bare(ifMatch) !== view.changeKey) {
    throw new GraphHttpError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}
