import { writeAnswer as writeAnswerToCalendars } from '@/server/answers/write-answer';
import { defineJob } from '../definition';

/**
 * An answer given in Tandem or by an email link reaches the attendee's own copy, or the
 * organiser's calendar by an iMIP REPLY (answers/write-answer.ts). One run per attendee at a time,
 * so two quick answers are written in order; a replay writes the stored (latest) answer again,
 * which the providers take as no change.
 */
export const writeAnswer = defineJob({
  id: 'write-answer',
  name: 'Write an answer to the attendee’s calendar',
  trigger: { event: 'tandem/meeting.answered' },
  concurrencyKey: 'event.data.attendeeId',
  retries: 5,
  async run(deps, { tenantId, meetingId, attendeeId }, steps) {
    return steps.run('write-answer', () => writeAnswerToCalendars(deps, { tenantId, meetingId, attendeeId }));
  },
});
