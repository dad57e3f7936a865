import type { Context } from 'hono';
import { DateTime } from 'luxon';
import type { EmulatorEnv } from './app-env';
import { UTC_ZONE, type EventJsonOptions, type OutputZone } from './event-json';
import { GraphHttpError } from './graph-errors';
import { preferredZone } from './time-zones';

/** OData query options and Prefer headers that several routes share. */

/** Ids named in `$expand=singleValueExtendedProperties($filter=id eq '…')`, lower-cased. */
export function expandedPropertyIds(c: Context<EmulatorEnv>): string[] | null {
  const expand = c.req.query('$expand');
  if (!expand || !/singleValueExtendedProperties/i.test(expand)) return null;
  return [...expand.matchAll(/id\s+eq\s+'([^']+)'/gi)].map((match) => (match[1] ?? '').toLowerCase());
}

/** The zone of `Prefer: outlook.timezone`, acknowledged with Preference-Applied as Graph does. */
export function outputZone(c: Context<EmulatorEnv>): OutputZone {
  const zone = preferredZone(c.req.header('prefer'));
  if (!zone) return UTC_ZONE;
  c.header('Preference-Applied', `outlook.timezone="${zone.name}"`);
  return zone;
}

export function jsonOptions(c: Context<EmulatorEnv>): EventJsonOptions {
  const bodyType = /outlook\.body-content-type\s*=\s*"?text/i.test(c.req.header('prefer') ?? '')
    ? 'text'
    : 'html';
  return { zone: outputZone(c), bodyType, extendedPropertyIds: expandedPropertyIds(c) };
}

/** startDateTime / endDateTime of calendarView and delta: both required, ISO 8601. */
export function requiredWindow(c: Context<EmulatorEnv>): { start: DateTime; end: DateTime } {
  const startText = c.req.query('startDateTime') ?? c.req.query('StartDateTime');
  const endText = c.req.query('endDateTime') ?? c.req.query('EndDateTime');
  if (!startText || !endText) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const start = DateTime.fromISO(startText, { zone: 'utc' });
  const end = DateTime.fromISO(endText, { zone: 'utc' });
  if (!start.isValid || !end.isValid) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidParameter',
      'The value of the parameter StartDateTime or EndDateTime is invalid.',
    );
  }
  return { start, end };
}

/** $top / $skip paging with Graph's default page of 10. */
export function paging(c: Context<EmulatorEnv>, maxTop = 1000): { top: number; skip: number } {
  const top = Number(c.req.query('$top') ?? 10);
  const skip = Number(c.req.query('$skip') ?? 0);
  if (!Number.isInteger(top) || top < 1 || !Number.isInteger(skip) || skip < 0) {
    throw new GraphHttpError(400, 'BadRequest', 'Invalid $top or $skip value.');
  }
  return { top: Math.min(top, maxTop), skip };
}

/** Same URL with $skip moved on: Graph's nextLink for plain collections. */
export function nextSkipLink(c: Context<EmulatorEnv>, skip: number): string {
  const url = new URL(c.req.url);
  const next = new URL(`${c.get('origin')}${url.pathname}`);
  url.searchParams.forEach((value, key) => {
    if (key !== '$skip') next.searchParams.set(key, value);
  });
  next.searchParams.set('$skip', String(skip));
  // The Graph SDK splits on '&' and '=' and sends values as they are: keep them readable.
  return decodeURIComponent(next.toString()).replace(/ /g, '%20');
}
