import { toRrule } from '../microsoft/ical-recurrence';
import type { RecurrenceRecord } from '../microsoft/store-types';
import type { ItemView } from './occurrences';
import { occurrenceId } from './ids';
import type { OutNode } from './soap';
import type { AttendeeRecord, CalendarItemRecord, Person } from './store-types';

/**
 * A calendar item as EWS writes it (`t:CalendarItem`, elements in the schema's order). What a
 * shape returns follows Microsoft's reference: FindItem and SyncFolderItems return a summary
 * without Body or attendee lists ("FindItem … cannot return properties like Body"), GetItem the
 * full item; extended properties only when asked for by ExtendedFieldURI.
 */
export type ItemShape = 'IdOnly' | 'Summary' | 'Full';

const PATTERN_ELEMENT: Record<RecurrenceRecord['pattern']['type'], string> = {
  daily: 't:DailyRecurrence',
  weekly: 't:WeeklyRecurrence',
  absoluteMonthly: 't:AbsoluteMonthlyRecurrence',
  relativeMonthly: 't:RelativeMonthlyRecurrence',
  absoluteYearly: 't:AbsoluteYearlyRecurrence',
  relativeYearly: 't:RelativeYearlyRecurrence',
};
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const INDEX_NAMES: Record<string, string> = {
  first: 'First',
  second: 'Second',
  third: 'Third',
  fourth: 'Fourth',
  last: 'Last',
};

function capital(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1).toLowerCase();
}

/** EWS writes instants in UTC with a `Z`. */
export function ewsDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function recurrenceXml(recurrence: RecurrenceRecord): OutNode {
  const { pattern, range } = recurrence;
  const body: OutNode = {};
  if (pattern.type === 'relativeMonthly' || pattern.type === 'relativeYearly') {
    if (pattern.type === 'relativeMonthly') body['t:Interval'] = pattern.interval;
    body['t:DaysOfWeek'] = pattern.daysOfWeek.map(capital).join(' ');
    body['t:DayOfWeekIndex'] = INDEX_NAMES[pattern.index] ?? 'First';
    if (pattern.type === 'relativeYearly') body['t:Month'] = MONTHS[pattern.month - 1];
  } else if (pattern.type === 'absoluteMonthly') {
    body['t:Interval'] = pattern.interval;
    body['t:DayOfMonth'] = pattern.dayOfMonth;
  } else if (pattern.type === 'absoluteYearly') {
    body['t:DayOfMonth'] = pattern.dayOfMonth;
    body['t:Month'] = MONTHS[pattern.month - 1];
  } else {
    body['t:Interval'] = pattern.interval;
    if (pattern.type === 'weekly') {
      body['t:DaysOfWeek'] = pattern.daysOfWeek.map(capital).join(' ');
      body['t:FirstDayOfWeek'] = capital(pattern.firstDayOfWeek || 'monday');
    }
  }
  const rangeXml: OutNode =
    range.type === 'numbered'
      ? {
          't:NumberedRecurrence': {
            't:StartDate': range.startDate,
            't:NumberOfOccurrences': range.numberOfOccurrences,
          },
        }
      : range.type === 'endDate'
        ? { 't:EndDateRecurrence': { 't:StartDate': range.startDate, 't:EndDate': range.endDate } }
        : { 't:NoEndRecurrence': { 't:StartDate': range.startDate } };
  return { [PATTERN_ELEMENT[pattern.type]]: body, ...rangeXml };
}

/**
 * A TimeZoneDefinition naming the zone. Exchange sends the full period and transition rules;
 * the emulator sends one period (the zone's id is what clients resolve), see README.
 */
export function timeZoneXml(windowsId: string): OutNode {
  const period = `trule:Microsoft/Registry/${windowsId}/Standard`;
  return {
    '@_Id': windowsId,
    '@_Name': windowsId,
    't:Periods': { 't:Period': { '@_Bias': 'PT0M', '@_Name': 'Standard', '@_Id': period } },
    't:TransitionsGroups': {
      't:TransitionsGroup': {
        '@_Id': '0',
        't:Transition': { 't:To': { '@_Kind': 'Period', '#text': period } },
      },
    },
    't:Transitions': { 't:Transition': { 't:To': { '@_Kind': 'Group', '#text': '0' } } },
  };
}

function mailboxXml(person: Person): OutNode {
  return {
    't:Name': person.name || person.email,
    't:EmailAddress': person.email,
    't:RoutingType': 'SMTP',
    't:MailboxType': 'Mailbox',
  };
}

