import type { MeetingView } from '@/server/meetings/queries';
import type { MirroredEvent, MirrorSource } from './external-events';

/**
 * A meeting shows once (DESIGN.md §4 rule 3): its copies in the viewer's connected calendars —
 * the organiser's copy Tandem wrote, an attendee's copy their provider or Tandem placed — are drawn
 * as the meeting, never beside it. A mirrored event is such a copy when a link says so, or when it
 * carries the meeting's tag or iCalendar UID (a copy not linked yet: found before the next sync).
 */
export function mergeMeetingsWithMirror(
  meetings: MeetingView[],
  mirrored: { event: MirroredEvent; source: MirrorSource }[],
  linkedCopies: { calendarId: string; externalId: string | null }[],
): MirroredEvent[] {
  const linked = new Set(
    linkedCopies.flatMap((link) => (link.externalId ? [`${link.calendarId}|${link.externalId}`] : [])),
  );
  const meetingIds = new Set(meetings.map((meeting) => meeting.id));
  const meetingUids = new Set(meetings.map((meeting) => meeting.icalUid));
  return mirrored
    .filter(({ source }) => {
      if (linked.has(`${source.calendarId}|${source.externalId}`)) return false;
      if (source.tandemMeetingId && meetingIds.has(source.tandemMeetingId)) return false;
      if (source.icalUid && meetingUids.has(source.icalUid)) return false;
      return true;
    })
    .map(({ event }) => event);
}
