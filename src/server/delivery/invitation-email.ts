import { and, eq } from 'drizzle-orm';
import { createAnswerToken } from '@/server/answers/answer-token';
import { meetingLinks } from '@/server/db/schema';
import type { OutgoingMail } from '@/server/mail/mailer';
import { setAttendeeDelivery } from './attendee-states';
import type { AttendeeDelivery } from './decide';
import { buildItipCalendar, type ItipAttendee } from './itip';
import { loadDeliveryState, type DeliveryState, type MeetingRef } from './meeting-state';
import type { DeliveryDeps } from './organizer-copy';
import { emailTarget } from './occurrence-writes';
import { recordOccurrenceWrite } from './occurrence-records';
import { deliveryWords } from './words';

export type EmailOutcome = 'sent' | 'up_to_date';

/** Answer links stay valid until a week after the meeting ends. */
const LINK_GRACE_MS = 7 * 86_400_000;

/**
 * The email Tandem itself sends one attendee (DESIGN.md §4 rule 3), at most once per SEQUENCE:
 * - Tandem is the organiser of record (`tandem_email`): the iMIP REQUEST, or CANCEL, from Tandem,
 *   ORGANIZER its reply address with the organiser's name, so calendars add it and answers come
 *   back to Tandem; the Accept / Tentative / Decline links in its text;
 * - a provider invites them and they have no calendar of their own (a member without one, an
 *   outside guest): a short plain email with the links, without a calendar part, so no second
 *   calendar entry appears beside the provider's invitation.
 * The sequence is recorded after the send: a crash in between sends it again, never not at all.
 */
export async function sendInvitationEmail(
  deps: DeliveryDeps,
  ref: MeetingRef & { attendeeId: string },
): Promise<EmailOutcome> {
  const state = await loadDeliveryState(deps.db, ref);
  const { meeting } = state;
  const delivery = state.plan.attendees.find((attendee) => attendee.attendeeId === ref.attendeeId);
  const attendee = state.attendees.find((candidate) => candidate.attendeeId === ref.attendeeId);
  if (!delivery || !attendee) return 'up_to_date';
  if (attendee.deliveredSequence !== null && attendee.deliveredSequence >= meeting.sequence)
    return 'up_to_date';
  const cancelled = meeting.status === 'cancelled';
  // The links go with the provider's invitation: while the organiser's copy is not written (access
  // revoked, calendar to reconnect) there is none, and "email sent" would say it left.
  if (delivery.method === 'organizer_provider' && !(await organizerCopyWritten(deps, ref))) {
    return 'up_to_date';
  }
  const at = deps.now();
  let mail: OutgoingMail | null = null;
  if (delivery.tandemSendsItip) mail = itipMail(deps, state, delivery, cancelled);
  else if (delivery.answerLinks && !cancelled) mail = answerLinksMail(deps, state, delivery);
  else if (!delivery.answerLinks) return 'up_to_date';
  if (mail) {
    try {
      await deps.mailer.send(mail);
    } catch (error) {
      await setAttendeeDelivery(deps.db, ref.tenantId, [ref.attendeeId], {
        method: delivery.method,
        state: 'retrying',
        detail: deliveryWords.emailRetrying,
        at,
      });
      throw error;
    }
  }
  if (delivery.tandemSendsItip && !cancelled) {
    // The series REQUEST carried every occurrence exception as it is now: none is sent again alone.
    for (const occurrence of state.occurrences.filter((row) => row.version > 0)) {
      await recordOccurrenceWrite(deps.db, occurrence, emailTarget(ref.attendeeId), {
        externalId: null,
        etag: null,
        at,
      });
    }
  }
  await setAttendeeDelivery(deps.db, ref.tenantId, [ref.attendeeId], {
    method: delivery.method,
    state: 'delivered',
    detail: cancelled ? deliveryWords.cancellationSent : deliveryWords.emailSent,
    sequence: meeting.sequence,
    at,
  });
  return 'sent';
}

async function organizerCopyWritten(deps: DeliveryDeps, ref: MeetingRef): Promise<boolean> {
  const [link] = await deps.db
    .select({ state: meetingLinks.state })
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, ref.meetingId),
        eq(meetingLinks.role, 'organizer'),
      ),
    );
  return link?.state === 'written';
}

