import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support: the adapter runs against the EWS emulator, which a COUNTER is mailed to.
import { buildImip, type ImipEvent } from '@/emulators/shared/imip';
import { mailImip } from '@/emulators/shared/imip-test-support';
import { startEwsTestbed, type EwsTestbed } from '@/emulators/ews/testbed';

/**
 * A new time proposed by an attendee outside (iMIP COUNTER) reaches Tandem through the EWS
 * adapter as it does through Graph: the organiser's event names it on the attendee
 * (`ProviderAttendee.proposedTime`, from EWS Attendee ProposedStart / ProposedEnd), and a later
 * plain answer withdraws it.
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const OUTSIDE = 'sam.taylor@gmail.test';
const start = new Date('2031-07-02T10:00:00Z');
const end = new Date('2031-07-02T11:00:00Z');
const window = { start: new Date('2031-07-01T00:00:00Z'), end: new Date('2031-07-04T00:00:00Z') };

let testbed: EwsTestbed;
beforeAll(async () => {
  testbed = await startEwsTestbed({ smtpPort: 0 });
});
afterAll(() => testbed.close());

function answer(uid: string, overrides: Partial<ImipEvent>): ImipEvent {
  return {
    uid,
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Placement review',
    time: { kind: 'timed', start, end, timeZone: 'UTC' },
    organizer: { email: ALEX },
    attendees: [{ email: OUTSIDE, partstat: 'TENTATIVE' }],
    ...overrides,
  };
}

async function mail(method: 'COUNTER' | 'REPLY', event: ImipEvent): Promise<void> {
  await mailImip(testbed.emulator.smtpUrl ?? '', {
    from: OUTSIDE,
    to: ALEX,
    method,
    ics: buildImip(method, [event], new Date()),
  });
}

describe('an attendee outside proposes a new time for a meeting organised on Exchange', () => {
  it('reads the proposal on the attendee, and its withdrawal by a later answer', async () => {
    const organizer = await testbed.connect(ALEX);
    const created = await organizer.provider.createEvent(organizer.calendarId, {
      title: 'Placement review',
      description: null,
      location: null,
      onlineUrl: null,
      time: { kind: 'timed', start, end, timeZone: 'UTC' },
      recurrence: null,
      attendees: [{ email: OUTSIDE, name: 'Sam Taylor', isOptional: false }],
      tandemMeetingId: null,
      notifyAttendees: true,
    });
    expect(created.iCalUid).toBeTruthy();
    const sam = async () =>
      (await organizer.provider.readEvents(organizer.calendarId, window))
        .find((event) => event.externalId === created.externalId)
        ?.attendees.find((attendee) => attendee.email === OUTSIDE);
    expect((await sam())?.proposedTime).toBeNull();

    const proposed = { start: new Date('2031-07-03T14:00:00Z'), end: new Date('2031-07-03T15:00:00Z') };
    await mail(
      'COUNTER',
      answer(created.iCalUid!, { time: { kind: 'timed', ...proposed, timeZone: 'UTC' } }),
    );
    expect(await sam()).toMatchObject({ response: 'tentative', proposedTime: proposed });
    // The same through SyncFolderItems, which the mirror reads.
    const changes = [];
    for await (const page of organizer.provider.readChanges(organizer.calendarId, null, window))
      changes.push(...page.changes);
    const synced = changes.find(
      (change) => change.type === 'upsert' && change.event.externalId === created.externalId,
    );
    expect(
      synced?.type === 'upsert' &&
        synced.event.attendees.find((attendee) => attendee.email === OUTSIDE)?.proposedTime,
    ).toEqual(proposed);

    await mail('REPLY', answer(created.iCalUid!, { attendees: [{ email: OUTSIDE, partstat: 'ACCEPTED' }] }));
    expect(await sam()).toMatchObject({ response: 'accepted', proposedTime: null });
  });
});
