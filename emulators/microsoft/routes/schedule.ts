import type { Hono } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { EmulatorEnv } from '../app-env';
import { calendarViewInstances } from '../calendar-view';
import { badRequest, GraphHttpError } from '../graph-errors';
import { instantsOf } from '../instances';
import type { MicrosoftStore } from '../store';
import type { AccountRecord, ShowAsKind } from '../store-types';
import { formatGraphDateTime, parseGraphDateTime, toIanaZone } from '../time-zones';
import { MAILBOX_PREFIXES } from './mailbox-paths';

/**
 * POST calendar/getSchedule: free/busy of work accounts in the caller's organisation, as an
 * availabilityView string (one digit per interval) plus scheduleItems and workingHours.
 * Personal (Outlook.com) mailboxes have no getSchedule.
 */

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string() });
const scheduleRequest = z.object({
  schedules: z.array(z.string()).min(1).max(100),
  startTime: dateTimeTimeZone,
  endTime: dateTimeTimeZone,
  availabilityViewInterval: z.number().int().min(5).max(1440).optional(),
});

const DIGIT: Record<ShowAsKind, number> = {
  free: 0,
  tentative: 1,
  busy: 2,
  oof: 3,
  workingElsewhere: 4,
  unknown: 2,
};

function scheduleOf(
  store: MicrosoftStore,
  account: AccountRecord,
  start: DateTime,
  end: DateTime,
  interval: number,
  zone: { name: string; iana: string },
) {
  const calendar = store.defaultCalendar(account.id);
  const views = calendar ? calendarViewInstances(store, calendar.id, { start, end }, zone.iana) : [];
  const items = views
    .filter((view) => !view.content.isCancelled && view.content.showAs !== 'free')
    .map((view) => ({ view, ...instantsOf(view.content.time, zone.iana) }));
  const slots = Math.ceil(end.diff(start, 'minutes').minutes / interval);
  let availabilityView = '';
  for (let slot = 0; slot < slots; slot += 1) {
    const from = start.plus({ minutes: slot * interval });
    const to = from.plus({ minutes: interval });
    const digits = items
      .filter((item) => item.start < to && item.end > from)
      .map((item) => DIGIT[item.view.content.showAs]);
    availabilityView += String(digits.length ? Math.max(...digits) : 0);
  }
  const at = (value: DateTime) => ({
    dateTime: formatGraphDateTime(value.setZone(zone.iana)),
    timeZone: zone.name,
  });
  return {
    scheduleId: account.email,
    availabilityView,
    scheduleItems: items.map((item) => ({
      isPrivate: false,
      status: item.view.content.showAs,
      subject: item.view.content.subject,
      location: item.view.content.location,
      isMeeting: item.view.content.attendees.length > 0,
      isRecurring: item.view.type !== 'singleInstance',
      isException: item.view.type === 'exception',
      isReminderSet: true,
      start: at(item.start),
      end: at(item.end),
    })),
    workingHours: {
      daysOfWeek: account.workingHours.daysOfWeek,
      startTime: `${account.workingHours.startTime}:00.0000000`,
      endTime: `${account.workingHours.endTime}:00.0000000`,
      timeZone: { name: account.timeZone },
    },
  };
}

export function registerScheduleRoutes(app: Hono<EmulatorEnv>): void {
  for (const prefix of MAILBOX_PREFIXES) {
    app.post(`${prefix}/calendar/getSchedule`, async (c) => {
      const mailbox = c.get('mailbox');
      if (mailbox.kind === 'personal') {
        throw new GraphHttpError(
          400,
          'ErrorInvalidRequest',
          'GetSchedule is not supported for this mailbox (personal Microsoft accounts).',
        );
      }
      const parsed = scheduleRequest.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        throw badRequest(
          'ErrorInvalidRequest',
          `Invalid getSchedule request: ${parsed.error.issues[0]?.message ?? ''}`,
        );
      const body = parsed.data;
      const zoneIana = toIanaZone(body.startTime.timeZone);
      if (!zoneIana)
        throw badRequest('ErrorInvalidRequest', `Unknown time zone '${body.startTime.timeZone}'.`);
      const start = parseGraphDateTime(body.startTime.dateTime, zoneIana);
      const end = parseGraphDateTime(body.endTime.dateTime, toIanaZone(body.endTime.timeZone) ?? zoneIana);
      if (!start || !end || end <= start)
        throw badRequest('ErrorInvalidRequest', 'The end time must be after the start time.');
      const interval = body.availabilityViewInterval ?? 30;
      const store = c.get('store');
      const value = body.schedules.map((email) => {
        const account = store.accountByIdOrEmail(email);
        if (!account || account.kind !== 'work' || account.tenantId !== mailbox.tenantId) {
          return {
            scheduleId: email,
            availabilityView: '',
            scheduleItems: [],
            error: {
              message: `The mailbox '${email}' was not found.`,
              responseCode: 'ErrorMailRecipientNotFound',
            },
          };
        }
        return scheduleOf(store, account, start, end, interval, {
          name: body.startTime.timeZone,
          iana: zoneIana,
        });
      });
      return c.json({
        '@odata.context': `${c.get('origin')}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`,
        value,
      });
    });
  }
}