function attendeesXml(attendees: AttendeeRecord[]): OutNode | undefined {
  if (attendees.length === 0) return undefined;
  return {
    't:Attendee': attendees.map((attendee) => ({
      't:Mailbox': mailboxXml(attendee),
      't:ResponseType': attendee.response,
      ...(attendee.lastResponseTime ? { 't:LastResponseTime': ewsDateTime(attendee.lastResponseTime) } : {}),
      ...(attendee.proposed
        ? {
            't:ProposedStart': ewsDateTime(attendee.proposed.start),
            't:ProposedEnd': ewsDateTime(attendee.proposed.end),
          }
        : {}),
    })),
  };
}

function occurrencesXml(item: CalendarItemRecord): { modified?: OutNode; deleted?: OutNode } {
  const modified = [...item.modified.entries()].map(([original, override]) => ({
    't:ItemId': { '@_Id': occurrenceId(item.id, original), '@_ChangeKey': override.changeKey },
    't:Start': ewsDateTime(override.start),
    't:End': ewsDateTime(override.end),
    't:OriginalStart': ewsDateTime(new Date(original)),
  }));
  // A DeletedOccurrence carries only the occurrence's (original) Start.
  const deleted = [...item.deleted].map((original) => ({ 't:Start': ewsDateTime(new Date(original)) }));
  return {
    ...(modified.length ? { modified: { 't:Occurrence': modified } } : {}),
    ...(deleted.length ? { deleted: { 't:DeletedOccurrence': deleted } } : {}),
  };
}

export function calendarItemXml(view: ItemView, shape: ItemShape, extendedNames: string[]): OutNode {
  const { item } = view;
  const out: OutNode = { 't:ItemId': { '@_Id': view.id, '@_ChangeKey': view.changeKey } };
  if (shape === 'IdOnly') return out;
  out['t:ParentFolderId'] = { '@_Id': `${item.mailbox}:calendar` };
  out['t:ItemClass'] = 'IPM.Appointment';
  out['t:Subject'] = view.subject;
  if (shape === 'Full') out['t:Body'] = { '@_BodyType': item.bodyType, '#text': view.body };
  out['t:DateTimeCreated'] = ewsDateTime(item.created);
  const extended = extendedNames
    .filter((name) => item.extended.has(name))
    .map((name) => ({
      't:ExtendedFieldURI': {
        '@_DistinguishedPropertySetId': 'PublicStrings',
        '@_PropertyName': name,
        '@_PropertyType': 'String',
      },
      't:Value': item.extended.get(name),
    }));
  if (extended.length) out['t:ExtendedProperty'] = extended;
  out['t:LastModifiedTime'] = ewsDateTime(item.lastModified);
  out['t:UID'] = item.uid;
  if (view.originalStart) out['t:RecurrenceId'] = ewsDateTime(view.originalStart);
  out['t:Start'] = ewsDateTime(view.start);
  out['t:End'] = ewsDateTime(view.end);
  if (view.originalStart) out['t:OriginalStart'] = ewsDateTime(view.originalStart);
  out['t:IsAllDayEvent'] = String(item.isAllDay);
  out['t:LegacyFreeBusyStatus'] = item.freeBusy;
  if (view.location) out['t:Location'] = view.location;
  out['t:IsMeeting'] = String(item.isMeeting);
  out['t:IsCancelled'] = String(item.isCancelled);
  out['t:IsRecurring'] = String(view.type !== 'Single');
  out['t:CalendarItemType'] = view.type;
  out['t:MyResponseType'] = view.myResponse;
  out['t:Organizer'] = { 't:Mailbox': mailboxXml(item.organizer) };
  if (shape === 'Full') {
    const required = attendeesXml(view.attendees.filter((attendee) => !attendee.optional));
    const optional = attendeesXml(view.attendees.filter((attendee) => attendee.optional));
    if (required) out['t:RequiredAttendees'] = required;
    if (optional) out['t:OptionalAttendees'] = optional;
  }
  out['t:AppointmentSequenceNumber'] = item.sequence;
  out['t:AppointmentState'] = item.isMeeting ? (item.myResponse === 'Organizer' ? 1 : 3) : 0;
  if (shape === 'Full' && view.type === 'RecurringMaster' && item.recurrence) {
    out['t:Recurrence'] = recurrenceXml(item.recurrence);
    const { modified, deleted } = occurrencesXml(item);
    if (modified) out['t:ModifiedOccurrences'] = modified;
    if (deleted) out['t:DeletedOccurrences'] = deleted;
  }
  out['t:StartTimeZone'] = timeZoneXml(item.timeZone);
  out['t:EndTimeZone'] = timeZoneXml(item.timeZone);
  return out;
}

/** The iCalendar RRULE of a series, for iMIP. */
export function rruleOf(item: CalendarItemRecord): string | null {
  return item.recurrence ? toRrule(item.recurrence) : null;
}
