import { DateTime } from 'luxon';
import type {
  AvailabilityInterval,
  AvailabilityState,
  PersonAvailability,
} from '@/server/scheduling/contract';
import { REASON_LABELS, STATE_LABELS, STATE_WEIGHT } from './availability-states';

export interface SlotStanding {
  person: PersonAvailability;
  state: AvailabilityState;
  reason?: AvailabilityInterval['reason'];
}

/**
 * A person's worst state anywhere inside [start, end): time no interval covers is free (the
 * server may send only what is not free).
 */
export function standingIn(person: PersonAvailability, start: Date, end: Date): SlotStanding {
  let worst: SlotStanding = { person, state: 'free' };
  const from = start.getTime();
  const to = end.getTime();
  for (const interval of person.intervals) {
    if (Date.parse(interval.start) >= to || Date.parse(interval.end) <= from) continue;
    if (STATE_WEIGHT[interval.state] > STATE_WEIGHT[worst.state]) {
      worst = interval.reason
        ? { person, state: interval.state, reason: interval.reason }
        : { person, state: interval.state };
    }
  }
  return worst;
}

/** "Tuesday 3 December, 10:00 to 11:00", in the viewer's zone (names in their language). */
export function slotWhen(start: Date, end: Date, zone: string, locale: string): string {
  const from = DateTime.fromJSDate(start, { zone }).setLocale(locale);
  const to = DateTime.fromJSDate(end, { zone });
  // The shape the server's suggestion summaries use (contract.ts), so the two read alike.
  const day = from.toFormat('cccc d LLLL');
  return `${day}, ${from.toFormat('HH:mm')} to ${to.toFormat('HH:mm')}`;
}

function standingWords(standing: SlotStanding): string {
  const name = standing.person.required ? standing.person.name : `${standing.person.name} (optional)`;
  const state = STATE_LABELS[standing.state].toLowerCase();
  const reason = standing.reason ? ` (${REASON_LABELS[standing.reason]})` : '';
  return `${name} ${state}${reason}`;
}

/**
 * What a screen reader says for a slot: "Tuesday 3 December, 10:00 to 11:00: all 4 free", or
 * who is not free and how many are.
 */
export function slotSummary(
  people: PersonAvailability[],
  start: Date,
  end: Date,
  zone: string,
  locale: string,
): string {
  const when = slotWhen(start, end, zone, locale);
  const standings = people.map((person) => standingIn(person, start, end));
  const notFree = standings.filter((standing) => standing.state !== 'free');
  if (notFree.length === 0) return `${when}: all ${people.length} free`;
  // The ones who matter most first: busy before tentative before no information.
  notFree.sort((a, b) => STATE_WEIGHT[b.state] - STATE_WEIGHT[a.state]);
  const free = standings.length - notFree.length;
  const rest = free > 0 ? `; ${free} free` : '';
  return `${when}: ${notFree.map(standingWords).join(', ')}${rest}`;
}
