import { reflectResponse } from './attendee-copies';
import { parseTimes } from './event-input';
import { asInputError, deleteEvent, exceptionFor } from './event-writes';
import { badRequest } from './graph-errors';
import { mailAnswer } from './imip-outbound';
import { newChangeKey, type MicrosoftStore } from './store';
import type { AccountRecord, AttendeeRecord, EventRecord, InstanceView, ResponseKind } from './store-types';

/** What accept / decline / tentativelyAccept do to the store: the attendee's own copy, then the organiser's. */

const RESPONSES: Record<'accept' | 'decline' | 'tentativelyAccept', ResponseKind> = {
  accept: 'accepted',
  decline: 'declined',
  tentativelyAccept: 'tentativelyAccepted',
};

export interface AnswerInput {
  sendResponse: boolean;
  /** Graph keeps no comment; it travels in the response message (a REPLY's COMMENT). */
  comment?: string | undefined;
  /** Only with tentativelyAccept and decline (the routes refuse it on accept). */
  proposedNewTime?: {
    start: { dateTime: string; timeZone?: string | undefined };
    end: { dateTime: string; timeZone?: string | undefined };
  };
}

/** The proposal as instants, or a 400 where Graph refuses it (its reference: sendResponse false, proposals not allowed). */
function proposalOf(master: EventRecord, answer: AnswerInput): AttendeeRecord['proposedNewTime'] {
  if (!answer.proposedNewTime) return undefined;
  if (!answer.sendResponse) {
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. A new time can be proposed only with sendResponse set to true.",
    );
  }
  if (!master.allowNewTimeProposals) {
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The organizer doesn't allow new time proposals for this meeting.",
    );
  }
  try {
    const time = parseTimes(answer.proposedNewTime.start, answer.proposedNewTime.end, false);
    return time.kind === 'timed' ? { startUtc: time.startUtc, endUtc: time.endUtc } : undefined;
  } catch (error) {
    asInputError(error);
  }
}

export function respondToEvent(
  store: MicrosoftStore,
  owner: AccountRecord,
  view: InstanceView,
  action: keyof typeof RESPONSES,
  answer: AnswerInput,
  now = new Date(),
): void {
  const { master } = view;
  if (master.isOrganizer) {
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. You can't respond to a meeting you organized.",
    );
  }
  const proposal = proposalOf(master, answer);
  const response = RESPONSES[action];
  const status = { response, time: now.toISOString() };
  const showAs = response === 'accepted' ? 'busy' : 'tentative';
  const occurrence = view.type === 'occurrence' || view.type === 'exception';
  if (occurrence) {
    const exception = exceptionFor(view, now.toISOString());
    Object.assign(exception, {
      responseStatus: status,
      showAs,
      changeKey: newChangeKey(),
      lastModified: now.toISOString(),
    });
    master.exceptions.set(view.originalStartKey ?? '', exception);
  } else {
    master.responseStatus = status;
    master.showAs = showAs;
  }
  if (answer.sendResponse)
    mailAnswer(
      store,
      owner,
      master,
      { response, comment: answer.comment, proposedNewTime: proposal },
      occurrence ? view.originalStartKey : null,
      now,
    );
  if (answer.sendResponse)
    reflectResponse(
      store,
      master,
      owner.email,
      { response, proposedNewTime: proposal },
      occurrence ? view.originalStartKey : null,
      now,
    );
  // Exchange moves a declined meeting out of the calendar (to Deleted Items).
  if (response === 'declined') {
    deleteEvent(store, occurrence ? { ...view, master } : view, now);
    return;
  }
  store.saveEvent(master, 'updated', now);
}
