import { DateTime } from 'luxon';
import { z } from 'zod';
import type { EventTimeRecord, RecurrenceRecord } from './store-types';
import { parseGraphDateTime, toIanaZone } from './time-zones';

/**
 * Request bodies of event writes, validated as Graph does: unknown properties are refused
 * (400 RequestBodyRead), times must parse in a known zone, all-day events sit on midnights.
 */

export const dateTimeTimeZone = z.object({
  dateTime: z.string().min(1),
  timeZone: z.string().min(1).optional(),
});
const emailAddress = z.object({ address: z.string().min(3), name: z.string().optional() });
const attendeeInput = z.object({
  emailAddress,
  type: z.enum(['required', 'optional', 'resource']).optional(),
  status: z.unknown().optional(),
});
const weekday = z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']);
export const recurrenceInput = z.object({
  pattern: z.object({
    type: z.enum([
      'daily',
      'weekly',
      'absoluteMonthly',
      'relativeMonthly',
      'absoluteYearly',
      'relativeYearly',
    ]),
    interval: z.number().int().min(1).max(99),
    daysOfWeek: z.array(weekday).optional(),
    dayOfMonth: z.number().int().min(0).max(31).optional(),
    month: z.number().int().min(0).max(12).optional(),
    firstDayOfWeek: weekday.optional(),
    index: z.enum(['first', 'second', 'third', 'fourth', 'last']).optional(),
  }),
  range: z.object({
    type: z.enum(['endDate', 'noEnd', 'numbered']),
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    endDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    numberOfOccurrences: z.number().int().min(0).optional(),
    recurrenceTimeZone: z.string().optional(),
  }),
});
const extendedProperty = z.object({ id: z.string().min(1), value: z.string() });

/** Properties we honour, plus the ones Graph accepts that the emulator stores nowhere. */
export const eventInput = z
  .object({
    subject: z.string().optional(),
    body: z.object({ contentType: z.enum(['text', 'html', 'Text', 'HTML']), content: z.string() }).optional(),
    start: dateTimeTimeZone.optional(),
    end: dateTimeTimeZone.optional(),
    isAllDay: z.boolean().optional(),
    location: z
      .object({ displayName: z.string().optional(), locationUri: z.string().optional() })
      .passthrough()
      .optional(),
    locations: z.array(z.unknown()).optional(),
    attendees: z.array(attendeeInput).optional(),
    recurrence: recurrenceInput.nullable().optional(),
    showAs: z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']).optional(),
    isOnlineMeeting: z.boolean().optional(),
    onlineMeetingProvider: z.string().optional(),
    onlineMeetingUrl: z.string().nullable().optional(),
    transactionId: z.string().max(255).optional(),
    singleValueExtendedProperties: z.array(extendedProperty).optional(),
    responseRequested: z.boolean().optional(),
    allowNewTimeProposals: z.boolean().optional(),
    importance: z.enum(['low', 'normal', 'high']).optional(),
    sensitivity: z.enum(['normal', 'personal', 'private', 'confidential']).optional(),
    reminderMinutesBeforeStart: z.number().int().optional(),
    isReminderOn: z.boolean().optional(),
    categories: z.array(z.string()).optional(),
    hideAttendees: z.boolean().optional(),
  })
  .strict();
export type EventInput = z.infer<typeof eventInput>;

export class InputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The first unknown property of a strict-object failure, for Graph's RequestBodyRead message. */
export function describeBodyError(error: z.ZodError): InputError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    return new InputError(
      'RequestBodyRead',
      `The property '${issue.keys[0] ?? ''}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    );
  }
  return new InputError(
    'RequestBodyRead',
    `Invalid request body: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
  );
}

/** start/end (+ isAllDay) to a time record, or an InputError as Graph would refuse them. */
export function parseTimes(
  start: { dateTime: string; timeZone?: string | undefined },
  end: { dateTime: string; timeZone?: string | undefined },
  isAllDay: boolean,
): EventTimeRecord {
  const startZoneName = start.timeZone ?? 'UTC';
  const endZoneName = end.timeZone ?? startZoneName;
  const startZone = toIanaZone(startZoneName);
  const endZone = toIanaZone(endZoneName);
  if (!startZone || !endZone) {
    throw new InputError(
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${!startZone ? startZoneName : endZoneName}'.`,
    );
  }
  const startAt = parseGraphDateTime(start.dateTime, startZone);
  const endAt = parseGraphDateTime(end.dateTime, endZone);
  if (!startAt || !endAt)
    throw new InputError(
      'ErrorInvalidRequest',
      "Cannot convert the literal to the expected type 'Edm.DateTimeOffset'.",
    );
  if (endAt < startAt)
    throw new InputError('ErrorInvalidRequest', 'The end date of the event is earlier than its start date.');
  if (isAllDay) {
    const startLocal = startAt.setZone(startZone);
    const endLocal = endAt.setZone(endZone);
    const midnight = (value: DateTime) => value.hour === 0 && value.minute === 0 && value.second === 0;
    if (!midnight(startLocal) || !midnight(endLocal) || startZone !== endZone || !(endLocal > startLocal)) {
      throw new InputError(
        'ErrorPropertyValidationFailure',
        "Your request can't be completed. If you're creating an all-day event, the start and end times must be set to midnight, and they must be in the same time zone.",
      );
    }
    return {
      kind: 'allDay',
      startDate: startLocal.toISODate() ?? '',
      endDate: endLocal.toISODate() ?? '',
      zone: startZoneName,
    };
  }
  return {
    kind: 'timed',
    startUtc: startAt.toUTC().toISO({ suppressMilliseconds: true }) ?? '',
    endUtc: endAt.toUTC().toISO({ suppressMilliseconds: true }) ?? '',
    startZone: startZoneName,
    endZone: endZoneName,
  };
}

export function parseRecurrence(input: z.infer<typeof recurrenceInput>): RecurrenceRecord {
  const { pattern, range } = input;
  if (pattern.type === 'weekly' || pattern.type.startsWith('relative')) {
    if (!pattern.daysOfWeek?.length)
      throw new InputError('ErrorInvalidRequest', 'daysOfWeek is required for this recurrence pattern type.');
  }
  if (range.type === 'endDate' && !range.endDate)
    throw new InputError('ErrorInvalidRequest', 'endDate is required for an endDate recurrence range.');
  if (range.type === 'numbered' && !range.numberOfOccurrences)
    throw new InputError(
      'ErrorInvalidRequest',
      'numberOfOccurrences must be positive for a numbered recurrence range.',
    );
  const start = DateTime.fromISO(range.startDate);
  return {
    pattern: {
      type: pattern.type,
      interval: pattern.interval,
      daysOfWeek: pattern.daysOfWeek ?? [],
      dayOfMonth: pattern.dayOfMonth || start.day,
      month: pattern.month || start.month,
      firstDayOfWeek: pattern.firstDayOfWeek ?? 'sunday',
      index: pattern.index ?? 'first',
    },
    range: {
      type: range.type,
      startDate: range.startDate,
      endDate: range.endDate ?? '0001-01-01',
      numberOfOccurrences: range.numberOfOccurrences ?? 0,
      recurrenceTimeZone: range.recurrenceTimeZone ?? '',
    },
  };
}
