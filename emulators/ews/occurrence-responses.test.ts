import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../src/server/providers/types';
import { startEwsTestbed, type EwsTestbed } from './testbed';

/**
 * An answer to one occurrence of a series (occurrence-responses.ts), through the EWS adapter: it
 * is that occurrence's alone, on the attendee's copy and in the organiser's exception, and the
 * series' answer stays as it was.
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const PRIYA = 'priya.shah@northbridge-college.test';
const DAY = 86_400_000;

let testbed: EwsTestbed;
beforeAll(async () => {
  testbed = await startEwsTestbed();
});
afterAll(() => testbed.close());

const start = new Date('2031-03-04T10:00:00Z');
const window = { start: new Date(start.getTime() - DAY), end: new Date(start.getTime() + 30 * DAY) };
const answerOf = (event: ProviderEvent | undefined, email: string) =>
  event?.attendees.find((attendee) => attendee.email === email)?.response;

async function weeklyMeeting(title: string) {
  const organizer = await testbed.connect(ALEX);
  const attendee = await testbed.connect(PRIYA);
  await organizer.provider.createEvent(organizer.calendarId, {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + 3_600_000), timeZone: 'UTC' },
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    attendees: [{ email: PRIYA, name: 'Priya Shah', isOptional: false }],
    tandemMeetingId: null,
    notifyAttendees: true,
  });
  const instances = async (side: typeof organizer) =>
    (await side.provider.readEvents(side.calendarId, window))
      .filter((event) => event.title === title)
      .sort((a, b) =>
        a.time.kind === 'timed' && b.time.kind === 'timed' ? +a.time.start - +b.time.start : 0,
      );
  return { organizer, attendee, instances };
}

describe('an attendee answers one occurrence in Exchange', () => {
  it('tentative: that occurrence is an exception with the answer on both sides; the series keeps none', async () => {
    const { organizer, attendee, instances } = await weeklyMeeting('One tentative');
    const [, second] = await instances(attendee);
    await attendee.provider.respondToEvent(attendee.calendarId, second!.externalId, 'tentative');

    const own = await instances(attendee);
    expect(own.map((event) => event.attendees.find((entry) => entry.isSelf)?.response)).toEqual([
      'needs_action',
      'tentative',
      'needs_action',
    ]);
    const organizers = await instances(organizer);
    expect(organizers.map((event) => answerOf(event, PRIYA))).toEqual([
      'needs_action',
      'tentative',
      'needs_action',
    ]);
    const master = await organizer.provider.getEvent(organizer.calendarId, organizers[0]!.seriesExternalId!);
    expect(answerOf(master, PRIYA)).toBe('needs_action');
  });

  it('declined: the occurrence leaves the attendee’s calendar (a deleted occurrence), the organiser’s exception records it', async () => {
    const { organizer, attendee, instances } = await weeklyMeeting('One declined');
    const [first, second, third] = await instances(attendee);
    await attendee.provider.respondToEvent(attendee.calendarId, second!.externalId, 'declined');

    expect((await instances(attendee)).map((event) => event.externalId)).toEqual([
      first!.externalId,
      third!.externalId,
    ]);
    const series = await attendee.provider.getEvent(attendee.calendarId, first!.seriesExternalId!);
    expect(series.recurrence?.some((line) => line.startsWith('EXDATE:'))).toBe(true);
    const organizers = await instances(organizer);
    expect(organizers.map((event) => answerOf(event, PRIYA))).toEqual([
      'needs_action',
      'declined',
      'needs_action',
    ]);
    // The organiser's SyncFolderItems brings the master and, with it, that exception.
    const changes = [];
    for await (const page of organizer.provider.readChanges(organizer.calendarId, null, window))
      changes.push(...page.changes);
    const exception = changes.find(
      (change) => change.type === 'upsert' && change.event.externalId === organizers[1]!.externalId,
    );
    expect(exception?.type === 'upsert' && answerOf(exception.event, PRIYA)).toBe('declined');
  });
});
