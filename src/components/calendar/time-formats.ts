/**
 * Time formatting for the calendar grid with one `Intl.DateTimeFormat` per format, locale and zone.
 * FullCalendar builds a new Intl formatter for every time *range* it writes (each timed event's
 * "10:00 - 11:00"), which was nearly half the cost of redrawing a 1,000-event week (issue 16);
 * given a function instead, it calls the function and builds nothing.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The one formatter for these options, made on first use. */
export function cachedDateTimeFormat(
  locales: string | string[],
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = JSON.stringify([locales, options]);
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locales, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** 24-hour times, as in the grid's slot labels and the form's time inputs. */
export const HOURS_AND_MINUTES = { hour: '2-digit', minute: '2-digit', hour12: false } as const;

/** The part of FullCalendar's formatting argument used here (its `VerboseFormattingArg`). */
interface FormattingArg {
  /** FullCalendar's markers are wall times in the calendar's zone, stored as UTC. */
  start: { marker: Date };
  end?: { marker: Date };
  localeCodes: string[];
  defaultSeparator: string;
}

/** FullCalendar's `eventTimeFormat`: "10:00 - 11:00", as its own formatter writes it, but cached. */
export function eventTimeText(arg: FormattingArg): string {
  const format = cachedDateTimeFormat(arg.localeCodes, { ...HOURS_AND_MINUTES, timeZone: 'UTC' });
  const start = format.format(arg.start.marker);
  if (!arg.end) return start;
  const end = format.format(arg.end.marker);
  return start === end ? start : `${start}${arg.defaultSeparator}${end}`;
}
