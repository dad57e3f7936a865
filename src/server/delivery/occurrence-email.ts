import type { OutgoingMail } from '@/server/mail/mailer';
import { buildItipCalendar, type ItipAttendee } from './itip';
import type { DeliveryState } from './meeting-state';
import type { DeliveryDeps } from './organizer-copy';

interface OccurrenceForEmail {
  originalStartsAt: Date;
  status: 'scheduled' | 'cancelled';
  startsAt: Date;
  endsAt: Date;
  title: string | null;
  description: string | null;
  location: string | null;
  sequence: number;
}

/**
 * Tandem's iMIP for one occurrence of a series it delivers by email (RFC 5546 §3.2.2 and §3.2.5):
 * a REQUEST or CANCEL whose VEVENT names the occurrence by RECURRENCE-ID and carries the
 * occurrence's own SEQUENCE, so the attendee's calendar changes that one and keeps the series.
 */
export function occurrenceItipMail(
  deps: Pick<DeliveryDeps, 'mailer' | 'now'>,
  state: DeliveryState,
  occurrence: OccurrenceForEmail,
  attendeeId: string,
): OutgoingMail | null {
  const { meeting } = state;
  const delivery = state.plan.attendees.find((attendee) => attendee.attendeeId === attendeeId);
  if (!delivery) return null;
  const cancelled = occurrence.status === 'cancelled';
  const method = cancelled ? 'CANCEL' : 'REQUEST';
  const attendees: ItipAttendee[] = state.plan.attendees.flatMap((planned) => {
    const person = state.attendees.find((candidate) => candidate.attendeeId === planned.attendeeId);
    if (!person || (cancelled && planned.attendeeId !== attendeeId)) return [];
    return [
      { email: planned.address, name: person.name, response: person.response, isOptional: person.isOptional },
    ];
  });
  const title = occurrence.title ?? meeting.title;
  const content = buildItipCalendar({
    method,
    meeting: {
      ...meeting,
      sequence: occurrence.sequence,
      title,
      description: occurrence.description ?? meeting.description,
      location: occurrence.location ?? meeting.location,
      startsAt: occurrence.startsAt,
      endsAt: occurrence.endsAt,
      recurrence: null,
    },
    organizer: { email: deps.mailer.imipAddress, name: state.organizer.name },
    attendees,
    recurrenceId: occurrence.originalStartsAt,
    now: deps.now(),
  });
  const organizerName = state.organizer.name ?? state.organizer.email;
  const originally = dayIn(occurrence.originalStartsAt, meeting.timeZone);
  const text = cancelled
    ? `${organizerName} cancelled ${title} on ${originally}. The other occurrences stay as they are.`
    : `${organizerName} changed ${title} on ${originally}: it is now ${whenIn(occurrence, meeting.timeZone)}.` +
      ((occurrence.location ?? meeting.location)
        ? `\nWhere: ${occurrence.location ?? meeting.location}`
        : '');
  const person = state.attendees.find((attendee) => attendee.attendeeId === attendeeId);
  return {
    to: [{ email: delivery.address, name: person?.name ?? null }],
    from: { email: deps.mailer.from.email, name: `${organizerName} via Tandem` },
    subject: `${cancelled ? 'Cancelled' : 'Updated'}: ${title} on ${originally}`,
    text,
    calendar: { method, content },
  };
}

function dayIn(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(instant);
}

function whenIn(occurrence: { startsAt: Date; endsAt: Date }, zone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
  return `${dayIn(occurrence.startsAt, zone)}, ${time.format(occurrence.startsAt)}–${time.format(occurrence.endsAt)} (${zone})`;
}
