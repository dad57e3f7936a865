import { DateTime } from 'luxon';
import type { EventRecord, EventTimeRecord, InstanceView } from './store-types';
import { formatGraphDateTime, toIanaZone } from './time-zones';

/** Graph's JSON for an event, a calendar and the OData envelopes around them. */

export interface OutputZone {
  /** The name as the client sent it in Prefer (echoed back in start/end.timeZone). */
  name: string;
  iana: string;
}

export const UTC_ZONE: OutputZone = { name: 'UTC', iana: 'UTC' };

/** Series-wide UID plus, for an occurrence, the date bytes Exchange puts in its iCalUId. */
export function iCalUIdOf(view: InstanceView): string {
  const uid = view.master.iCalUId;
  if (!view.originalStartKey) return uid;
  const date = DateTime.fromISO(view.originalStartKey, { zone: 'utc' });
  const bytes = `${date.year.toString(16).padStart(4, '0')}${date.month.toString(16).padStart(2, '0')}${date.day.toString(16).padStart(2, '0')}`;
  return `${uid.slice(0, 32)}${bytes.toUpperCase()}${uid.slice(40)}`;
}

function timeJson(time: EventTimeRecord, zone: OutputZone): { start: object; end: object } {
  if (time.kind === 'allDay') {
    // All-day events float: the same dates whatever zone the client prefers.
    return {
      start: { dateTime: `${time.startDate}T00:00:00.0000000`, timeZone: zone.name },
      end: { dateTime: `${time.endDate}T00:00:00.0000000`, timeZone: zone.name },
    };
  }
  const at = (iso: string) => formatGraphDateTime(DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone.iana));
  return {
    start: { dateTime: at(time.startUtc), timeZone: zone.name },
    end: { dateTime: at(time.endUtc), timeZone: zone.name },
  };
}

function timeSlotJson(
  slot: { startUtc: string; endUtc: string },
  zone: OutputZone,
): { start: object; end: object } {
  return timeJson(
    { kind: 'timed', startUtc: slot.startUtc, endUtc: slot.endUtc, startZone: zone.name, endZone: zone.name },
    zone,
  );
}

function originalStartJson(key: string): string {
  return key.length === 10
    ? `${key}T00:00:00Z`
    : (DateTime.fromISO(key, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? key).replace(
        '+00:00',
        'Z',
      );
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

/** Exchange stores bodies as HTML; text is served on request (Prefer: outlook.body-content-type="text"). */
function bodyJson(
  body: EventRecord['body'],
  wanted: 'text' | 'html',
): { contentType: string; content: string } {
  if (body.contentType === wanted) return body;
  if (wanted === 'html') {
    const html = escapeHtml(body.content).replace(/\r?\n/g, '<br>');
    return {
      contentType: 'html',
      content: `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n${html}\r\n</body>\r\n</html>\r\n`,
    };
  }
  return { contentType: 'text', content: htmlToText(body.content) };
}

function htmlToText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/i, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

function preview(content: string): string {
  return content
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

export interface EventJsonOptions {
  zone: OutputZone;
  /** From `Prefer: outlook.body-content-type`; Graph answers HTML by default. */
  bodyType: 'text' | 'html';
  /** Extended property ids asked for with $expand, lower-cased; null when not expanded. */
  extendedPropertyIds: string[] | null;
}

export function eventJson(view: InstanceView, options: EventJsonOptions): Record<string, unknown> {
  const master: EventRecord = view.master;
  const content = view.content;
  const zoneName = content.time.kind === 'timed' ? content.time.startZone : content.time.zone;
  const endZoneName = content.time.kind === 'timed' ? content.time.endZone : content.time.zone;
  const json: Record<string, unknown> = {
    '@odata.etag': `W/"${view.changeKey}"`,
    id: view.id,
    createdDateTime: master.createdAt,
    lastModifiedDateTime: view.lastModified,
    changeKey: view.changeKey,
    categories: [],
    transactionId: view.type === 'occurrence' || view.type === 'exception' ? null : master.transactionId,
    originalStartTimeZone: zoneName,
    originalEndTimeZone: endZoneName,
    iCalUId: iCalUIdOf(view),
    uid: master.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: content.subject,
    bodyPreview: preview(content.body.content),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: content.time.kind === 'allDay',
    isCancelled: content.isCancelled,
    isOrganizer: master.isOrganizer,
    responseRequested: true,
    seriesMasterId: view.type === 'occurrence' || view.type === 'exception' ? master.id : null,
    showAs: content.showAs,
    type: view.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(view.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: content.isOnlineMeeting,
    onlineMeetingProvider: content.isOnlineMeeting ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: master.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: false,
    responseStatus: content.responseStatus,
    body: bodyJson(content.body, options.bodyType),
    ...timeJson(content.time, options.zone),
    location: {
      displayName: content.location,
      ...(content.locationUri ? { locationUri: content.locationUri } : {}),
      locationType: 'default',
      uniqueIdType: content.location ? 'locationStore' : 'unknown',
      address: {},
      coordinates: {},
    },
    locations: content.location
      ? [{ displayName: content.location, locationType: 'default', uniqueIdType: 'unknown' }]
      : [],
    recurrence: view.type === 'seriesMaster' ? master.recurrence : null,
    attendees: content.attendees.map((attendee) => ({
      type: attendee.type,
      status: { response: attendee.response, time: attendee.time },
      // Present only on an attendee who proposed another time (Graph: "Propose new meeting times").
      ...(attendee.proposedNewTime
        ? { proposedNewTime: timeSlotJson(attendee.proposedNewTime, options.zone) }
        : {}),
      emailAddress: { name: attendee.name, address: attendee.email },
    })),
    organizer: { emailAddress: { name: master.organizer.name, address: master.organizer.email } },
    onlineMeeting: content.onlineMeetingUrl ? { joinUrl: content.onlineMeetingUrl } : null,
  };
  if (view.originalStartKey) {
    json.originalStart = originalStartJson(view.originalStartKey);
  }
  if (options.extendedPropertyIds) {
    const wanted = options.extendedPropertyIds;
    const found = [...master.extendedProperties.entries()]
      .filter(([id]) => wanted.includes(id.toLowerCase()))
      .map(([id, value]) => ({ id, value }));
    if (found.length > 0) json.singleValueExtendedProperties = found;
  }
  return json;
}

/** Removed-item shape of a delta page. */
export function removedJson(id: string): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } };
}

export function zoneNameIsKnown(name: string): boolean {
  return toIanaZone(name) !== null;
}
