/**
 * events.list with its real query semantics: full listing (timeMin/timeMax window, singleEvents
 * expansion, orderBy only with singleEvents, showDeleted) and incremental sync (syncToken: the
 * parameters Google refuses with it, 410 fullSyncRequired for an unknown/expired token, cancelled
 * events in their minimal shape), paged with maxResults (default 250, at most 2500).
 */
import { z } from 'zod';
import { apiErrors } from './api-errors';
import { parseRfc3339, instantMs } from './event-time';
import { renderEvent, type RenderedEvent } from './event-view';
import { exceptionsByMaster, expansionLimit, overlaps, seriesInstances } from './instances';
import type { KeyedItem } from './listing-snapshots';
import { compareKeys, pad, readPageToken, sortedByKey } from './paging';
import type { GoogleStore } from './store';
import type { CalendarState, GEvent } from './types';

const bool = (name: string) =>
  z
    .enum(['true', 'false'], { error: `Invalid value for: ${name}` })
    .transform((value) => value === 'true')
    .optional();

export const listQuerySchema = z.object({
  timeMin: z.string().optional(),
  timeMax: z.string().optional(),
  updatedMin: z.string().optional(),
  singleEvents: bool('singleEvents'),
  showDeleted: bool('showDeleted'),
  orderBy: z.enum(['startTime', 'updated'], { error: 'Invalid value for: orderBy' }).optional(),
  maxResults: z.coerce.number({ error: 'Invalid value for: maxResults' }).int().optional(),
  pageToken: z.string().optional(),
  syncToken: z.string().optional(),
  q: z.string().optional(),
  iCalUID: z.string().optional(),
  timeZone: z.string().optional(),
  privateExtendedProperty: z.array(z.string()).optional(),
  sharedExtendedProperty: z.array(z.string()).optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

/** The parameters Google refuses together with syncToken (Events: list reference). */
const NOT_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
] as const;

export function parseListQuery(params: URLSearchParams): ListQuery {
  const multi = new Set(['privateExtendedProperty', 'sharedExtendedProperty']);
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys()))
    raw[key] = multi.has(key) ? params.getAll(key) : (params.get(key) ?? '');
  const parsed = listQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw apiErrors.badRequest(issue?.message ?? 'Bad Request', issue?.path.join('.'));
  }
  return parsed.data;
}

