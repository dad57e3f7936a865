import { DateTime } from 'luxon';
import type { EventWrite } from '@/server/providers/types';
import type { DeliveryState } from './meeting-state';

/**
 * The meeting as an event write: every attendee by calendar address. `placedCopy` is for a copy
 * Tandem places in an attendee's CalDAV calendar: the organiser named, each attendee's answer as
 * Tandem knows it (the copy's owner NEEDS-ACTION until they answer), the meeting's SEQUENCE.
 */
export function meetingEventWrite(
  state: DeliveryState,
  options: {
    notifyAttendees: boolean;
    /**
     * `withResponses` on create only: an update keeps the answers stored in the copy, so one
     * given there and not yet synced is not overwritten.
     */
    placedCopy?: { organizer: { email: string; name: string | null }; withResponses: boolean };
  },
): EventWrite {
  const { meeting, plan } = state;
  const addressOf = new Map(plan.attendees.map((attendee) => [attendee.attendeeId, attendee.address]));
  return {
    title: meeting.title,
    description: meeting.description,
    location: meeting.location,
    onlineUrl: meeting.onlineUrl,
    time: { kind: 'timed', start: meeting.startsAt, end: meeting.endsAt, timeZone: meeting.timeZone },
    recurrence: seriesRecurrence(state),
    attendees: state.attendees.map((attendee) => ({
      email: addressOf.get(attendee.attendeeId) ?? attendee.recordedEmail,
      name: attendee.name,
      isOptional: attendee.isOptional,
      ...(options.placedCopy?.withResponses ? { response: attendee.response } : {}),
      // Needs action in Tandem: not answered since the last move (meetings/schedule.ts resets
      // everyone on a move), so a copy that moves now must not keep an answer to the old time.
      ...(attendee.response === 'needs_action' ? { answerAgain: true } : {}),
    })),
    tandemMeetingId: meeting.id,
    iCalUid: meeting.icalUid,
    sequence: meeting.sequence,
    ...(options.placedCopy ? { organizer: options.placedCopy.organizer } : {}),
    notifyAttendees: options.notifyAttendees,
  };
}

/**
 * The series' lines plus an EXDATE for each occurrence cancelled in Tandem: a calendar that
 * rewrites the whole series on update (CalDAV; Graph's pattern) keeps them cancelled.
 */
function seriesRecurrence(state: DeliveryState): string[] | null {
  const { meeting } = state;
  if (!meeting.recurrence || meeting.recurrence.length === 0) return null;
  const cancelled = state.occurrences.filter((occurrence) => occurrence.status === 'cancelled');
  if (cancelled.length === 0) return meeting.recurrence;
  const values = cancelled.map((occurrence) =>
    DateTime.fromJSDate(occurrence.originalStartsAt, { zone: meeting.timeZone }).toFormat(
      "yyyyMMdd'T'HHmmss",
    ),
  );
  return [...meeting.recurrence, `EXDATE;TZID=${meeting.timeZone}:${values.join(',')}`];
}
