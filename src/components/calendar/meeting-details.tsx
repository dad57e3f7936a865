'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { CalendarMeeting } from '@/server/calendar/feed';
import type { OccurrenceScope } from '@/server/meetings/inputs';
import type { MeetingView } from '@/server/meetings/queries';
import { useTRPC } from '@/trpc/react';
import { AcceptProposedTime } from './accept-proposed-time';
import { AnswerForm } from './answer-form';
import { AttendeeAnswers } from './attendee-answers';
import { KIND_LABELS, RESPONSE_LABELS } from './labels';
import { ScopeChoice } from './occurrence-scope';
import { describeRepeats } from './repeats-fields';
import { formatTimeRange } from './wall-time';

export function MeetingDetails({
  meeting,
  zone,
  locale,
  onEdit,
  onClose,
}: {
  meeting: MeetingView & { occurrence?: CalendarMeeting['occurrence'] };
  zone: string;
  locale: string;
  onEdit: () => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [cancelScope, setCancelScope] = useState<OccurrenceScope>('occurrence');
  const occurrence = meeting.occurrence ?? null;
  const repeats = describeRepeats(meeting.recurrence, locale, zone);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.meetings.pathKey() });
  };
  const respond = useMutation(trpc.meetings.respond.mutationOptions({ onSuccess: refresh }));
  const acceptProposal = useMutation(
    trpc.meetings.acceptProposedTime.mutationOptions({ onSuccess: refresh }),
  );
  const cancel = useMutation(
    trpc.meetings.cancel.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const cancelled = meeting.status === 'cancelled';
  const error = respond.error ?? cancel.error;

  return (
    <div className="space-y-4 text-sm">
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      {cancelled ? (
        <Alert tone="info">This {KIND_LABELS[meeting.kind].toLowerCase()} was cancelled.</Alert>
      ) : null}
      {!cancelled && meeting.calendarsNotUpdated.length > 0 ? (
        <Alert tone="info">
          <p className="font-medium">Calendars Tandem cannot update</p>
          <ul className="mt-1 list-disc pl-5">
            {meeting.calendarsNotUpdated.map((sentence) => (
              <li key={sentence}>{sentence}</li>
            ))}
          </ul>
          <p className="mt-1">The meeting itself is unchanged in Tandem.</p>
        </Alert>
      ) : null}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
        <dt className="font-medium text-slate-700">Type</dt>
        <dd>{KIND_LABELS[meeting.kind]}</dd>
        <dt className="font-medium text-slate-700">When</dt>
        <dd>{formatTimeRange(meeting.startsAt, meeting.endsAt, zone, locale)}</dd>
        {repeats ? (
          <>
            <dt className="font-medium text-slate-700">Repeats</dt>
            <dd>{repeats}</dd>
          </>
        ) : null}
        {meeting.location ? (
          <>
            <dt className="font-medium text-slate-700">Where</dt>
            <dd>{meeting.location}</dd>
          </>
        ) : null}
        {meeting.onlineUrl ? (
          <>
            <dt className="font-medium text-slate-700">Online</dt>
            <dd>
              <a
                href={meeting.onlineUrl}
                className="break-all text-brand-700 underline"
                target="_blank"
                rel="noreferrer"
              >
                {meeting.onlineUrl}
              </a>
            </dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-700">Organiser</dt>
        <dd>{meeting.organizer.name ?? meeting.organizer.email}</dd>
      </dl>
      {meeting.description ? (
        <p className="whitespace-pre-line text-slate-800">{meeting.description}</p>
      ) : null}

      <section aria-labelledby="attendees-heading">
        <h3 id="attendees-heading" className="font-semibold">
          Invitees
        </h3>
        <AttendeeAnswers
          attendees={meeting.attendees}
          zone={zone}
          locale={locale}
          {...(meeting.myRole === 'organizer' && !cancelled
            ? {
                renderProposal: (attendee: MeetingView['attendees'][number]) => (
                  <AcceptProposedTime
                    meeting={meeting}
                    attendee={attendee}
                    accept={acceptProposal.mutateAsync}
                  />
                ),
              }
            : {})}
        />
      </section>

      {meeting.myRole === 'attendee' && !cancelled ? (
        <section aria-labelledby="answer-heading">
          <h3 id="answer-heading" className="font-semibold">
            Your answer:{' '}
            {meeting.myResponse ? RESPONSE_LABELS[meeting.myResponse] : RESPONSE_LABELS.needs_action}
          </h3>
          <AnswerForm
            current={meeting.myResponse}
            pending={respond.isPending}
            withComment
            onAnswer={(answer) => respond.mutate({ id: meeting.id, ...answer })}
          />
        </section>
      ) : null}

      {meeting.myRole === 'organizer' && !cancelled ? (
        <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 pt-4">
          {confirmingCancel ? (
            <>
              {occurrence ? (
                <div className="w-full">
                  <ScopeChoice
                    legend="Cancel which occurrences?"
                    value={cancelScope}
                    onChange={setCancelScope}
                  />
                </div>
              ) : (
                <span className="self-center">
                  Cancel this {KIND_LABELS[meeting.kind].toLowerCase()} for everyone?
                </span>
              )}
              <Button variant="secondary" onClick={() => setConfirmingCancel(false)}>
                Keep it
              </Button>
              <Button
                variant="danger"
                disabled={cancel.isPending}
                onClick={() =>
                  cancel.mutate({
                    id: meeting.id,
                    ...(occurrence
                      ? { occurrence: { scope: cancelScope, originalStartsAt: occurrence.originalStartsAt } }
                      : {}),
                  })
                }
              >
                Yes, cancel {KIND_LABELS[meeting.kind].toLowerCase()}
              </Button>
            </>
          ) : (
            <>
              <Button variant="secondary" onClick={onEdit}>
                Edit
              </Button>
              <Button variant="danger" onClick={() => setConfirmingCancel(true)}>
                Cancel {KIND_LABELS[meeting.kind].toLowerCase()}
              </Button>
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
