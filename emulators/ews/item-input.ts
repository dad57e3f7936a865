import type { RecurrenceRecord } from '../microsoft/store-types';
import { attr, children, node, nodes, text, type XmlNode } from './soap';
import { EwsError } from './store';

/**
 * The fields of a `t:CalendarItem` a client sent (CreateItem, or the item inside an UpdateItem
 * SetItemField), read from the parsed request. Only fields present are set.
 */
export interface ItemInput {
  subject?: string;
  body?: { type: 'Text' | 'HTML'; value: string };
  location?: string;
  start?: Date;
  end?: Date;
  isAllDay?: boolean;
  timeZone?: string;
  uid?: string;
  requiredAttendees?: { email: string; name: string }[];
  optionalAttendees?: { email: string; name: string }[];
  recurrence?: RecurrenceRecord;
  freeBusy?: 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere';
  extended?: Map<string, string>;
}

const PATTERNS: Record<string, RecurrenceRecord['pattern']['type']> = {
  DailyRecurrence: 'daily',
  WeeklyRecurrence: 'weekly',
  AbsoluteMonthlyRecurrence: 'absoluteMonthly',
  RelativeMonthlyRecurrence: 'relativeMonthly',
  AbsoluteYearlyRecurrence: 'absoluteYearly',
  RelativeYearlyRecurrence: 'relativeYearly',
};
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function instant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()))
    throw new EwsError('ErrorInvalidValueForProperty', `The value of ${field} is not a valid date and time.`);
  return parsed;
}

/** `2030-03-05+00:00` or `2030-03-05Z` → `2030-03-05`: EWS xs:date may carry a zone. */
function dateOnly(value: string | undefined): string {
  return (value ?? '').slice(0, 10);
}

function attendees(list: XmlNode | undefined): { email: string; name: string }[] | undefined {
  if (!list) return undefined;
  return nodes(list, 'Attendee').map((attendee) => {
    const mailbox = node(attendee, 'Mailbox');
    const email = text(mailbox, 'EmailAddress');
    if (!email) throw new EwsError('ErrorInvalidRecipients', 'An attendee has no email address.');
    return { email: email.toLowerCase(), name: text(mailbox, 'Name') ?? '' };
  });
}

export function parseRecurrence(recurrence: XmlNode): RecurrenceRecord {
  const patternEntry = children(recurrence).find(([name]) => PATTERNS[name]);
  if (!patternEntry) throw new EwsError('ErrorInvalidRecurrence', 'The recurrence pattern is invalid.');
  const [patternName, pattern] = patternEntry;
  const days = (text(pattern, 'DaysOfWeek') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((day) => day.toLowerCase());
  const index = (text(pattern, 'DayOfWeekIndex') ?? 'First').toLowerCase();
  const month = MONTHS.indexOf((text(pattern, 'Month') ?? 'january').toLowerCase()) + 1;
  const numbered = node(recurrence, 'NumberedRecurrence');
  const endDate = node(recurrence, 'EndDateRecurrence');
  const noEnd = node(recurrence, 'NoEndRecurrence');
  const range = numbered ?? endDate ?? noEnd;
  if (!range) throw new EwsError('ErrorInvalidRecurrence', 'The recurrence range is missing.');
  return {
    pattern: {
      type: PATTERNS[patternName]!,
      interval: Number(text(pattern, 'Interval') ?? '1') || 1,
      daysOfWeek: days,
      dayOfMonth: Number(text(pattern, 'DayOfMonth') ?? '0'),
      month,
      firstDayOfWeek: (text(pattern, 'FirstDayOfWeek') ?? 'Monday').toLowerCase(),
      index: (['first', 'second', 'third', 'fourth', 'last'].includes(index) ? index : 'first') as 'first',
    },
    range: {
      type: numbered ? 'numbered' : endDate ? 'endDate' : 'noEnd',
      startDate: dateOnly(text(range, 'StartDate')),
      endDate: dateOnly(text(endDate, 'EndDate')),
      numberOfOccurrences: Number(text(numbered, 'NumberOfOccurrences') ?? '0'),
      recurrenceTimeZone: '',
    },
  };
}

export function parseCalendarItem(item: XmlNode): ItemInput {
  const input: ItemInput = {};
  const subject = text(item, 'Subject');
  if (subject !== undefined || 'Subject' in item) input.subject = subject ?? '';
  const body = node(item, 'Body');
  if (body)
    input.body = { type: attr(body, 'BodyType') === 'HTML' ? 'HTML' : 'Text', value: text(body) ?? '' };
  if ('Location' in item) input.location = text(item, 'Location') ?? '';
  input.start = instant(text(item, 'Start'), 'Start');
  input.end = instant(text(item, 'End'), 'End');
  const allDay = text(item, 'IsAllDayEvent');
  if (allDay !== undefined) input.isAllDay = allDay === 'true';
  const zone = attr(node(item, 'StartTimeZone'), 'Id');
  if (zone) input.timeZone = zone;
  const uid = text(item, 'UID');
  if (uid) input.uid = uid;
  input.requiredAttendees = attendees(node(item, 'RequiredAttendees'));
  input.optionalAttendees = attendees(node(item, 'OptionalAttendees'));
  const recurrence = node(item, 'Recurrence');
  if (recurrence) input.recurrence = parseRecurrence(recurrence);
  const freeBusy = text(item, 'LegacyFreeBusyStatus');
  if (freeBusy) input.freeBusy = freeBusy as ItemInput['freeBusy'];
  const extended = nodes(item, 'ExtendedProperty');
  if (extended.length) {
    input.extended = new Map(
      extended.map((property) => [
        attr(node(property, 'ExtendedFieldURI'), 'PropertyName') ?? '',
        text(property, 'Value') ?? '',
      ]),
    );
  }
  for (const key of Object.keys(input) as (keyof ItemInput)[])
    if (input[key] === undefined) delete input[key];
  return input;
}
