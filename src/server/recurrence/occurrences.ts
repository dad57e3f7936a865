import { seriesOccurrences } from '@/server/calendar/recurrence-expansion';
import type { MeetingStatus } from '@/server/db/schema';

/** At most this many occurrences of one series per request: a range never expands without bound. */
export const MAX_OCCURRENCES_PER_SERIES = 400;

export interface SeriesFields {
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  recurrence: string[] | null;
  status: MeetingStatus;
  title: string;
  description: string | null;
  location: string | null;
}

/** A `meeting_occurrences` row as expansion needs it. */
export interface OccurrenceException {
  originalStartsAt: Date;
  status: MeetingStatus;
  startsAt: Date;
  endsAt: Date;
  title: string | null;
  description: string | null;
  location: string | null;
}

export interface Occurrence {
  /** RECURRENCE-ID: where the series puts it, whatever an exception did to it. */
  originalStartsAt: Date;
  startsAt: Date;
  endsAt: Date;
  status: MeetingStatus;
  title: string;
  description: string | null;
  location: string | null;
  /** True when a `meeting_occurrences` row changed it. */
  isException: boolean;
}

/** Every start the series gives in [from, to) (the meeting's own zone, DST-correct), capped. */
export function seriesStarts(series: SeriesFields, from: Date, to: Date): Date[] {
  if (!series.recurrence || series.recurrence.length === 0)
    return series.startsAt >= from && series.startsAt < to ? [series.startsAt] : [];
  return seriesOccurrences(
    {
      recurrence: series.recurrence,
      start: { kind: 'timed', start: series.startsAt, timeZone: series.timeZone },
    },
    from,
    to,
  ).slice(0, MAX_OCCURRENCES_PER_SERIES);
}

/** Whether `originalStartsAt` is one of the series' own starts. */
export function isSeriesStart(series: SeriesFields, originalStartsAt: Date): boolean {
  const ms = originalStartsAt.getTime();
  return seriesStarts(series, new Date(ms), new Date(ms + 1)).some((start) => start.getTime() === ms);
}

/**
 * The occurrences overlapping [from, to), exceptions applied: a moved one is where it was moved
 * to (even from outside the range), a cancelled one is kept with status `cancelled` (the calendar
 * draws it as cancelled, as it does a cancelled meeting). A cancelled series cancels them all.
 */
export function expandOccurrences(
  series: SeriesFields,
  exceptions: OccurrenceException[],
  from: Date,
  to: Date,
): Occurrence[] {
  const length = series.endsAt.getTime() - series.startsAt.getTime();
  const byOriginal = new Map(exceptions.map((row) => [row.originalStartsAt.getTime(), row]));
  // An occurrence starting just before the range can still overlap it.
  const starts = seriesStarts(series, new Date(from.getTime() - length), to);
  const seen = new Set<number>();
  const occurrences: Occurrence[] = [];
  const add = (originalStartsAt: Date) => {
    if (seen.has(originalStartsAt.getTime())) return;
    seen.add(originalStartsAt.getTime());
    const exception = byOriginal.get(originalStartsAt.getTime());
    const occurrence: Occurrence = exception
      ? {
          originalStartsAt,
          startsAt: exception.startsAt,
          endsAt: exception.endsAt,
          status: series.status === 'cancelled' ? 'cancelled' : exception.status,
          title: exception.title ?? series.title,
          description: exception.description ?? series.description,
          location: exception.location ?? series.location,
          isException: true,
        }
      : {
          originalStartsAt,
          startsAt: originalStartsAt,
          endsAt: new Date(originalStartsAt.getTime() + length),
          status: series.status,
          title: series.title,
          description: series.description,
          location: series.location,
          isException: false,
        };
    if (occurrence.startsAt < to && occurrence.endsAt > from) occurrences.push(occurrence);
  };
  for (const start of starts) add(start);
  // Moved into the range from an original start outside it; only if the series still has that start.
  for (const exception of exceptions) {
    if (
      exception.startsAt < to &&
      exception.endsAt > from &&
      isSeriesStart(series, exception.originalStartsAt)
    )
      add(exception.originalStartsAt);
  }
  return occurrences.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
