/**
 * Validation of event request bodies (insert / update / patch) with Google's own 400 messages,
 * the JSON-merge semantics of PATCH, and normalisation of start/end into the stored shape.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { apiErrors } from './api-errors';
import { formatRfc3339, isValidZone } from './event-time';
import { validateRecurrence } from './recurrence';
import type { GAttendee, GDateTime } from './types';

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const dateTimeSchema = z.object({
  date: nullable(z.string()),
  dateTime: nullable(z.string()),
  timeZone: nullable(z.string()),
});

const attendeeSchema = z.looseObject({
  email: nullable(z.string()),
  displayName: nullable(z.string()),
  responseStatus: nullable(z.enum(['needsAction', 'declined', 'tentative', 'accepted'])),
  optional: nullable(z.boolean()),
  organizer: nullable(z.boolean()),
  self: nullable(z.boolean()),
  resource: nullable(z.boolean()),
  comment: nullable(z.string()),
  additionalGuests: nullable(z.number().int().nonnegative()),
});

const stringMap = z.record(z.string(), z.string().nullable());

/** Read-only fields (kind, etag, htmlLink, created, updated, …) are accepted and ignored, as Google does. */
export const eventBodySchema = z.looseObject({
  id: nullable(z.string()),
  status: nullable(z.enum(['confirmed', 'tentative', 'cancelled'])),
  summary: nullable(z.string()),
  description: nullable(z.string()),
  location: nullable(z.string()),
  colorId: nullable(z.string()),
  start: nullable(dateTimeSchema),
  end: nullable(dateTimeSchema),
  endTimeUnspecified: nullable(z.boolean()),
  recurrence: nullable(z.array(z.string())),
  transparency: nullable(z.enum(['opaque', 'transparent'])),
  visibility: nullable(z.enum(['default', 'public', 'private', 'confidential'])),
  iCalUID: nullable(z.string()),
  sequence: nullable(z.number().int().nonnegative()),
  attendees: nullable(z.array(attendeeSchema)),
  extendedProperties: nullable(z.object({ private: nullable(stringMap), shared: nullable(stringMap) })),
  reminders: nullable(z.looseObject({ useDefault: z.boolean() })),
  guestsCanModify: nullable(z.boolean()),
  guestsCanInviteOthers: nullable(z.boolean()),
  guestsCanSeeOtherGuests: nullable(z.boolean()),
  source: nullable(z.object({ url: z.string(), title: z.string().optional() })),
  conferenceData: nullable(z.unknown()),
  eventType: nullable(z.string()),
});

export type EventBody = z.infer<typeof eventBodySchema>;
export type AttendeeBody = z.infer<typeof attendeeSchema>;

export function parseEventBody(json: unknown): EventBody {
  const parsed = eventBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw apiErrors.badRequest(
      `Invalid value for: ${issue?.path.join('.') || 'body'}`,
      issue?.path.join('.'),
    );
  }
  return parsed.data;
}

/** JSON merge (RFC 7396) as Google's PATCH: objects merge, arrays and start/end replace, null clears. */
export function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key]) && key !== 'start' && key !== 'end') {
      out[key] = mergePatch(out[key] as Record<string, unknown>, value);
    } else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Normalises start or end; throws Google's 400s for the shapes Google refuses. */
export function normalizeTime(
  value: z.infer<typeof dateTimeSchema> | null | undefined,
  which: 'start' | 'end',
): GDateTime {
  if (!value || (!value.date && !value.dateTime)) throw apiErrors.required(which, `Missing ${which} time.`);
  if (value.date && value.dateTime) throw apiErrors.badRequest(`Invalid ${which} time.`, which);
  const timeZone = value.timeZone ?? undefined;
  if (timeZone !== undefined && !isValidZone(timeZone)) {
    throw apiErrors.badRequest(`Invalid time zone definition for ${which} time.`, `${which}.timeZone`);
  }
  if (value.date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value.date) || !DateTime.fromISO(value.date).isValid) {
      throw apiErrors.badRequest(`Invalid ${which} time.`, `${which}.date`);
    }
    return { date: value.date, ...(timeZone ? { timeZone } : {}) };
  }
  const text = value.dateTime ?? '';
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(text);
  let ms: number;
  if (hasOffset) ms = Date.parse(text);
  else if (timeZone) ms = DateTime.fromISO(text, { zone: timeZone }).toMillis();
  else throw apiErrors.badRequest(`Missing time zone definition for ${which} time.`, `${which}.timeZone`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(ms)) {
    throw apiErrors.badRequest(`Invalid ${which} time.`, `${which}.dateTime`);
  }
  return { dateTime: formatRfc3339(ms, timeZone), ...(timeZone ? { timeZone } : {}) };
}

export function checkTimeRange(start: GDateTime, end: GDateTime, recurring: boolean): void {
  if ((start.date === undefined) !== (end.date === undefined)) {
    throw apiErrors.badRequest('Start and end times must either both be date or both be dateTime.');
  }
  const empty = start.date
    ? (end.date ?? '') <= start.date
    : Date.parse(end.dateTime ?? '') < Date.parse(start.dateTime ?? '');
  if (empty) throw apiErrors.timeRangeEmpty('end');
  if (recurring && start.dateTime && !start.timeZone) {
    // Google needs the zone to expand a timed series (the offset alone does not know DST).
    throw apiErrors.badRequest('Missing time zone definition for start time.', 'start.timeZone');
  }
}

export function checkRecurrence(lines: string[] | null | undefined): string[] | undefined {
  if (!lines || lines.length === 0) return undefined;
  const problem = validateRecurrence(lines);
  if (problem) throw apiErrors.badRequest(problem, 'recurrence');
  return lines;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The organiser's attendee list: emails lowercased and de-duplicated; a response the request does
 * not give is kept from the previous version (so re-sending the list keeps answers) or needsAction.
 */
export function normalizeAttendees(
  list: AttendeeBody[] | null | undefined,
  previous: GAttendee[] | undefined,
  organizerEmail: string,
): GAttendee[] | undefined {
  if (!list || list.length === 0) return undefined;
  const seen = new Set<string>();
  const out: GAttendee[] = [];
  for (const entry of list) {
    if (!entry.email) throw apiErrors.required('attendees.email', 'Missing attendee email.');
    const email = entry.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw apiErrors.badRequest('Invalid attendee email.', 'attendees.email');
    if (seen.has(email)) continue;
    seen.add(email);
    const before = previous?.find((attendee) => attendee.email === email);
    const isOrganizer = email === organizerEmail;
    const attendee: GAttendee = {
      email,
      responseStatus:
        entry.responseStatus ?? before?.responseStatus ?? (isOrganizer ? 'accepted' : 'needsAction'),
    };
    if (entry.displayName) attendee.displayName = entry.displayName;
    if (entry.optional) attendee.optional = true;
    if (isOrganizer) attendee.organizer = true;
    if (entry.resource) attendee.resource = true;
    if (entry.comment) attendee.comment = entry.comment;
    if (entry.additionalGuests) attendee.additionalGuests = entry.additionalGuests;
    out.push(attendee);
  }
  return out;
}

/** Client-chosen ids: base32hex (a–v, 0–9), 5 to 1024 characters. */
export function checkClientId(id: string): void {
  if (!/^[a-v0-9]{5,1024}$/.test(id)) throw apiErrors.badRequest('Invalid resource id value.', 'id');
}

export function cleanStringMap(
  map: Record<string, string | null> | null | undefined,
): Record<string, string> | undefined {
  if (!map) return undefined;
  const entries = Object.entries(map).filter((entry): entry is [string, string] => entry[1] !== null);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
