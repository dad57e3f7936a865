/**
 * A Tandem move asks everyone to answer again (meetings/schedule.ts); Google keeps attendees'
 * answers through the organiser's PATCH when the body lists them without a responseStatus. The
 * adapter resets, on a write that moves the event, the answers of those Tandem asks again
 * (`answerAgain`), and only theirs; a write that leaves the time alone resets nobody's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
// Tests run the emulator in-process; app code never imports it (eslint's src/ rule targets that).
import { apiAs, events } from '@/emulators/google/fidelity-helpers';
import { type GoogleTestbed, startGoogleTestbed, TESTBED_CLIENT } from '@/emulators/google/testbed';
import type { EventWrite } from '../types';
import { googleEndpointsAt } from './config';
import { createGoogleProvider, type GoogleCalendarProvider } from './provider';

const ORGANIZER = 'organizer@northbridge.test';
const ATTENDEE = 'attendee@northbridge.test';

let bed: GoogleTestbed;
let organizer: GoogleCalendarProvider;
let attendee: GoogleCalendarProvider;

beforeAll(async () => {
  bed = await startGoogleTestbed();
  const providerFor = (email: string) =>
    createGoogleProvider({
      config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
      tokens: bed.tokens(email),
    });
  organizer = providerFor(ORGANIZER);
  attendee = providerFor(ATTENDEE);
});
afterAll(async () => bed.close());

function write(startIso: string, answerAgain: boolean): EventWrite {
  const start = new Date(startIso);
  return {
    title: 'Lesson',
    description: null,
    location: null,
    onlineUrl: null,
    time: {
      kind: 'timed',
      start,
      end: new Date(start.getTime() + 60 * 60_000),
      timeZone: 'Europe/London',
    },
    recurrence: null,
    attendees: [
      { email: ATTENDEE, name: 'Avery', isOptional: false, ...(answerAgain ? { answerAgain } : {}) },
    ],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

async function answerOnOrganizersCopy(externalId: string): Promise<string> {
  const response = await apiAs(bed, ORGANIZER).get(events('primary', `/${externalId}`));
  return response.body.attendees.find((entry: { email: string }) => entry.email === ATTENDEE).responseStatus;
}

it('a move resets the answers of those asked again, and only a move does', async () => {
  const meeting = await organizer.createEvent(ORGANIZER, write('2030-04-02T10:00:00Z', false));
  await attendee.respondToEvent(ATTENDEE, meeting.externalId, 'declined');
  expect(await answerOnOrganizersCopy(meeting.externalId)).toBe('declined');

  // Retitled, not moved: the answer stands, asked again or not (it may be one to this very time).
  await organizer.updateEvent(ORGANIZER, meeting.externalId, {
    ...write('2030-04-02T10:00:00Z', true),
    title: 'Lesson (room 4)',
  });
  expect(await answerOnOrganizersCopy(meeting.externalId)).toBe('declined');

  // Moved without asking them again (they answered the new time in Tandem): Google keeps it.
  await organizer.updateEvent(ORGANIZER, meeting.externalId, write('2030-04-02T12:00:00Z', false));
  expect(await answerOnOrganizersCopy(meeting.externalId)).toBe('declined');

  // Moved, and asked again: the organiser's copy shows them needing to answer, as Tandem does.
  const moved = await organizer.updateEvent(
    ORGANIZER,
    meeting.externalId,
    write('2030-04-02T14:00:00Z', true),
  );
  expect(await answerOnOrganizersCopy(meeting.externalId)).toBe('needsAction');
  expect(moved.attendees.find((entry) => entry.email === ATTENDEE)?.response).toBe('needs_action');

  // Their answer to the new time, then the same write replayed (a retried job): no move, kept.
  await attendee.respondToEvent(ATTENDEE, meeting.externalId, 'accepted');
  await organizer.updateEvent(ORGANIZER, meeting.externalId, write('2030-04-02T14:00:00Z', true));
  expect(await answerOnOrganizersCopy(meeting.externalId)).toBe('accepted');
});
