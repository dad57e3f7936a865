import ICAL from 'ical.js';
import type { Attachment, ParsedMail } from 'mailparser';

/** One iTIP object found in an email: its method (upper case) and the VCALENDAR text. */
export interface CalendarPart {
  method: string;
  ics: string;
}

export type CalendarPartsResult = { ok: true; parts: CalendarPart[] } | { ok: false; reason: string };

/** Content types senders use for iCalendar: RFC 6047's text/calendar, and application/ics (nodemailer's invite.ics). */
const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics', 'application/x-ics']);

function contentTypeParams(attachment: Attachment): Record<string, string> {
  // mailparser keeps the part's Content-Type parameters (method=…, charset=…) in its headers map.
  const header = attachment.headers.get('content-type') as
    { params?: Record<string, string> } | string | undefined;
  return typeof header === 'object' && header.params ? header.params : {};
}

function isCalendarPart(attachment: Attachment): boolean {
  return (
    CALENDAR_TYPES.has(attachment.contentType.toLowerCase()) ||
    (attachment.filename ?? '').toLowerCase().endsWith('.ics')
  );
}

function decode(content: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(content);
  } catch {
    // An unknown charset label: iCalendar is UTF-8 by default (RFC 5545 §3.1.4).
    return new TextDecoder('utf-8').decode(content);
  }
}

function methodLineOf(ics: string): string | null {
  const parsed: unknown = ICAL.parse(ics);
  // A file may hold several VCALENDARs; iMIP carries one (RFC 6047 §2.4).
  const jcal = Array.isArray(parsed) && Array.isArray(parsed[0]) ? (parsed[0] as unknown[]) : parsed;
  const calendar = new ICAL.Component(jcal as unknown[]);
  if (calendar.name !== 'vcalendar') throw new Error('not a VCALENDAR');
  const method = calendar.getFirstPropertyValue('method');
  return typeof method === 'string' && method.trim() ? method.trim().toUpperCase() : null;
}

function readPart(attachment: Attachment): CalendarPart | { reason: string } {
  const params = contentTypeParams(attachment);
  const ics = decode(attachment.content, params['charset']);
  let methodLine: string | null;
  try {
    methodLine = methodLineOf(ics);
  } catch {
    return { reason: 'its calendar part is not readable iCalendar' };
  }
  const methodParam = params['method']?.trim().toUpperCase() || null;
  if (methodParam && methodLine && methodParam !== methodLine)
    return { reason: `its calendar part says ${methodParam} in its header but ${methodLine} inside` };
  const method = methodParam ?? methodLine;
  if (!method) return { reason: 'its calendar part names no method (REPLY, COUNTER, …)' };
  return { method, ics };
}

/**
 * Every iTIP object in a parsed email, wherever mailparser put it: the inline text/calendar
 * alternative, an attached invite.ics, or a message that is only a calendar. The alternative and
 * the attachment usually carry the same text: it is returned once. The method comes from the part's
 * `method=` parameter or else from the VCALENDAR's METHOD line; when both exist they must agree.
 */
export function calendarPartsOf(parsed: ParsedMail): CalendarPartsResult {
  const found = parsed.attachments.filter(isCalendarPart);
  if (found.length === 0) return { ok: false, reason: 'the message has no calendar part' };
  const parts: CalendarPart[] = [];
  const seen = new Set<string>();
  let firstProblem: string | null = null;
  for (const attachment of found) {
    const part = readPart(attachment);
    if ('reason' in part) {
      firstProblem ??= part.reason;
      continue;
    }
    const key = `${part.method}\n${part.ics.replace(/\r\n/g, '\n').trim()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(part);
  }
  // A readable part is enough: some senders attach a second, broken copy.
  if (parts.length === 0)
    return { ok: false, reason: `the message was not read: ${firstProblem ?? 'no calendar part'}` };
  return { ok: true, parts };
}
