/**
 * Calendar API v3 events routes under /calendar/v3/calendars/{calendarId}/events:
 * list, get, insert, update (PUT), patch, delete, instances and watch.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { requireScope, SCOPES, type GoogleEnv } from './api-auth';
import { apiErrors } from './api-errors';
import { parseEventBody } from './event-body';
import { deleteEvent, insertEvent, writeEvent, type WriteTarget } from './event-service';
import { renderEvent } from './event-view';
import { eventsListEnvelope, listEvents, parseListQuery } from './events-list';
import { expansionLimit, resolveEvent, seriesInstances } from './instances';
import { pad, readPageToken, sortedByKey } from './paging';
import { parseRfc3339, instantMs } from './event-time';
import type { PushChannels } from './push-channels';
import type { SendUpdates } from './propagation';
import type { GoogleStore } from './store';
import type { CalendarState, GEvent } from './types';

const BASE = '/calendar/v3/calendars/:calendarId/events';

const sendUpdatesSchema = z
  .enum(['all', 'externalOnly', 'none'], { error: 'Invalid value for: sendUpdates' })
  .optional();

export function mountEventRoutes(app: Hono<GoogleEnv>, store: GoogleStore, channels: PushChannels): void {
  const calendarOf = (c: Context<GoogleEnv>): CalendarState => {
    const calendar = store.calendarFor(c.get('account'), c.req.param('calendarId') ?? '');
    if (!calendar) throw apiErrors.notFound();
    return calendar;
  };
  const target = (c: Context<GoogleEnv>): WriteTarget => ({
    store,
    account: c.get('account'),
    calendar: calendarOf(c),
    sendUpdates: readSendUpdates(c),
  });
  const json = (c: Context<GoogleEnv>, body: Record<string, unknown>, status: 200 = 200) => {
    if (typeof body['etag'] === 'string') c.header('ETag', body['etag']);
    return c.json(body, status);
  };

  app.get(BASE, (c) => {
    requireScope(c, SCOPES.readEvents);
    const calendar = calendarOf(c);
    const page = listEvents(store, calendar, parseListQuery(new URL(c.req.url).searchParams));
    return c.json({ ...eventsListEnvelope(store, calendar), ...page });
  });

  app.post(`${BASE}/watch`, async (c) => {
    requireScope(c, SCOPES.readEvents);
    const channel = channels.create(c.get('account'), calendarOf(c), await readJson(c));
    return c.json({
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? { token: channel.token } : {}),
      expiration: String(channel.expirationMs),
    });
  });

  app.post(BASE, async (c) => {
    requireScope(c, SCOPES.writeEvents);
    const stored = insertEvent(target(c), parseEventBody(await readJson(c)));
    return json(c, renderEvent(stored.resource, calendarOf(c)));
  });

  app.get(`${BASE}/:eventId/instances`, (c) => {
    requireScope(c, SCOPES.readEvents);
    const calendar = calendarOf(c);
    const resolved = resolveEvent(calendar, c.req.param('eventId'));
    if (!resolved || resolved.kind !== 'stored') throw apiErrors.notFound();
    if (resolved.stored.resource.status === 'cancelled') throw apiErrors.deleted();
    const query = instancesQuery.safeParse(c.req.query());
    if (!query.success) throw apiErrors.badRequest(query.error.issues[0]?.message ?? 'Bad Request');
    const from = query.data.timeMin ? parseRfc3339(query.data.timeMin) : 0;
    const to = query.data.timeMax
      ? parseRfc3339(query.data.timeMax)
      : expansionLimit(resolved.stored.resource, calendar.timeZone, store.clock.nowMs());
    if (from === null || to === null) throw apiErrors.badRequest('Invalid value for: timeMin/timeMax');
    const master = resolved.stored;
    const instances = () =>
      master.resource.recurrence
        ? seriesInstances(calendar, master, from, to, query.data.showDeleted === 'true')
        : [];
    const key = (event: GEvent) =>
      `${pad(instantMs(event.originalStartTime ?? event.start, calendar.timeZone))}|${event.id}`;
    const max = Math.min(Math.max(query.data.maxResults ?? 250, 1), 2500);
    const state = readPageToken(query.data.pageToken, store.currentSeq());
    const { pageToken: _pageToken, maxResults: _maxResults, ...rest } = query.data;
    const scope = `instances|${calendar.id}|${master.resource.id}|${JSON.stringify(rest)}`;
    const { page, nextPageToken } = store.listings.page(scope, state, max, () =>
      sortedByKey(instances(), key),
    );
    return c.json({
      ...eventsListEnvelope(store, calendar),
      ...(nextPageToken ? { nextPageToken } : {}),
      items: page.map((entry) => renderEvent(entry.item, calendar, { minimalCancelled: true })),
    });
  });

  app.get(`${BASE}/:eventId`, (c) => {
    requireScope(c, SCOPES.readEvents);
    const calendar = calendarOf(c);
    const resolved = resolveEvent(calendar, c.req.param('eventId'));
    if (!resolved) throw apiErrors.notFound();
    const event = resolved.kind === 'stored' ? resolved.stored.resource : resolved.instance;
    if (c.req.header('if-none-match') === event.etag) return c.body(null, 304);
    // events.get returns cancelled events too, in full.
    return json(c, renderEvent(event, calendar));
  });

  for (const [method, mode] of [
    ['put', 'update'],
    ['patch', 'patch'],
  ] as const) {
    app[method](`${BASE}/:eventId`, async (c) => {
      requireScope(c, SCOPES.writeEvents);
      const stored = writeEvent(
        target(c),
        c.req.param('eventId'),
        parseEventBody(await readJson(c)),
        mode,
        c.req.header('if-match'),
      );
      return json(c, renderEvent(stored.resource, calendarOf(c)));
    });
  }

  app.delete(`${BASE}/:eventId`, (c) => {
    requireScope(c, SCOPES.writeEvents);
    deleteEvent(target(c), c.req.param('eventId'), c.req.header('if-match'));
    return c.body(null, 204);
  });

  app.post('/calendar/v3/channels/stop', async (c) => {
    channels.stop(c.get('account'), await readJson(c));
    return c.body(null, 204);
  });
}

const instancesQuery = z.object({
  timeMin: z.string().optional(),
  timeMax: z.string().optional(),
  maxResults: z.coerce.number().int().optional(),
  pageToken: z.string().optional(),
  showDeleted: z.enum(['true', 'false']).optional(),
});

function readSendUpdates(c: Context<GoogleEnv>): SendUpdates {
  const parsed = sendUpdatesSchema.safeParse(c.req.query('sendUpdates'));
  if (!parsed.success) throw apiErrors.badRequest('Invalid value for: sendUpdates', 'sendUpdates');
  // The deprecated sendNotifications=true means sendUpdates=all.
  return parsed.data ?? (c.req.query('sendNotifications') === 'true' ? 'all' : 'none');
}

async function readJson(c: Context<GoogleEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiErrors.badRequest('Parse Error');
  }
}
