import * as ews from 'ews-javascript-api';
import { DateTime as Luxon } from 'luxon';
import type {
  AttendeeResponse,
  EventTime,
  EventWrite,
  ProviderAttendee,
  ProviderEvent,
  ShowAs,
} from '../types';
import { proposedTimeOf } from './attendee-proposals';
import { fromEwsRecurrence, toEwsRecurrence } from './recurrence';

/** Appointment (ews-javascript-api) ↔ ProviderEvent / EventWrite. */

/** Our tag and our create key, as PublicStrings named properties (as Outlook add-ins tag items). */
export const TANDEM_MEETING_ID = new ews.ExtendedPropertyDefinition(
  ews.DefaultExtendedPropertySet.PublicStrings,
  'TandemMeetingId',
  ews.MapiPropertyType.String,
);
export const TANDEM_CREATE_KEY = new ews.ExtendedPropertyDefinition(
  ews.DefaultExtendedPropertySet.PublicStrings,
  'TandemCreateKey',
  ews.MapiPropertyType.String,
);

export function fullPropertySet(): ews.PropertySet {
  return new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [
    TANDEM_MEETING_ID,
    ews.ItemSchema.Body,
  ]);
}

const RESPONSE: Record<number, AttendeeResponse> = {
  [ews.MeetingResponseType.Accept]: 'accepted',
  [ews.MeetingResponseType.Decline]: 'declined',
  [ews.MeetingResponseType.Tentative]: 'tentative',
};

const SHOW_AS: Record<number, ShowAs> = {
  [ews.LegacyFreeBusyStatus.Free]: 'free',
  [ews.LegacyFreeBusyStatus.Tentative]: 'tentative',
  [ews.LegacyFreeBusyStatus.Busy]: 'busy',
  [ews.LegacyFreeBusyStatus.OOF]: 'oof',
  [ews.LegacyFreeBusyStatus.WorkingElsewhere]: 'working_elsewhere',
  [ews.LegacyFreeBusyStatus.NoData]: 'unknown',
};

export function showAsOf(status: ews.LegacyFreeBusyStatus | null | undefined): ShowAs {
  return status === null || status === undefined ? 'busy' : (SHOW_AS[status] ?? 'busy');
}

function toDate(value: ews.DateTime | null | undefined): Date | null {
  return value ? new Date(value.TotalMilliSeconds) : null;
}

/** A property the item may not have loaded: the library throws for those instead of answering null. */
function optional<T>(read: () => T): T | null {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}

function ianaOf(zone: ews.TimeZoneInfo | null): string | null {
  if (!zone) return null;
  const iana = zone.IanaId || zone.Id;
  return iana === 'Etc/GMT' || iana === 'Etc/UTC' || zone.Id === 'UTC' ? 'UTC' : iana;
}

function timeOf(appointment: ews.Appointment, start: Date, end: Date): EventTime {
  const zone = ianaOf(optional(() => appointment.StartTimeZone));
  if (optional(() => appointment.IsAllDayEvent)) {
    const inZone = (date: Date) => Luxon.fromJSDate(date, { zone: zone ?? 'UTC' }).toISODate() ?? '';
    return { kind: 'allDay', startDate: inZone(start), endDate: inZone(end) };
  }
  return { kind: 'timed', start, end, timeZone: zone };
}

function attendeesOf(appointment: ews.Appointment, selfEmail: string): ProviderAttendee[] {
  const self = selfEmail.toLowerCase();
  const myResponse = optional(() => appointment.MyResponseType);
  const list = (collection: ews.AttendeeCollection | null, isOptional: boolean) =>
    (collection?.GetEnumerator() ?? []).map((attendee): ProviderAttendee => {
      const email = (attendee.Address ?? '').toLowerCase();
      const isSelf = email === self;
      const response = isSelf && myResponse !== null ? myResponse : attendee.ResponseType;
      return {
        email,
        name: attendee.Name || null,
        response:
          (response !== null && response !== undefined ? RESPONSE[response] : undefined) ?? 'needs_action',
        isOrganizer: false,
        isOptional,
        isSelf,
        respondedAt: toDate(attendee.LastResponseTime),
        // A counter-proposal, as Graph's proposedNewTime (attendee-proposals.ts).
        proposedTime: proposedTimeOf(attendee),
      };
    });
  return [
    ...list(
      optional(() => appointment.RequiredAttendees),
      false,
    ),
    ...list(
      optional(() => appointment.OptionalAttendees),
      true,
    ),
  ];
}

