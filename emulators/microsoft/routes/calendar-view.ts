import type { Hono } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { calendarViewInstances } from '../calendar-view';
import { eventJson } from '../event-json';
import { jsonOptions, nextSkipLink, paging, requiredWindow } from '../query-options';
import { calendarOf, MAILBOX_PREFIXES } from './mailbox-paths';

/** GET calendarView: occurrences expanded, window required, $top/$skip paging (default 10). */
export function registerCalendarViewRoutes(app: Hono<EmulatorEnv>): void {
  for (const prefix of MAILBOX_PREFIXES) {
    for (const scope of ['', '/calendar', '/calendars/:calendarId']) {
      app.get(`${prefix}${scope}/calendarView`, (c) => {
        const calendar = calendarOf(c);
        const window = requiredWindow(c);
        const { top, skip } = paging(c);
        const options = jsonOptions(c);
        const all = calendarViewInstances(c.get('store'), calendar.id, window, options.zone.iana);
        const value = all.slice(skip, skip + top).map((view) => eventJson(view, options));
        return c.json({
          '@odata.context': `${c.get('origin')}/v1.0/$metadata#Collection(event)`,
          value,
          ...(skip + top < all.length ? { '@odata.nextLink': nextSkipLink(c, skip + top) } : {}),
        });
      });
    }
  }
}
