import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { showAnswerLink, type AnswerLinkView } from '@/server/answers/answer-link';
import { appDeps } from '@/server/app-deps';
import { DomainError } from '@/server/errors';
import { AnswerForm } from './answer-form';

export const metadata: Metadata = { title: 'Answer an invitation', robots: { index: false } };

const CHOICES = ['accepted', 'tentative', 'declined'];

/**
 * The page an invitation email's Accept / Tentative / Decline links open, without signing in.
 * Opening it changes nothing (mail scanners follow links): the person confirms with the form.
 */
export default async function AnswerPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ response?: string }>;
}) {
  const [{ token }, { response }] = await Promise.all([params, searchParams]);
  const app = await appDeps();
  let view: AnswerLinkView | null = null;
  let refusal: string | null = null;
  try {
    view = await showAnswerLink(app, token);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refusal = error.message;
  }
  return (
    <main id="main" className="mx-auto max-w-lg p-6 md:pt-16">
      <section
        aria-labelledby="answer-heading"
        className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        {view ? (
          <>
            <h1 id="answer-heading" className="text-2xl font-semibold">
              {view.meeting.title}
            </h1>
            <MeetingFacts view={view} />
            {view.meeting.cancelled ? (
              <Alert tone="info">This meeting was cancelled: there is nothing to answer.</Alert>
            ) : (
              <AnswerForm
                token={token}
                preselected={
                  response && CHOICES.includes(response)
                    ? response
                    : view.attendee.response === 'needs_action'
                      ? null
                      : view.attendee.response
                }
                comment={view.attendee.comment}
              />
            )}
          </>
        ) : (
          <>
            <h1 id="answer-heading" className="mb-4 text-2xl font-semibold">
              Answer an invitation
            </h1>
            <Alert tone="error">{refusal}</Alert>
          </>
        )}
      </section>
    </main>
  );
}

function MeetingFacts({ view }: { view: AnswerLinkView }) {
  const { meeting, attendee } = view;
  const zone = attendee.timeZone;
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: zone }).format(
    meeting.startsAt,
  );
  const time = (at: Date) =>
    new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: zone }).format(at);
  return (
    <dl className="mb-6 mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-slate-800">
      <dt className="font-medium">For</dt>
      <dd>{attendee.name}</dd>
      <dt className="font-medium">When</dt>
      <dd>
        {day}, {time(meeting.startsAt)} to {time(meeting.endsAt)} ({zone})
      </dd>
      <dt className="font-medium">Organiser</dt>
      <dd>{meeting.organizerName}</dd>
      {meeting.location ? (
        <>
          <dt className="font-medium">Where</dt>
          <dd>{meeting.location}</dd>
        </>
      ) : null}
      {meeting.onlineUrl ? (
        <>
          <dt className="font-medium">Online</dt>
          <dd>
            <a className="text-brand-700 underline" href={meeting.onlineUrl}>
              Join link
            </a>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