function itipMail(
  deps: DeliveryDeps,
  state: DeliveryState,
  delivery: AttendeeDelivery,
  cancelled: boolean,
): OutgoingMail {
  const { meeting } = state;
  const method = cancelled ? 'CANCEL' : 'REQUEST';
  const attendees: ItipAttendee[] = state.plan.attendees.flatMap((planned) => {
    const person = state.attendees.find((candidate) => candidate.attendeeId === planned.attendeeId);
    return person
      ? [
          {
            email: planned.address,
            name: person.name,
            response: person.response,
            isOptional: person.isOptional,
          },
        ]
      : [];
  });
  const content = buildItipCalendar({
    method,
    meeting,
    organizer: { email: deps.mailer.imipAddress, name: state.organizer.name },
    attendees: cancelled ? attendees.filter((attendee) => attendee.email === delivery.address) : attendees,
    exceptions: state.occurrences.map((occurrence) => ({
      originalStartsAt: occurrence.originalStartsAt,
      cancelled: occurrence.status === 'cancelled',
      sequence: occurrence.sequence,
      title: occurrence.title ?? meeting.title,
      description: occurrence.description ?? meeting.description,
      location: occurrence.location ?? meeting.location,
      startsAt: occurrence.startsAt,
      endsAt: occurrence.endsAt,
    })),
    now: deps.now(),
  });
  const text = cancelled
    ? [`${organizerName(state)} cancelled this meeting.`, '', ...describeMeeting(state)].join('\n')
    : [
        `${organizerName(state)} invited you.`,
        '',
        ...describeMeeting(state),
        '',
        ...answerLinkLines(deps, state, delivery),
      ].join('\n');
  return {
    to: [{ email: delivery.address, name: nameOf(state, delivery) }],
    from: { email: deps.mailer.from.email, name: `${organizerName(state)} via Tandem` },
    subject: `${cancelled ? 'Cancelled' : 'Invitation'}: ${meeting.title} (${when(state)})`,
    text,
    calendar: { method, content },
  };
}

function answerLinksMail(deps: DeliveryDeps, state: DeliveryState, delivery: AttendeeDelivery): OutgoingMail {
  const text = [
    `${organizerName(state)} invited you. The invitation itself comes from their calendar; you can also answer here.`,
    '',
    ...describeMeeting(state),
    '',
    ...answerLinkLines(deps, state, delivery),
  ].join('\n');
  return {
    to: [{ email: delivery.address, name: nameOf(state, delivery) }],
    from: { email: deps.mailer.from.email, name: `${organizerName(state)} via Tandem` },
    subject: `Answer: ${state.meeting.title} (${when(state)})`,
    text,
  };
}

function answerLinkLines(deps: DeliveryDeps, state: DeliveryState, delivery: AttendeeDelivery): string[] {
  const { meeting } = state;
  const expiresAt = new Date(meeting.endsAt.getTime() + LINK_GRACE_MS);
  const token = createAnswerToken(
    deps.answerLinkKey,
    { tenantId: meeting.tenantId, meetingId: meeting.id, attendeeId: delivery.attendeeId },
    expiresAt,
  );
  const link = (response: string) =>
    `${deps.appUrl.replace(/\/$/, '')}/answer/${encodeURIComponent(token)}?response=${response}`;
  return [
    'Will you come? Answer with one of these links (no need to sign in):',
    `Accept: ${link('accepted')}`,
    `Tentative: ${link('tentative')}`,
    `Decline: ${link('declined')}`,
    '',
    `The links work until ${formatDay(expiresAt, meeting.timeZone)}.`,
  ];
}

export function describeMeeting(state: DeliveryState): string[] {
  const { meeting } = state;
  return [
    meeting.title,
    `When: ${when(state)}`,
    ...(meeting.location ? [`Where: ${meeting.location}`] : []),
    ...(meeting.onlineUrl ? [`Online: ${meeting.onlineUrl}`] : []),
    ...(meeting.description ? ['', meeting.description] : []),
  ];
}

export function organizerName(state: DeliveryState): string {
  return state.organizer.name ?? state.organizer.email;
}

function nameOf(state: DeliveryState, delivery: AttendeeDelivery): string | null {
  return state.attendees.find((attendee) => attendee.attendeeId === delivery.attendeeId)?.name ?? null;
}

export function when(state: DeliveryState): string {
  const { meeting } = state;
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: meeting.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(meeting.startsAt);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: meeting.timeZone,
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${day}, ${time.format(meeting.startsAt)}–${time.format(meeting.endsAt)} (${meeting.timeZone})`;
}

function formatDay(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant);
}
