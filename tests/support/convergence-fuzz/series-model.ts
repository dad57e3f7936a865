/**
 * The model of a recurring meeting in the randomized convergence run: its weekly starts, the
 * occurrences changed on their own (exceptions, cancelled ones included) and the organiser's
 * changes to single instances that no sync has brought in yet. Times are reckoned in the series'
 * own zone, wall-clock, as iCalendar does (a weekly 10:00 stays 10:00 across a DST change).
 */
import { DateTime } from 'luxon';
import type { ModelMeeting } from './model';

export const SERIES_ZONE = 'Europe/London';

export interface ModelOccurrence {
  status: 'scheduled' | 'cancelled';
  startsAt: number;
  endsAt: number;
  /** Null: the series' title. */
  title: string | null;
}

export interface ModelSeries {
  /** Original starts (RECURRENCE-ID), ascending. */
  starts: number[];
  /** Occurrences changed on their own, by original start. */
  exceptions: Map<number, ModelOccurrence>;
  /** The organiser's unsynced changes to one instance in their own calendar, by original start. */
  pending: Map<number, ModelOccurrence>;
}

/** `count` weekly starts from `first`, wall-clock in the series' zone. */
export function weeklyStarts(first: number, count: number): number[] {
  const start = DateTime.fromMillis(first, { zone: SERIES_ZONE });
  return Array.from({ length: count }, (_, week) => start.plus({ weeks: week }).toMillis());
}

/** `instant` moved by as much wall-clock time as `from` → `to` (the series' zone). */
export function shiftedWallClock(instant: number, from: number, to: number): number {
  const wall = (ms: number) => {
    const local = DateTime.fromMillis(ms, { zone: SERIES_ZONE });
    return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  };
  const target = new Date(wall(instant) + wall(to) - wall(from));
  return DateTime.fromObject(
    {
      year: target.getUTCFullYear(),
      month: target.getUTCMonth() + 1,
      day: target.getUTCDate(),
      hour: target.getUTCHours(),
      minute: target.getUTCMinutes(),
      second: target.getUTCSeconds(),
    },
    { zone: SERIES_ZONE },
  ).toMillis();
}

/** An occurrence as it stands now (Tandem's side), with the organiser's unsynced change on top when `withPending`. */
export function occurrenceAt(
  meeting: ModelMeeting,
  original: number,
  options: { withPending: boolean } = { withPending: false },
): ModelOccurrence {
  const series = meeting.series!;
  const pending = options.withPending ? series.pending.get(original) : undefined;
  return (
    pending ??
    series.exceptions.get(original) ?? {
      status: 'scheduled',
      startsAt: original,
      endsAt: original + (meeting.fields.endsAt - meeting.fields.startsAt),
      title: null,
    }
  );
}

/** Every occurrence of the series as everyone should see it once everything has synced, in order. */
export function expectedOccurrences(
  meeting: ModelMeeting,
): Array<{ originalStartsAt: number; status: string; startsAt: number; endsAt: number; title: string }> {
  return meeting.series!.starts.map((original) => {
    const occurrence = occurrenceAt(meeting, original);
    return {
      originalStartsAt: original,
      status: meeting.status === 'cancelled' ? 'cancelled' : occurrence.status,
      startsAt: occurrence.startsAt,
      endsAt: occurrence.endsAt,
      title: occurrence.title ?? meeting.fields.title,
    };
  });
}

/** The organiser's calendar synced: their instance changes become Tandem's exceptions. */
export function seriesOrganizerSynced(meeting: ModelMeeting) {
  const series = meeting.series;
  if (!series) return;
  for (const [original, occurrence] of series.pending) series.exceptions.set(original, occurrence);
  series.pending.clear();
}
