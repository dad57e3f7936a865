/**
 * Calendar API v3 routes about calendars: users/me/calendarList (list, get), calendars.get and
 * freeBusy (query).
 */
import type { Hono } from 'hono';
import { requireScope, SCOPES, type GoogleEnv } from './api-auth';
import { apiErrors } from './api-errors';
import { queryFreeBusy } from './freebusy';
import type { GoogleStore } from './store';
import type { CalendarState } from './types';

export function mountCalendarRoutes(app: Hono<GoogleEnv>, store: GoogleStore): void {
  app.get('/calendar/v3/users/me/calendarList', (c) => {
    requireScope(c, SCOPES.listCalendars);
    return c.json({
      kind: 'calendar#calendarList',
      etag: `"${store.currentSeq()}"`,
      nextSyncToken: store.syncToken('calendarList', store.currentSeq()),
      items: c.get('account').calendars.map(listEntry),
    });
  });

  app.get('/calendar/v3/users/me/calendarList/:calendarId', (c) => {
    requireScope(c, SCOPES.listCalendars);
    const calendar = store.calendarFor(c.get('account'), c.req.param('calendarId'));
    if (!calendar) throw apiErrors.notFound();
    return c.json(listEntry(calendar));
  });

  app.get('/calendar/v3/calendars/:calendarId', (c) => {
    requireScope(c, SCOPES.listCalendars);
    const calendar = store.calendarFor(c.get('account'), c.req.param('calendarId'));
    if (!calendar) throw apiErrors.notFound();
    return c.json({
      kind: 'calendar#calendar',
      etag: `"${calendar.resourceId}"`,
      id: calendar.id,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    });
  });

  app.post('/calendar/v3/freeBusy', async (c) => {
    requireScope(c, SCOPES.freeBusy);
    return c.json(queryFreeBusy(store, await c.req.json().catch(() => ({}))));
  });
}

function listEntry(calendar: CalendarState): Record<string, unknown> {
  return {
    kind: 'calendar#calendarListEntry',
    etag: `"${calendar.resourceId}"`,
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
    colorId: calendar.colorId,
    backgroundColor: calendar.backgroundColor,
    foregroundColor: calendar.foregroundColor,
    selected: true,
    accessRole: 'owner',
    defaultReminders: calendar.primary ? [{ method: 'popup', minutes: 10 }] : [],
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    // Google sends `primary` only on the primary calendar.
    ...(calendar.primary ? { primary: true, notificationSettings: { notifications: [] } } : {}),
  };
}
