import ICAL from 'ical.js';
import { offsetAt, wallFromNaiveMs, type WallTime } from './time-zones';

/**
 * Builds the VTIMEZONE an iCalendar object must carry for each TZID it uses (RFC 5545 §3.6.5),
 * from the runtime's tz database. Transitions around the event are written out one by one; the
 * rule of the last year is repeated with a yearly RRULE, so a long series stays correct.
 */

interface Transition {
  at: number;
  from: number;
  to: number;
}

const DAY = 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export function buildVtimezone(zone: string, aroundYear: number): ICAL.Component {
  const vtimezone = new ICAL.Component('vtimezone');
  vtimezone.addPropertyWithValue('tzid', zone);
  const fromYear = aroundYear - 1;
  const toYear = aroundYear + 1;
  const transitions = findTransitions(Date.UTC(fromYear, 0, 1), Date.UTC(toYear + 1, 0, 1), zone);

  if (transitions.length === 0) {
    const offset = offsetAt(Date.UTC(aroundYear, 0, 1), zone);
    vtimezone.addSubcomponent(
      observance('standard', wallFromNaiveMs(Date.UTC(1970, 0, 1)), offset, offset, null),
    );
    return vtimezone;
  }

  // Observances only apply from their DTSTART on: one from 1970 covers the time before the first change.
  const first = transitions[0]!;
  const before = first.to > first.from ? 'standard' : 'daylight';
  vtimezone.addSubcomponent(
    observance(before, wallFromNaiveMs(Date.UTC(1970, 0, 1)), first.from, first.from, null),
  );

  const lastYear = transitions.filter((transition) => new Date(transition.at).getUTCFullYear() === toYear);
  const repeatLastYear = lastYear.length === 2;
  for (const transition of transitions) {
    const wall = wallFromNaiveMs(transition.at + transition.from);
    const kind = transition.to > transition.from ? 'daylight' : 'standard';
    const rule = repeatLastYear && lastYear.includes(transition) ? yearlyRule(wall) : null;
    vtimezone.addSubcomponent(observance(kind, wall, transition.from, transition.to, rule));
  }
  return vtimezone;
}

function observance(
  kind: 'standard' | 'daylight',
  wall: WallTime,
  from: number,
  to: number,
  rule: string | null,
): ICAL.Component {
  const component = new ICAL.Component(kind);
  component.addPropertyWithValue('dtstart', ICAL.Time.fromData({ ...wall, isDate: false }));
  component.addPropertyWithValue('tzoffsetfrom', utcOffset(from));
  component.addPropertyWithValue('tzoffsetto', utcOffset(to));
  if (rule) component.addPropertyWithValue('rrule', ICAL.Recur.fromString(rule));
  return component;
}

function utcOffset(offsetMs: number): ICAL.UtcOffset {
  const totalMinutes = Math.round(offsetMs / 60_000);
  const factor = totalMinutes < 0 ? -1 : 1;
  const minutes = Math.abs(totalMinutes);
  return new ICAL.UtcOffset({ hours: Math.floor(minutes / 60), minutes: minutes % 60, factor });
}

/** `FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU` style rule for the transition's month and weekday. */
function yearlyRule(wall: WallTime): string {
  const weekday = WEEKDAYS[new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay()] ?? 'SU';
  const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  const ordinal = wall.day + 7 > daysInMonth ? -1 : Math.ceil(wall.day / 7);
  return `FREQ=YEARLY;BYMONTH=${wall.month};BYDAY=${ordinal}${weekday}`;
}

/** Offset changes between `start` and `end`, each located to the minute by bisection. */
function findTransitions(start: number, end: number, zone: string): Transition[] {
  const transitions: Transition[] = [];
  let previous = offsetAt(start, zone);
  for (let day = start + DAY; day <= end; day += DAY) {
    const current = offsetAt(day, zone);
    if (current === previous) continue;
    let low = day - DAY;
    let high = day;
    while (high - low > 60_000) {
      const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
      if (offsetAt(middle, zone) === previous) low = middle;
      else high = middle;
    }
    transitions.push({ at: high, from: previous, to: current });
    previous = current;
  }
  return transitions;
}
