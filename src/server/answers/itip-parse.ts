import ICAL from 'ical.js';
import { eventTimeOf, parseObject } from '@/server/providers/caldav/ical-read';
import type { GivenResponse } from './record-answer';

/**
 * Reading an inbound iTIP REPLY or COUNTER (RFC 5546 §3.2.3, §3.2.7): the parts Tandem uses. The
 * iCalendar reading (time zones, VTIMEZONE) is the CalDAV adapter's: the same format, one reader.
 */

export interface ItipAnswer {
  method: string;
  uid: string;
  sequence: number;
  /** Every ATTENDEE line, lower-cased address, PARTSTAT as written. */
  attendees: { email: string; partstat: string | null }[];
  comment: string | null;
  /** DTSTAMP: when the answer was made. */
  stampedAt: Date | null;
  /** COUNTER: the proposed start and end. */
  proposed: { start: Date; end: Date } | null;
}

export class UnreadableItipError extends Error {}

export function parseItip(ics: string, fallbackMethod: string): ItipAnswer {
  let parsed: ReturnType<typeof parseObject>;
  try {
    parsed = parseObject(ics);
  } catch {
    throw new UnreadableItipError('The calendar in the message could not be read.');
  }
  const method = String(parsed.vcalendar.getFirstPropertyValue('method') ?? fallbackMethod).toUpperCase();
  // A reply to a whole series names no RECURRENCE-ID; answers to single occurrences are not kept apart yet.
  const vevent = parsed.master ?? parsed.overrides[0];
  if (!vevent) throw new UnreadableItipError('The message has no event in its calendar.');
  const uid = vevent.getFirstPropertyValue('uid');
  if (typeof uid !== 'string' || uid.trim() === '') {
    throw new UnreadableItipError('The event in the message has no UID.');
  }
  const sequenceValue = vevent.getFirstPropertyValue('sequence');
  const sequence = typeof sequenceValue === 'number' ? sequenceValue : Number(sequenceValue ?? 0) || 0;
  const attendees = vevent.getAllProperties('attendee').flatMap((property) => {
    const email = addressOf(property.getFirstValue());
    if (!email) return [];
    const partstat = property.getParameter('partstat');
    return [{ email, partstat: typeof partstat === 'string' ? partstat.toUpperCase() : null }];
  });
  const commentValue = vevent.getFirstPropertyValue('comment');
  const stamp = vevent.getFirstPropertyValue('dtstamp');
  let proposed: ItipAnswer['proposed'] = null;
  if (method === 'COUNTER') {
    try {
      const time = eventTimeOf(vevent, parsed.zones);
      if (time.kind === 'timed' && time.end > time.start) proposed = { start: time.start, end: time.end };
    } catch {
      throw new UnreadableItipError('The proposed time in the message could not be read.');
    }
  }
  return {
    method,
    uid: uid.trim(),
    sequence,
    attendees,
    comment: typeof commentValue === 'string' && commentValue.trim() !== '' ? commentValue.trim() : null,
    stampedAt: stamp instanceof ICAL.Time ? stamp.toJSDate() : null,
    proposed,
  };
}

/** `mailto:Someone@Example.org` (or `Someone <someone@example.org>`) → `someone@example.org`. */
export function addressOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // `Name <someone@example.org>` as well as a bare address.
  const bracketed = /<([^>]*)>/.exec(value)?.[1] ?? value;
  const address = bracketed
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();
  return address.includes('@') ? address : null;
}

const PARTSTATS: Record<string, GivenResponse> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

export function responseOfPartstat(partstat: string | null): GivenResponse | null {
  return (partstat && PARTSTATS[partstat]) || null;
}
