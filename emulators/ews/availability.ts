import { DateTime } from 'luxon';
import { toIanaZone } from '../microsoft/time-zones';
import { viewsInWindow } from './occurrences';
import { attr, node, nodes, text, type OutNode, type XmlNode } from './soap';
import type { EwsStore } from './store';

/**
 * GetUserAvailability with FreeBusyViewOptions (Microsoft's EWS reference): times in the request
 * are wall-clock times in the header's TimeZoneContext zone, and so are the answer's; each
 * mailbox gets a FreeBusyResponse with a CalendarEventArray (Detailed / FreeBusy views) and,
 * where asked, MergedFreeBusy digits (0 free, 1 tentative, 2 busy, 3 OOF, 4 no data).
 */
const DIGIT: Record<string, string> = {
  Free: '0',
  Tentative: '1',
  Busy: '2',
  OOF: '3',
  WorkingElsewhere: '4',
  NoData: '4',
};

function localTime(value: string | undefined, zone: string): Date {
  return DateTime.fromISO(value ?? '', { zone }).toJSDate();
}

function wallClock(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

export function getUserAvailability(store: EwsStore, header: XmlNode, request: XmlNode): OutNode {
  const zoneId = attr(node(node(header, 'TimeZoneContext'), 'TimeZoneDefinition'), 'Id') ?? 'UTC';
  const zone = toIanaZone(zoneId) ?? 'UTC';
  const options = node(request, 'FreeBusyViewOptions');
  const window = node(options, 'TimeWindow');
  const start = localTime(text(window, 'StartTime'), zone);
  const end = localTime(text(window, 'EndTime'), zone);
  const interval = Number(text(options, 'MergedFreeBusyIntervalInMinutes') ?? '30');
  const view = text(options, 'RequestedView') ?? 'Detailed';
  const responses = nodes(node(request, 'MailboxDataArray'), 'MailboxData').map((data) => {
    const address = text(node(data, 'Email'), 'Address') ?? '';
    const mailbox = store.mailbox(address);
    if (!mailbox) {
      return {
        'm:ResponseMessage': {
          '@_ResponseClass': 'Error',
          'm:MessageText': `No mailbox with such guid or smtp address ${address}.`,
          'm:ResponseCode': 'ErrorMailRecipientNotFound',
          'm:DescriptiveLinkKey': 0,
        },
        'm:FreeBusyView': { 't:FreeBusyViewType': 'None' },
      };
    }
    const events = [...mailbox.items.values()]
      .filter((item) => !item.isCancelled)
      .flatMap((item) =>
        viewsInWindow(item, start, end).map((occurrence) => ({ occurrence, status: item.freeBusy })),
      )
      .filter(({ status }) => status !== 'Free')
      .sort((a, b) => a.occurrence.start.getTime() - b.occurrence.start.getTime());
    const freeBusyView: OutNode = { 't:FreeBusyViewType': view === 'MergedOnly' ? 'MergedOnly' : view };
    if (view.includes('Merged')) {
      const digits: string[] = [];
      for (let slot = start.getTime(); slot < end.getTime(); slot += interval * 60_000) {
        const slotEnd = slot + interval * 60_000;
        const covering = events.filter(
          ({ occurrence }) => occurrence.start.getTime() < slotEnd && occurrence.end.getTime() > slot,
        );
        digits.push(
          covering.reduce((best, { status }) => (DIGIT[status]! > best ? DIGIT[status]! : best), '0'),
        );
      }
      freeBusyView['t:MergedFreeBusy'] = digits.join('');
    }
    if (view !== 'MergedOnly') {
      freeBusyView['t:CalendarEventArray'] = events.length
        ? {
            't:CalendarEvent': events.map(({ occurrence, status }) => ({
              't:StartTime': wallClock(occurrence.start, zone),
              't:EndTime': wallClock(occurrence.end, zone),
              't:BusyType': status,
            })),
          }
        : {};
    }
    freeBusyView['t:WorkingHours'] = {
      't:TimeZone': {
        't:Bias': 0,
        't:StandardTime': {
          't:Bias': 0,
          't:Time': '02:00:00',
          't:DayOrder': 5,
          't:Month': 10,
          't:DayOfWeek': 'Sunday',
        },
        't:DaylightTime': {
          't:Bias': -60,
          't:Time': '01:00:00',
          't:DayOrder': 5,
          't:Month': 3,
          't:DayOfWeek': 'Sunday',
        },
      },
      't:WorkingPeriodArray': {
        't:WorkingPeriod': {
          't:DayOfWeek': 'Monday Tuesday Wednesday Thursday Friday',
          't:StartTimeInMinutes': 480,
          't:EndTimeInMinutes': 1020,
        },
      },
    };
    return {
      'm:ResponseMessage': { '@_ResponseClass': 'Success', 'm:ResponseCode': 'NoError' },
      'm:FreeBusyView': freeBusyView,
    };
  });
  return { 'm:FreeBusyResponseArray': { 'm:FreeBusyResponse': responses } };
}