/** EXDATE lines for the series' deleted occurrences (UTC form). */
function exdates(appointment: ews.Appointment): string[] {
  const deleted = optional(() => appointment.DeletedOccurrences)?.GetEnumerator() ?? [];
  return deleted.map(
    (occurrence) =>
      `EXDATE:${Luxon.fromMillis(occurrence.OriginalStart.TotalMilliSeconds, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
  );
}

export function toProviderEvent(
  appointment: ews.Appointment,
  selfEmail: string,
  seriesExternalId: string | null,
): ProviderEvent {
  const start = toDate(appointment.Start) ?? new Date(0);
  const end = toDate(appointment.End) ?? start;
  const type = optional(() => appointment.AppointmentType);
  const isMaster = type === ews.AppointmentType.RecurringMaster;
  const recurrence = isMaster ? optional(() => appointment.Recurrence) : null;
  const originalStart = optional(() => appointment.ICalRecurrenceId);
  const organizer = optional(() => appointment.Organizer);
  const freeBusy = optional(() => appointment.LegacyFreeBusyStatus);
  const tag = optional(() => {
    const property = appointment.ExtendedProperties.GetEnumerator().find(
      (entry) => entry.PropertyDefinition.Name === TANDEM_MEETING_ID.Name,
    );
    return property ? String(property.Value) : null;
  });
  const body = optional(() => appointment.Body);
  const time = timeOf(appointment, start, end);
  return {
    externalId: appointment.Id.UniqueId,
    iCalUid: optional(() => appointment.ICalUid),
    etag: appointment.Id.ChangeKey || null,
    status: optional(() => appointment.IsCancelled) ? 'cancelled' : 'confirmed',
    title: optional(() => appointment.Subject),
    description: body?.Text ?? null,
    location: optional(() => appointment.Location) || null,
    onlineUrl: optional(() => appointment.JoinOnlineMeetingUrl) || null,
    time,
    recurrence: recurrence ? [...(fromEwsRecurrence(recurrence) ?? []), ...exdates(appointment)] : null,
    seriesExternalId:
      type === ews.AppointmentType.Occurrence || type === ews.AppointmentType.Exception
        ? seriesExternalId
        : null,
    originalStart:
      originalStart && time.kind === 'timed'
        ? {
            kind: 'timed',
            start: new Date(originalStart.TotalMilliSeconds),
            end: new Date(originalStart.TotalMilliSeconds + (end.getTime() - start.getTime())),
            timeZone: time.timeZone,
          }
        : null,
    transparency: freeBusy === ews.LegacyFreeBusyStatus.Free ? 'transparent' : 'opaque',
    showAs: showAsOf(freeBusy),
    organizer: organizer?.Address
      ? { email: organizer.Address.toLowerCase(), name: organizer.Name || null }
      : null,
    attendees: attendeesOf(appointment, selfEmail),
    sequence: optional(() => appointment.AppointmentSequenceNumber),
    updatedAt: toDate(optional(() => appointment.LastModifiedTime)),
    tandemMeetingId: tag,
  };
}

/** Writes `event` onto `appointment`; occurrences take only their own time and texts. */
export function applyWrite(
  appointment: ews.Appointment,
  event: EventWrite,
  options: { occurrence: boolean; create: boolean },
): void {
  appointment.Subject = event.title;
  appointment.Body = new ews.MessageBody(ews.BodyType.Text, event.description ?? '');
  appointment.Location = event.location ?? '';
  if (event.time.kind === 'timed') {
    const zone = ews.TimeZoneInfo.FindSystemTimeZoneById(event.time.timeZone ?? 'UTC');
    if (!options.occurrence) {
      appointment.StartTimeZone = zone;
      appointment.EndTimeZone = zone;
    }
    if (!options.create && !options.occurrence) appointment.IsAllDayEvent = false;
    appointment.Start = new ews.DateTime(event.time.start.getTime());
    appointment.End = new ews.DateTime(event.time.end.getTime());
  } else {
    if (!options.occurrence) {
      appointment.StartTimeZone = ews.TimeZoneInfo.Utc;
      appointment.EndTimeZone = ews.TimeZoneInfo.Utc;
    }
    appointment.IsAllDayEvent = true;
    appointment.Start = new ews.DateTime(Date.parse(`${event.time.startDate}T00:00:00Z`));
    appointment.End = new ews.DateTime(Date.parse(`${event.time.endDate}T00:00:00Z`));
  }
  if (options.occurrence) return;
  if (event.tandemMeetingId) appointment.SetExtendedProperty(TANDEM_MEETING_ID, event.tandemMeetingId);
  appointment.RequiredAttendees.Clear();
  appointment.OptionalAttendees.Clear();
  for (const attendee of event.attendees) {
    const entry = new ews.Attendee(attendee.name ?? '', attendee.email);
    (attendee.isOptional ? appointment.OptionalAttendees : appointment.RequiredAttendees).Add(entry);
  }
  const rule = event.recurrence?.filter((line) => line.toUpperCase().startsWith('RRULE:')) ?? [];
  if (rule.length > 0) {
    const zone = event.time.kind === 'timed' ? (event.time.timeZone ?? 'UTC') : 'UTC';
    const startDate =
      event.time.kind === 'timed'
        ? (Luxon.fromJSDate(event.time.start, { zone }).toISODate() ?? '')
        : event.time.startDate;
    const startTime =
      event.time.kind === 'timed'
        ? Luxon.fromJSDate(event.time.start, { zone }).toFormat('HH:mm:ss')
        : undefined;
    appointment.Recurrence = toEwsRecurrence(rule, startDate, zone, startTime);
  }
}
