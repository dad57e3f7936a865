import type { ReactNode } from 'react';
import type { MeetingAttendeeView } from '@/server/meetings/queries';
import { RESPONSE_LABELS } from './labels';
import { formatTimeRange } from './wall-time';

/** Where an answer was given, as the tutor would say it. */
export function answeredVia(
  attendee: Pick<MeetingAttendeeView, 'respondedVia' | 'respondedProvider'>,
): string | null {
  switch (attendee.respondedVia) {
    case 'in_app':
      return 'in Tandem';
    case 'email':
      return 'by email';
    case 'email_link':
      return 'by email link';
    case 'provider':
      return PROVIDER_APPS[attendee.respondedProvider ?? ''] ?? 'in their calendar';
    default:
      return null;
  }
}

const PROVIDER_APPS: Record<string, string> = {
  google: 'in Google Calendar',
  microsoft: 'in Outlook',
  exchange: 'in Outlook',
  icloud: 'in iCloud',
  caldav: 'in their calendar',
};

/** Where the invitation went, in plain words: the delivery service's own sentence when it wrote one. */
export function deliveryText(delivery: MeetingAttendeeView['delivery']): string | null {
  if (delivery.detail) return delivery.detail;
  switch (delivery.state) {
    case 'pending':
      return delivery.method ? 'Sending the invitation' : null;
    case 'delivered':
      return delivery.method === 'tandem_email' ? 'Email sent' : 'In their calendar';
    case 'retrying':
      return 'Not delivered yet; trying again';
    case 'failed':
      return 'Could not deliver the invitation';
  }
}

interface AttendeeAnswersProps {
  attendees: MeetingAttendeeView[];
  zone: string;
  locale: string;
  /** Shown by each proposed time, for the organiser (the "Accept this time" button). */
  renderProposal?: ((attendee: MeetingAttendeeView) => ReactNode) | undefined;
}

/** Each invitee: their answer, when and by which way, their comment, a proposed time, and delivery. */
export function AttendeeAnswers({ attendees, zone, locale, renderProposal }: AttendeeAnswersProps) {
  const when = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <ul className="mt-1 divide-y divide-slate-200 rounded-md border border-slate-200">
      {attendees.map((attendee) => {
        const name = attendee.name ?? attendee.email;
        const answer =
          attendee.response === 'needs_action' ? 'No response yet' : RESPONSE_LABELS[attendee.response];
        const via = attendee.response === 'needs_action' ? null : answeredVia(attendee);
        const delivered = deliveryText(attendee.delivery);
        const failed = attendee.delivery.state === 'failed';
        return (
          <li key={attendee.id} className="space-y-1 px-3 py-2">
            <div className="flex flex-wrap justify-between gap-2">
              <span>
                {name}
                {attendee.userId ? null : <span className="text-slate-600"> (guest)</span>}
                {attendee.isOptional ? <span className="text-slate-600"> · optional</span> : null}
              </span>
              <span className="font-medium" aria-label={`${name}: ${answer}`}>
                {answer}
              </span>
            </div>
            {via || attendee.respondedAt ? (
              <p className="text-xs text-slate-600">
                {[
                  via,
                  attendee.respondedAt && attendee.response !== 'needs_action'
                    ? when.format(attendee.respondedAt)
                    : null,
                ]
                  .filter(Boolean)
                  .join(', ')}
              </p>
            ) : null}
            {attendee.comment ? (
              <p className="text-slate-800">
                <span className="sr-only">{name} wrote: </span>‘{attendee.comment}’
              </p>
            ) : null}
            {attendee.proposedStartsAt && attendee.proposedEndsAt ? (
              <div className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-2 py-1">
                <span>
                  Proposed a new time:{' '}
                  {formatTimeRange(attendee.proposedStartsAt, attendee.proposedEndsAt, zone, locale)}
                </span>
                {renderProposal?.(attendee)}
              </div>
            ) : null}
            {delivered ? (
              <p className={`text-xs ${failed ? 'font-medium text-red-700' : 'text-slate-600'}`}>
                <span className="sr-only">Invitation: </span>
                {delivered}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
