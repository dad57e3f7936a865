/**
 * External ids of CalDAV events. A calendar object resource (one `.ics`) holds a whole series, so
 * its name within the calendar collection is the series' id; one instance or exception of it is
 * `<name>#<RECURRENCE-ID in UTC>` (`20300610T080000Z`, or `20300610` for all-day series).
 */

export interface EventId {
  objectName: string;
  /** UTC instant of the RECURRENCE-ID for an instance, null for the whole object. */
  recurrenceKey: string | null;
}

const KEY = /^\d{8}(T\d{6}Z)?$/;

export function parseEventId(externalId: string): EventId {
  const hash = externalId.lastIndexOf('#');
  if (hash > 0) {
    const key = externalId.slice(hash + 1);
    if (KEY.test(key)) return { objectName: externalId.slice(0, hash), recurrenceKey: key };
  }
  return { objectName: externalId, recurrenceKey: null };
}

export function instanceId(objectName: string, recurrenceKey: string): string {
  return `${objectName}#${recurrenceKey}`;
}

/** The key of an instance that starts at `instant` (ms), for timed or all-day series. */
export function recurrenceKeyOf(instant: number, isDate: boolean): string {
  const iso = new Date(instant).toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  return isDate ? date : `${date}T${iso.slice(11, 19).replaceAll(':', '')}Z`;
}

/** Milliseconds of a recurrence key (midnight UTC for dates). */
export function instantOfKey(key: string): number {
  const [, year, month, day, hour = '00', minute = '00', second = '00'] =
    /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(key) ?? [];
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
}

/** The object name of an href, relative to its calendar collection. */
export function objectNameOf(href: string): string {
  const path = href.replace(/^https?:\/\/[^/]+/i, '').split('?')[0] ?? '';
  const segment = path.split('/').filter(Boolean).at(-1) ?? '';
  return decodeURIComponent(segment);
}

export function objectUrl(calendarUrl: string, objectName: string): string {
  const base = calendarUrl.endsWith('/') ? calendarUrl : `${calendarUrl}/`;
  return new URL(encodeURIComponent(objectName), base).toString();
}

/** The object name for an idempotency key: safe in a URL path segment, stable for the key. */
export function objectNameForKey(key: string): string {
  return `${key.replace(/[^A-Za-z0-9_-]/g, '-')}.ics`;
}
