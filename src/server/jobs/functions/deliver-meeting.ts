import {
  deliverOccurrence,
  deliverOrganizerCopy,
  placeAttendeeCopy,
  planDeliveryWork,
  sendInvitationEmail,
  tellRemovedAttendee,
} from '@/server/delivery/deliver-meeting';
import { markDeliveryGaveUp } from '@/server/delivery/gave-up';
import { defineJob } from '../definition';

/**
 * Takes a meeting to every calendar and inbox (DESIGN.md §4 rule 3): the organiser's copy first
 * (its provider invites; Graph may assign the UID every later copy and email carries), then
 * telling those taken off the meeting, then the copies Tandem places in attendees' CalDAV
 * calendars, then Tandem's own emails. One run per meeting at a time; each calendar touched and each email sent is its own step, retried alone
 * and checked again before it acts, so replays and stale events change nothing.
 */
export const deliverMeeting = defineJob({
  id: 'deliver-meeting',
  name: 'Deliver a meeting',
  trigger: { event: 'tandem/meeting.changed' },
  concurrencyKey: 'event.data.meetingId',
  retries: 5,
  async run(deps, { tenantId, meetingId }, steps) {
    const ref = { tenantId, meetingId };
    const work = await steps.run('plan', () => planDeliveryWork(deps, ref));
    if (!work) return { meetingId, outcome: 'up_to_date' as const };
    const results: Record<string, string> = {};
    if (work.organizerCopy) {
      results['organizer'] = await steps.run('organizer-copy', () => deliverOrganizerCopy(deps, ref));
    }
    // Before any new copy or invitation: someone removed and invited again is told in that order
    // (and their old CalDAV copy, with the same UID, is gone before the new one is placed).
    for (const removalId of work.removals) {
      results[`removal:${removalId}`] = await steps.run(`removal:${removalId}`, () =>
        tellRemovedAttendee(deps, { ...ref, removalId }),
      );
    }
    for (const attendeeId of work.attendeeCopies) {
      results[`copy:${attendeeId}`] = await steps.run(`attendee-copy:${attendeeId}`, () =>
        placeAttendeeCopy(deps, { ...ref, attendeeId }),
      );
    }
    for (const attendeeId of work.emails) {
      results[`email:${attendeeId}`] = await steps.run(`email:${attendeeId}`, () =>
        sendInvitationEmail(deps, { ...ref, attendeeId }),
      );
    }
    // After the series is in each calendar and inbox: an occurrence exception changes an instance of it.
    for (const occurrenceId of work.occurrences ?? []) {
      const written = await steps.run(`occurrence:${occurrenceId}`, () =>
        deliverOccurrence(deps, { ...ref, occurrenceId }),
      );
      results[`occurrence:${occurrenceId}`] = Object.values(written).join(',') || 'up_to_date';
    }
    return { meetingId, outcome: 'delivered' as const, version: work.version, results };
  },
  // Out of retries: nobody is left "waiting … (retrying)" for ever, and the organiser is told.
  async onFailure(deps, { tenantId, meetingId }) {
    return markDeliveryGaveUp(deps, { tenantId, meetingId });
  },
});
