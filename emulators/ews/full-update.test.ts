import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventWrite, ProviderEvent } from '../../src/server/providers/types';
import { startEwsTestbed, type EwsTestbed } from './testbed';

/**
 * The organiser's update between Exchange mailboxes (updateItem in item-writes.ts, deliver in
 * store.ts): a new time is a full update (MS-OXOCAL 3.1.4.7.3.1), which clears the answers tallied
 * on the organiser's item and sets the attendee's own answer back to not responded (3.1.4.7.3.2);
 * a new title is not, and keeps them. Through the EWS adapter.
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const PRIYA = 'priya.shah@northbridge-college.test';
const HOUR = 3_600_000;

let testbed: EwsTestbed;
beforeAll(async () => {
  testbed = await startEwsTestbed();
});
afterAll(() => testbed.close());

const answerOf = (event: ProviderEvent, email: string) =>
  event.attendees.find((attendee) => attendee.email === email)?.response;

function writeOf(event: ProviderEvent, change: Partial<EventWrite>): EventWrite {
  return {
    title: event.title ?? '',
    description: event.description,
    location: event.location,
    onlineUrl: null,
    time: event.time,
    recurrence: null,
    attendees: [{ email: PRIYA, name: 'Priya Shah', isOptional: false }],
    tandemMeetingId: null,
    notifyAttendees: true,
    ...change,
  };
}

async function answeredMeeting(title: string, startsAt: string) {
  const organizer = await testbed.connect(ALEX);
  const attendee = await testbed.connect(PRIYA);
  const start = new Date(startsAt);
  const created = await organizer.provider.createEvent(organizer.calendarId, {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + HOUR), timeZone: 'UTC' },
    recurrence: null,
    attendees: [{ email: PRIYA, name: 'Priya Shah', isOptional: false }],
    tandemMeetingId: null,
    notifyAttendees: true,
  });
  const window = { start: new Date(start.getTime() - 24 * HOUR), end: new Date(start.getTime() + 48 * HOUR) };
  const attendeeCopy = async () => {
    const events = await attendee.provider.readEvents(attendee.calendarId, window);
    const copy = events.find((event) => event.iCalUid === created.iCalUid);
    if (!copy) throw new Error('the attendee has no copy');
    return copy;
  };
  await attendee.provider.respondToEvent(attendee.calendarId, (await attendeeCopy()).externalId, 'tentative');
  const answered = await organizer.provider.getEvent(organizer.calendarId, created.externalId);
  expect(answerOf(answered, PRIYA)).toBe('tentative');
  return { organizer, answered, attendeeCopy };
}

describe('an organiser’s update in Exchange', () => {
  it('a new time clears the answer on the organiser’s item and on the attendee’s copy', async () => {
    const { organizer, answered, attendeeCopy } = await answeredMeeting('Moved', '2031-04-07T10:00:00Z');
    const start = new Date('2031-04-07T12:00:00Z');
    await organizer.provider.updateEvent(
      organizer.calendarId,
      answered.externalId,
      writeOf(answered, {
        time: { kind: 'timed', start, end: new Date(start.getTime() + HOUR), timeZone: 'UTC' },
      }),
      { etag: answered.etag },
    );
    const after = await organizer.provider.getEvent(organizer.calendarId, answered.externalId);
    expect(answerOf(after, PRIYA)).toBe('needs_action');
    const copy = await attendeeCopy();
    expect(copy.time).toMatchObject({ kind: 'timed', start });
    expect(copy.attendees.find((attendee) => attendee.isSelf)?.response).toBe('needs_action');
  });

  it('a new title keeps the answers', async () => {
    const { organizer, answered, attendeeCopy } = await answeredMeeting('Renamed', '2031-04-08T10:00:00Z');
    await organizer.provider.updateEvent(
      organizer.calendarId,
      answered.externalId,
      writeOf(answered, { title: 'Renamed again' }),
      { etag: answered.etag },
    );
    const after = await organizer.provider.getEvent(organizer.calendarId, answered.externalId);
    expect(answerOf(after, PRIYA)).toBe('tentative');
    const copy = await attendeeCopy();
    expect(copy.title).toBe('Renamed again');
    expect(copy.attendees.find((attendee) => attendee.isSelf)?.response).toBe('tentative');
  });
});
