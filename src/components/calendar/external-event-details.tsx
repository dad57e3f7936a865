import { DateTime } from 'luxon';
import type { CalendarLegendEntry, MirroredEvent } from '@/server/calendar/feed';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { formatTimeRange } from './wall-time';

function formatWhen(event: MirroredEvent, zone: string): string {
  if (!event.allDay || !event.startDate) return formatTimeRange(event.startsAt, event.endsAt, zone);
  const first = DateTime.fromISO(event.startDate);
  // All-day ends are exclusive: a one-day event ends the next day.
  const last = event.endDate ? DateTime.fromISO(event.endDate).minus({ days: 1 }) : first;
  const format = 'cccc d LLLL yyyy';
  return last > first ? `${first.toFormat(format)} – ${last.toFormat(format)} (all day)` : `${first.toFormat(format)} (all day)`;
}

function describeCalendar(calendar: CalendarLegendEntry): string {
  const provider = PROVIDER_LABELS[calendar.provider];
  return calendar.name === calendar.accountEmail
    ? `${calendar.name} (${provider})`
    : `${calendar.name} (${provider}, ${calendar.accountEmail})`;
}

/** A third-party event, read-only: what, when (in the user's zone), where, and which calendar. */
export function ExternalEventDetails({ event, calendar, zone }: { event: MirroredEvent; calendar: CalendarLegendEntry | undefined; zone: string }) {
  return (
    <div className="space-y-3 text-sm">
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
      <dt className="font-medium text-slate-700">When</dt>
      <dd>{formatWhen(event, zone)}</dd>
      {event.location ? (
        <>
          <dt className="font-medium text-slate-700">Where</dt>
          <dd>{event.location}</dd>
        </>
      ) : null}
      <dt className="font-medium text-slate-700">Calendar</dt>
      <dd>
        {calendar ? describeCalendar(calendar) : 'A connected calendar'}
      </dd>
    </dl>
    <p className="border-t border-slate-200 pt-3 text-slate-700">
      Read-only in Tandem: change it in {calendar ? PROVIDER_LABELS[calendar.provider] : 'its own calendar app'}.
    </p>
    </div>
  );
}