export interface EventsPage {
  items: RenderedEvent[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

/** The fields Google puts around every events listing (list and instances). */
export function eventsListEnvelope(store: GoogleStore, calendar: CalendarState) {
  return {
    kind: 'calendar#events',
    etag: `"${store.currentSeq()}"`,
    summary: calendar.summary,
    updated: store.clock.now().toISOString(),
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
  };
}

export function listEvents(store: GoogleStore, calendar: CalendarState, query: ListQuery): EventsPage {
  const maxResults = Math.min(query.maxResults ?? 250, 2500);
  if (maxResults < 1) throw apiErrors.badRequest('Invalid value for: maxResults', 'maxResults');
  const page = readPageToken(query.pageToken, store.currentSeq());
  return query.syncToken !== undefined
    ? incremental(store, calendar, query, query.syncToken, maxResults, page)
    : full(store, calendar, query, maxResults, page);
}

function incremental(
  store: GoogleStore,
  calendar: CalendarState,
  query: ListQuery,
  token: string,
  maxResults: number,
  page: ReturnType<typeof readPageToken>,
): EventsPage {
  for (const name of NOT_WITH_SYNC_TOKEN) {
    if (query[name] !== undefined)
      throw apiErrors.badRequest(`${name} is not allowed together with syncToken.`, name);
  }
  if (query.showDeleted === false)
    throw apiErrors.badRequest('showDeleted=false is not allowed together with syncToken.', 'showDeleted');
  const since = store.readSyncToken(calendar.id, token);
  if (since === null) throw apiErrors.fullSyncRequired();

  const changes = (): KeyedItem<GEvent>[] => {
    const entries: KeyedItem<GEvent>[] = [];
    for (const stored of calendar.events.values()) {
      if (stored.seq <= since || stored.seq > page.snapshotSeq) continue;
      const event = stored.resource;
      if (query.singleEvents && event.recurrence && event.status !== 'cancelled') {
        const limit = expansionLimit(event, calendar.timeZone, store.clock.nowMs());
        for (const instance of seriesInstances(calendar, stored, 0, limit, true)) {
          entries.push({ key: `${pad(stored.seq)}|${instance.id}`, item: instance });
        }
      } else {
        entries.push({ key: `${pad(stored.seq)}|${event.id}`, item: event });
      }
    }
    return entries.sort(compareKeys);
  };
  const { page: items, nextPageToken } = store.listings.page(
    listingScope(calendar, query),
    page,
    maxResults,
    changes,
  );
  return {
    items: items.map((entry) => renderEvent(entry.item, calendar, { minimalCancelled: true })),
    ...(nextPageToken
      ? { nextPageToken }
      : { nextSyncToken: store.syncToken(calendar.id, page.snapshotSeq) }),
  };
}

function full(
  store: GoogleStore,
  calendar: CalendarState,
  query: ListQuery,
  maxResults: number,
  page: ReturnType<typeof readPageToken>,
): EventsPage {
  const from = readBound(query.timeMin, 'timeMin') ?? 0;
  const to = readBound(query.timeMax, 'timeMax') ?? Number.POSITIVE_INFINITY;
  if (to <= from) throw apiErrors.timeRangeEmpty('timeMax');
  if (query.orderBy === 'startTime' && !query.singleEvents) {
    throw apiErrors.badRequest(
      'The requested ordering is not available for the particular query.',
      'orderBy',
    );
  }
  const updatedMin = readBound(query.updatedMin, 'updatedMin');
  // With updatedMin, deletions since then are always included (Events: list reference).
  const showDeleted = query.showDeleted === true || updatedMin !== null;
  const zone = calendar.timeZone;

  const listing = (): KeyedItem<GEvent>[] => {
    const exceptions = exceptionsByMaster(calendar);
    const events: GEvent[] = [];
    for (const stored of calendar.events.values()) {
      const event = stored.resource;
      if (updatedMin !== null && Date.parse(event.updated) < updatedMin) continue;
      if (event.recurringEventId) {
        if (query.singleEvents && calendar.events.has(event.recurringEventId)) continue; // comes with its series
        // Cancelled instances stay in a non-expanded listing even without showDeleted (Google documents this).
        if (event.status === 'cancelled' && query.singleEvents && !showDeleted) continue;
        if (inWindow(event, zone, from, to)) events.push(event);
      } else if (event.recurrence && event.status !== 'cancelled') {
        // Unbounded listings expand series only up to a horizon; a given timeMax is honoured as is.
        const expandTo = Number.isFinite(to) ? to : expansionLimit(event, zone, store.clock.nowMs());
        const instances = seriesInstances(
          calendar,
          stored,
          from,
          expandTo,
          showDeleted || !query.singleEvents,
          exceptions.get(event.id),
        );
        if (query.singleEvents) events.push(...instances);
        else if (instances.length > 0 || to === Number.POSITIVE_INFINITY) events.push(event);
      } else {
        if (event.status === 'cancelled' && !showDeleted) continue;
        if (inWindow(event, zone, from, to)) events.push(event);
      }
    }
    const key = (event: GEvent) =>
      query.orderBy === 'updated'
        ? `${pad(Date.parse(event.updated))}|${event.id}`
        : `${pad(instantMs(event.originalStartTime && event.status === 'cancelled' ? event.originalStartTime : event.start, zone))}|${event.id}`;
    return sortedByKey(
      events.filter((event) => matchesFilters(event, query)),
      key,
    );
  };
  const { page: items, nextPageToken } = store.listings.page(
    listingScope(calendar, query),
    page,
    maxResults,
    listing,
  );
  return {
    items: items.map((entry) => renderEvent(entry.item, calendar, { minimalCancelled: true })),
    ...(nextPageToken
      ? { nextPageToken }
      : { nextSyncToken: store.syncToken(calendar.id, page.snapshotSeq) }),
  };
}

/** What a page token may continue: the same query (all but paging) over the same calendar. */
function listingScope(calendar: CalendarState, query: ListQuery): string {
  const { pageToken: _pageToken, maxResults: _maxResults, ...rest } = query;
  return `events|${calendar.id}|${JSON.stringify(rest)}`;
}

function readBound(value: string | undefined, name: string): number | null {
  if (value === undefined) return null;
  const ms = parseRfc3339(value);
  if (ms === null) throw apiErrors.badRequest(`Invalid value for: ${name}`, name);
  return ms;
}

function inWindow(event: GEvent, zone: string, from: number, to: number): boolean {
  if (event.status === 'cancelled' && event.originalStartTime) {
    const original = instantMs(event.originalStartTime, zone);
    return original >= from - 86_400_000 && original < to;
  }
  return overlaps(event, zone, from, to);
}

function matchesFilters(event: GEvent, query: ListQuery): boolean {
  if (query.iCalUID && event.iCalUID !== query.iCalUID) return false;
  for (const pair of query.privateExtendedProperty ?? []) {
    const [name, value] = splitPair(pair);
    if (event.extendedProperties?.private?.[name] !== value) return false;
  }
  for (const pair of query.sharedExtendedProperty ?? []) {
    const [name, value] = splitPair(pair);
    if (event.extendedProperties?.shared?.[name] !== value) return false;
  }
  if (query.q) {
    const text = [
      event.summary,
      event.description,
      event.location,
      ...(event.attendees ?? []).map((a) => a.email),
    ]
      .join(' ')
      .toLowerCase();
    if (
      !query.q
        .toLowerCase()
        .split(/\s+/)
        .every((word) => text.includes(word))
    )
      return false;
  }
  return true;
}

function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
}
