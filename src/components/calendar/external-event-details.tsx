import { DateTime } from 'luxon';
import type { CalendarLegendEntry } from '@/server/calendar/feed';
import type { GridExternalEvent } from '@/server/calendar/grid-feed';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { formatLongDate, formatTimeRange } from './wall-time';

function formatWhen(event: GridExternalEvent, zone: string, locale: string): string {
  if (!event.days) return formatTimeRange(new Date(event.start), new Date(event.end), zone, locale);
  const first = DateTime.fromISO(event.days.start);
  // All-day ends are exclusive: a one-day event ends the next day.
  const last = event.days.end ? DateTime.fromISO(event.days.end).minus({ days: 1 }) : first;
  const [from, to] = [formatLongDate(first, locale), formatLongDate(last, locale)];
  return last > first ? `${from} – ${to} (all day)` : `${from} (all day)`;
}

function describeCalendar(calendar: CalendarLegendEntry): string {
  const provider = PROVIDER_LABELS[calendar.provider];
  return calendar.name === calendar.accountEmail
    ? `${calendar.name} (${provider})`
    : `${calendar.name} (${provider}, ${calendar.accountEmail})`;
}

/** A third-party event, read-only: what, when (in the user's zone), where, and which calendar. */
export function ExternalEventDetails({
  event,
  calendar,
  zone,
  locale,
}: {
  event: GridExternalEvent;
  calendar: CalendarLegendEntry | undefined;
  zone: string;
  locale: string;
}) {
  return (
    <div className="space-y-3 text-sm">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
        <dt className="font-medium text-slate-700">When</dt>
        <dd>{formatWhen(event, zone, locale)}</dd>
        {event.location ? (
          <>
            <dt className="font-medium text-slate-700">Where</dt>
            <dd>{event.location}</dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-700">Calendar</dt>
        <dd>{calendar ? describeCalendar(calendar) : 'A connected calendar'}</dd>
      </dl>
      <p className="border-t border-slate-200 pt-3 text-slate-700">
        Read-only in Tandem: change it in{' '}
        {calendar ? PROVIDER_LABELS[calendar.provider] : 'its own calendar app'}.
      </p>
    </div>
  );
}
