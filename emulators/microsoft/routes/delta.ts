import type { Context, Hono } from 'hono';
import { DateTime } from 'luxon';
import type { EmulatorEnv } from '../app-env';
import { calendarViewInstances } from '../calendar-view';
import type { DeltaScope } from '../delta-state';
import { eventJson, removedJson } from '../event-json';
import { GraphHttpError } from '../graph-errors';
import { jsonOptions, requiredWindow } from '../query-options';
import { preferredPageSize } from '../time-zones';
import { calendarOf, MAILBOX_PREFIXES } from './mailbox-paths';

/**
 * calendarView/delta: a first request with the window, pages linked by `@odata.nextLink`
 * (`$skiptoken`), a last page with `@odata.deltaLink` (`$deltatoken`); later rounds report
 * changed instances and `@removed` ones. Expired tokens answer 410 syncStateNotFound.
 */

const DEFAULT_PAGE_SIZE = 10;
const REFUSED_OPTIONS = ['$select', '$filter', '$expand', '$orderby', '$search', '$top', '$skip'];

function syncStateGone(c: Context<EmulatorEnv>): GraphHttpError {
  return new GraphHttpError(
    410,
    'syncStateNotFound',
    'The sync state generation is not found. Restart the sync without a token.',
    {
      Location: `${c.get('origin')}${new URL(c.req.url).pathname}`,
    },
  );
}

function scopeMatches(c: Context<EmulatorEnv>, scope: DeltaScope, calendarId: string): boolean {
  return scope.mailboxId === c.get('mailbox').id && scope.calendarId === calendarId;
}

function respond(
  c: Context<EmulatorEnv>,
  scope: DeltaScope,
  items: { id: string; removed: boolean }[],
  seen: Map<string, string>,
) {
  const store = c.get('store');
  const pageSize = preferredPageSize(c.req.header('prefer')) ?? DEFAULT_PAGE_SIZE;
  const options = { ...jsonOptions(c), extendedPropertyIds: null };
  const pageItems = items.slice(0, pageSize);
  const rest = items.slice(pageSize);
  if (preferredPageSize(c.req.header('prefer')))
    c.header('Preference-Applied', `odata.maxpagesize=${pageSize}`);
  const value = pageItems.map((item) => {
    const view = item.removed ? null : store.findInstance(scope.mailboxId, item.id);
    return view ? eventJson(view, options) : removedJson(item.id);
  });
  const link = `${c.get('origin')}${new URL(c.req.url).pathname}`;
  const body: Record<string, unknown> = {
    '@odata.context': `${c.get('origin')}/v1.0/$metadata#Collection(event)`,
    value,
  };
  if (rest.length > 0) {
    body['@odata.nextLink'] =
      `${link}?$skiptoken=${store.deltaTokens.issuePage({ ...scope, seen, items: rest })}`;
  } else {
    body['@odata.deltaLink'] = `${link}?$deltatoken=${store.deltaTokens.issueDelta({ ...scope, seen })}`;
  }
  return c.json(body);
}

function handleDelta(c: Context<EmulatorEnv>) {
  for (const option of REFUSED_OPTIONS) {
    if (c.req.query(option) !== undefined) {
      throw new GraphHttpError(
        400,
        'ErrorInvalidUrlQuery',
        `The query parameter '${option}' is not supported with change tracking over the 'CalendarView' resource.`,
      );
    }
  }
  const store = c.get('store');
  const calendar = calendarOf(c);
  const skipToken = c.req.query('$skiptoken') ?? c.req.query('$skipToken');
  if (skipToken) {
    const page = store.deltaTokens.page(skipToken);
    if (!page || !scopeMatches(c, page, calendar.id)) throw syncStateGone(c);
    return respond(c, page, page.items, page.seen);
  }
  const deltaToken = c.req.query('$deltatoken') ?? c.req.query('$deltaToken');
  let scope: DeltaScope;
  let previous: Map<string, string> | null = null;
  if (deltaToken) {
    const round = store.deltaTokens.delta(deltaToken);
    if (!round || !scopeMatches(c, round, calendar.id)) throw syncStateGone(c);
    scope = round;
    previous = round.seen;
  } else {
    const window = requiredWindow(c);
    scope = {
      mailboxId: c.get('mailbox').id,
      calendarId: calendar.id,
      start: window.start.toISO() ?? '',
      end: window.end.toISO() ?? '',
    };
  }
  const window = {
    start: DateTime.fromISO(scope.start, { zone: 'utc' }),
    end: DateTime.fromISO(scope.end, { zone: 'utc' }),
  };
  const current = calendarViewInstances(store, calendar.id, window, jsonOptions(c).zone.iana);
  const seen = new Map(current.map((view) => [view.id, view.changeKey]));
  const items = current
    .filter((view) => previous?.get(view.id) !== view.changeKey)
    .map((view) => ({ id: view.id, removed: false }));
  if (previous) {
    for (const id of previous.keys()) if (!seen.has(id)) items.push({ id, removed: true });
  }
  return respond(c, scope, items, seen);
}

export function registerDeltaRoutes(app: Hono<EmulatorEnv>): void {
  for (const prefix of MAILBOX_PREFIXES) {
    for (const scope of ['', '/calendar', '/calendars/:calendarId']) {
      app.get(`${prefix}${scope}/calendarView/delta`, handleDelta);
    }
  }
}
