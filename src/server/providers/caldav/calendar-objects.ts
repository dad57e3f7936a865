import { calendarQuery, fetchCalendarObjects, propfind, syncCollection, type DAVResponse } from 'tsdav';
import { ProviderNotFoundError, ProviderProtocolError } from '../errors';
import type { TimeWindow } from '../types';
import { errorFromThrown } from './errors';
import { objectNameOf, objectUrl } from './ids';

/**
 * The WebDAV/CalDAV requests on one calendar collection, through tsdav with our `fetch`
 * (credentials, redirects, typed errors). Objects are named relative to their collection.
 */

export interface StoredObject {
  name: string;
  etag: string | null;
  data: string;
}

export interface CollectionState {
  syncToken: string | null;
  ctag: string | null;
}

export interface SyncDelta {
  changed: Map<string, string | null>;
  removed: Set<string>;
  syncToken: string;
}

export class CalendarCollection {
  constructor(
    readonly url: string,
    private readonly davFetch: typeof fetch,
  ) {}

  async state(): Promise<CollectionState> {
    const [response] = await this.guard('PROPFIND', () =>
      propfind({
        url: this.url,
        props: { 'd:sync-token': {}, 'cs:getctag': {} },
        depth: '0',
        fetch: this.davFetch,
      }),
    );
    return { syncToken: textOrNull(response?.props?.syncToken), ctag: textOrNull(response?.props?.getctag) };
  }

  /** How many objects the collection holds (PROPFIND, depth 1: one href each). */
  async countMembers(): Promise<number> {
    const responses = await this.guard('PROPFIND', () =>
      propfind({ url: this.url, props: { 'd:getetag': {} }, depth: '1', fetch: this.davFetch }),
    );
    return this.members(responses).filter((response) => response.ok).length;
  }

  /** Names and etags of the objects with a VEVENT in the window (calendar-query, time-range). */
  async listInWindow(window: TimeWindow): Promise<Map<string, string | null>> {
    const responses = await this.guard('REPORT calendar-query', () =>
      calendarQuery({
        url: this.url,
        props: { 'd:getetag': {} },
        filters: {
          'comp-filter': {
            _attributes: { name: 'VCALENDAR' },
            'comp-filter': {
              _attributes: { name: 'VEVENT' },
              'time-range': { _attributes: { start: utcStamp(window.start), end: utcStamp(window.end) } },
            },
          },
        },
        depth: '1',
        fetch: this.davFetch,
      }),
    );
    const found = new Map<string, string | null>();
    for (const response of this.members(responses)) {
      if (response.ok) found.set(objectNameOf(response.href ?? ''), textOrNull(response.props?.getetag));
    }
    return found;
  }

  /** calendar-multiget of the named objects; names the server no longer has are left out. */
  async fetchObjects(names: string[]): Promise<StoredObject[]> {
    if (names.length === 0) return [];
    const objects = await this.guard('REPORT calendar-multiget', () =>
      fetchCalendarObjects({
        calendar: { url: this.url },
        objectUrls: names.map((name) => objectUrl(this.url, name)),
        // tsdav keeps only `.ics` hrefs by default; servers may name objects otherwise.
        urlFilter: () => true,
        fetch: this.davFetch,
      }),
    );
    return objects
      .filter((object) => typeof object.data === 'string' && object.data.includes('BEGIN:VCALENDAR'))
      .map((object) => ({
        name: objectNameOf(object.url),
        etag: textOrNull(object.etag),
        data: object.data as string,
      }));
  }

  /** All objects overlapping the window, with their data. */
  async fetchInWindow(window: TimeWindow): Promise<StoredObject[]> {
    return this.fetchObjects([...(await this.listInWindow(window)).keys()]);
  }

  async get(name: string): Promise<StoredObject> {
    const response = await this.guard('GET', () =>
      this.davFetch(objectUrl(this.url, name), { method: 'GET' }),
    );
    return { name, etag: response.headers.get('etag'), data: await response.text() };
  }

  /** PUT with If-None-Match: * (create) or If-Match (update). Returns the new etag when the server tells it. */
  async put(
    name: string,
    data: string,
    precondition: { create: true } | { etag: string | null },
  ): Promise<string | null> {
    const headers: Record<string, string> = { 'content-type': 'text/calendar; charset=utf-8' };
    if ('create' in precondition) headers['if-none-match'] = '*';
    else if (precondition.etag) headers['if-match'] = precondition.etag;
    const response = await this.guard('PUT', () =>
      this.davFetch(objectUrl(this.url, name), { method: 'PUT', headers, body: data }),
    );
    return response.headers.get('etag');
  }

  async delete(name: string, etag: string | null): Promise<void> {
    const headers: Record<string, string> = etag ? { 'if-match': etag } : {};
    await this.guard('DELETE', () => this.davFetch(objectUrl(this.url, name), { method: 'DELETE', headers }));
  }

  /**
   * sync-collection (RFC 6578, level 1) since `token`. A truncated answer (507 on the collection
   * itself) is continued with the token it returned, until the server has said everything.
   */
  async changesSince(token: string): Promise<SyncDelta> {
    const changed = new Map<string, string | null>();
    const removed = new Set<string>();
    let current = token;
    for (let round = 0; round < 100; round += 1) {
      const responses = await this.guard('REPORT sync-collection', () =>
        syncCollection({
          url: this.url,
          props: { 'd:getetag': {} },
          syncLevel: 1,
          syncToken: current,
          fetch: this.davFetch,
        }),
      );
      const next = textOrNull(responses[0]?.raw?.multistatus?.syncToken);
      if (!next) throw new ProviderProtocolError('sync-collection answered without a sync-token');
      let truncated = false;
      for (const response of responses) {
        if (!response.href) continue;
        if (this.isCollection(response.href)) {
          truncated ||= response.status === 507;
          continue;
        }
        const name = objectNameOf(response.href);
        if (response.status === 404) {
          changed.delete(name);
          removed.add(name);
        } else if (response.ok) {
          removed.delete(name);
          changed.set(name, textOrNull(response.props?.getetag));
        }
      }
      current = next;
      if (!truncated) break;
    }
    return { changed, removed, syncToken: current };
  }

  private members(responses: DAVResponse[]): DAVResponse[] {
    return responses.filter((response) => response.href && !this.isCollection(response.href));
  }

  private isCollection(href: string): boolean {
    const path = (value: string) => decodeURIComponent(new URL(value, this.url).pathname).replace(/\/+$/, '');
    return path(href) === path(this.url);
  }

  private async guard<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw errorFromThrown(error, `${what} ${new URL(this.url).pathname}`);
    }
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ProviderNotFoundError;
}

/** `20300101T000000Z`, the form CalDAV time-range wants. */
function utcStamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** tsdav parses XML text into numbers where it can and CDATA into objects: get the text back. */
function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && '_cdata' in value)
    return textOrNull((value as { _cdata: unknown })._cdata);
  return null;
}
