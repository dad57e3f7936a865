/**
 * Fidelity: Google and people it does not host, by iMIP email over real SMTP.
 * - Calendar API `sendUpdates` (events.insert / patch / delete reference): "all" notifies every
 *   guest, "externalOnly" only non-Google-Calendar guests, "none" nobody. Guests outside Google get
 *   an RFC 6047 message: text/calendar with METHOD (RFC 6047 §2.4) beside the text, and invite.ics.
 * - REQUEST / CANCEL / REPLY per RFC 5546 §3.2.2, §3.2.5, §3.2.3 (a REPLY names only the replying
 *   ATTENDEE); SEQUENCE raised on a significant change (RFC 5546 §2.1.4).
 * - Gmail "invitations from other calendars" (Google Calendar Help, "Add invitations to your
 *   calendar"): an invitation emailed to a Gmail address is added to the primary calendar,
 *   needing action; updates and cancellations by email apply to it; replies update the organiser's
 *   guest list.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImip, type ImipEvent } from '../shared/imip';
import { mailImip, startSmtpSink, type SmtpSink } from '../shared/imip-test-support';
import { type ApiClient, apiAs, events, startReceiver, timed } from './fidelity-helpers';
import { startGoogleTestbed, type GoogleTestbed } from './testbed';

const ORGANIZER = 'organizer@northbridge.test';
const GUEST = 'attendee@northbridge.test';
const OUTSIDE = 'aisha.khan@outlook.test';

let sink: SmtpSink;
let bed: GoogleTestbed;
let organizer: ApiClient;
let guest: ApiClient;
let smtpUrl: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  bed = await startGoogleTestbed({ smtpPort: 0, relayUrl: sink.url });
  smtpUrl = bed.emulator.smtpUrl ?? '';
});
afterAll(async () => {
  await bed.close();
  await sink.close();
});
beforeEach(() => {
  bed.emulator.control.reset();
  organizer = apiAs(bed, ORGANIZER);
  guest = apiAs(bed, GUEST);
  sink.clear();
});

async function sent() {
  await bed.emulator.control.mailIdle();
  return sink.messages;
}

async function invite(summary: string, sendUpdates: string, extra: Record<string, unknown> = {}) {
  const created = await organizer.post(events('primary', `?sendUpdates=${sendUpdates}`), {
    summary,
    location: 'Room 4',
    ...timed('2030-06-03T10:00:00Z', '2030-06-03T11:00:00Z'),
    attendees: [{ email: GUEST }, { email: OUTSIDE, displayName: 'Aisha Khan' }],
    ...extra,
  });
  expect(created.status).toBe(200);
  return created.body as { id: string; iCalUID: string; sequence: number };
}

describe('outbound: organiser changes email guests Google does not host', () => {
  it('sendUpdates=all sends one RFC 6047 REQUEST to the outside guest, From the organiser', async () => {
    const event = await invite('Portfolio review', 'all');
    const messages = await sent();
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.to).toEqual([OUTSIDE]);
    expect(message?.from).toBe(ORGANIZER);
    expect(message?.calendarContentType).toMatch(/^text\/calendar; ?charset=utf-8; ?method=REQUEST/i);
    expect(message?.attachmentNames).toContain('invite.ics');
    expect(message?.calendar?.method).toBe('REQUEST');
    expect(message?.calendar?.events[0]).toMatchObject({
      uid: event.iCalUID,
      sequence: 0,
      summary: 'Portfolio review',
      location: 'Room 4',
      organizer: { email: ORGANIZER },
      time: { kind: 'timed', start: new Date('2030-06-03T10:00:00Z'), end: new Date('2030-06-03T11:00:00Z') },
    });
    expect(message?.calendar?.events[0]?.attendees.map((a) => [a.email, a.partstat])).toEqual([
      [GUEST, 'NEEDS-ACTION'],
      [OUTSIDE, 'NEEDS-ACTION'],
    ]);
    // The outbox keeps the record too, marked external, with the same calendar.
    const recorded = bed.emulator.control.outbox().filter((m) => m.external);
    expect(recorded.map((m) => [m.kind, m.to, m.imip?.method])).toEqual([['invitation', OUTSIDE, 'REQUEST']]);
  });

  it('sendUpdates=none emails nobody; externalOnly emails only the outside guest', async () => {
    await invite('Quiet', 'none');
    expect(await sent()).toHaveLength(0);
    await invite('External only', 'externalOnly');
    expect((await sent()).map((m) => m.to)).toEqual([[OUTSIDE]]);
    expect(bed.emulator.control.outbox().map((m) => m.to)).toEqual([OUTSIDE]);
  });

  it('a move raises SEQUENCE in the update; a delete sends CANCEL with a higher SEQUENCE', async () => {
    const event = await invite('Moving', 'all');
    const moved = await organizer.patch(events('primary', `/${event.id}?sendUpdates=all`), {
      ...timed('2030-06-03T14:00:00Z', '2030-06-03T15:00:00Z'),
    });
    expect(moved.status).toBe(200);
    const removed = await organizer.delete(events('primary', `/${event.id}?sendUpdates=all`));
    expect(removed.status).toBe(204);
    const calendars = (await sent()).map((m) => m.calendar);
    expect(calendars.map((c) => [c?.method, c?.events[0]?.sequence, c?.events[0]?.status])).toEqual([
      ['REQUEST', 0, 'CONFIRMED'],
      ['REQUEST', 1, 'CONFIRMED'],
      ['CANCEL', 2, 'CANCELLED'],
    ]);
    expect(calendars[1]?.events[0]?.time).toMatchObject({ start: new Date('2030-06-03T14:00:00Z') });
  });

  it('a series carries its RRULE; cancelling one occurrence sends CANCEL with its RECURRENCE-ID', async () => {
    const event = await invite('Weekly', 'all', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] });
    const instanceId = `${event.id}_20300610T100000Z`;
    const removed = await organizer.delete(events('primary', `/${instanceId}?sendUpdates=all`));
    expect(removed.status).toBe(204);
    const [request, cancel] = (await sent()).map((m) => m.calendar);
    expect(request?.events[0]?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=4']);
    expect(cancel?.method).toBe('CANCEL');
    expect(cancel?.events[0]).toMatchObject({
      uid: event.iCalUID,
      recurrenceId: { kind: 'timed', at: new Date('2030-06-10T10:00:00Z') },
    });
  });
});

function outsideInvite(overrides: Partial<ImipEvent> = {}): ImipEvent {
  return {
    uid: 'outside-meeting-1@outlook.test',
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Interview practice',
    location: 'Online',
    time: {
      kind: 'timed',
      start: new Date('2030-07-01T09:00:00Z'),
      end: new Date('2030-07-01T10:00:00Z'),
      timeZone: 'Europe/London',
    },
    organizer: { email: OUTSIDE, name: 'Aisha Khan' },
    attendees: [
      { email: OUTSIDE, name: 'Aisha Khan', partstat: 'ACCEPTED' },
      { email: GUEST, partstat: 'NEEDS-ACTION', rsvp: true },
    ],
    ...overrides,
  };
}

async function mailToGuest(method: 'REQUEST' | 'CANCEL' | 'REPLY' | 'COUNTER', event: ImipEvent, to = GUEST) {
  await mailImip(smtpUrl, { from: OUTSIDE, to, method, ics: buildImip(method, [event], new Date()) });
}

async function guestCopies(uid: string) {
  const listed = await guest.get(events('primary', `?iCalUID=${encodeURIComponent(uid)}&showDeleted=true`));
  return (listed.body as { items: Record<string, unknown>[] }).items;
}

describe('inbound: iMIP mailed to a Gmail address', () => {
  it('a REQUEST for a new UID lands in the primary calendar as needsAction, in sync and in push', async () => {
    const first = await guest.get(events('primary'));
    const syncToken = (first.body as { nextSyncToken: string }).nextSyncToken;
    const receiver = await startReceiver();
    await guest.post(events('primary', '/watch'), {
      id: 'imip-channel',
      type: 'web_hook',
      address: receiver.url,
    });
    await bed.emulator.control.pushIdle();

    await mailToGuest('REQUEST', outsideInvite());
    const [copy] = await guestCopies('outside-meeting-1@outlook.test');
    expect(copy).toMatchObject({
      iCalUID: 'outside-meeting-1@outlook.test',
      summary: 'Interview practice',
      status: 'confirmed',
      organizer: { email: OUTSIDE, displayName: 'Aisha Khan' },
      start: { dateTime: '2030-07-01T10:00:00+01:00', timeZone: 'Europe/London' },
    });
    expect(copy?.attendees).toContainEqual(
      expect.objectContaining({ email: GUEST, responseStatus: 'needsAction' }),
    );

    const changes = await guest.get(events('primary', `?syncToken=${syncToken}`));
    expect((changes.body as { items: { iCalUID: string }[] }).items.map((i) => i.iCalUID)).toEqual([
      'outside-meeting-1@outlook.test',
    ]);
    await bed.emulator.control.pushIdle();
    expect(receiver.received.map((r) => r.headers['x-goog-resource-state'])).toEqual(['sync', 'exists']);
    await receiver.close();
  });

  it('a higher SEQUENCE updates the copy; an equal or lower one is ignored', async () => {
    await mailToGuest('REQUEST', outsideInvite());
    await mailToGuest('REQUEST', outsideInvite({ sequence: 1, location: 'Room 9' }));
    await mailToGuest('REQUEST', outsideInvite({ sequence: 1, location: 'Stale' }));
    await mailToGuest('REQUEST', outsideInvite({ sequence: 0, location: 'Older' }));
    const copies = await guestCopies('outside-meeting-1@outlook.test');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ location: 'Room 9', sequence: 1 });
    expect(bed.emulator.control.received().map((r) => r.outcome)).toEqual([
      'added as needs action',
      'updated',
      'ignored: SEQUENCE 1 is not newer than 1',
      'ignored: SEQUENCE 0 is not newer than 1',
    ]);
  });

  it('the guest’s answer goes back to the outside organiser as a REPLY with only their ATTENDEE and COMMENT', async () => {
    await mailToGuest('REQUEST', outsideInvite());
    const [copy] = await guestCopies('outside-meeting-1@outlook.test');
    const answered = await guest.patch(events('primary', `/${String(copy?.id)}?sendUpdates=all`), {
      attendees: [{ email: GUEST, responseStatus: 'declined', comment: 'I have a shift then' }],
    });
    expect(answered.status).toBe(200);
    const [reply] = await sent();
    expect(reply?.to).toEqual([OUTSIDE]);
    expect(reply?.from).toBe(GUEST);
    expect(reply?.calendar?.method).toBe('REPLY');
    expect(reply?.calendar?.events[0]?.uid).toBe('outside-meeting-1@outlook.test');
    expect(reply?.calendar?.events[0]?.attendees).toEqual([
      expect.objectContaining({ email: GUEST, partstat: 'DECLINED' }),
    ]);
    expect(reply?.calendar?.events[0]?.comment).toBe('I have a shift then');
  });

  it('a guest removing the copy declines: the outside organiser gets a REPLY DECLINED', async () => {
    await mailToGuest('REQUEST', outsideInvite());
    const [copy] = await guestCopies('outside-meeting-1@outlook.test');
    expect((await guest.delete(events('primary', `/${String(copy?.id)}?sendUpdates=all`))).status).toBe(204);
    const [reply] = await sent();
    expect(reply?.calendar?.method).toBe('REPLY');
    expect(reply?.calendar?.events[0]).toMatchObject({
      status: 'CONFIRMED',
      attendees: [expect.objectContaining({ email: GUEST, partstat: 'DECLINED' })],
    });
  });

  it('a CANCEL from the organiser cancels the copy; from anyone else it is ignored', async () => {
    await mailToGuest('REQUEST', outsideInvite());
    const forged = outsideInvite({
      sequence: 1,
      status: 'CANCELLED',
      organizer: { email: 'mallory@gmail.test' },
    });
    await mailToGuest('CANCEL', forged);
    expect((await guestCopies('outside-meeting-1@outlook.test'))[0]).toMatchObject({ status: 'confirmed' });
    await mailToGuest('CANCEL', outsideInvite({ sequence: 1, status: 'CANCELLED' }));
    expect((await guestCopies('outside-meeting-1@outlook.test'))[0]).toMatchObject({ status: 'cancelled' });
  });

  it('a series arrives with its RRULE; a CANCEL with RECURRENCE-ID cancels that occurrence only', async () => {
    const series = outsideInvite({ uid: 'series@outlook.test', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    await mailToGuest('REQUEST', series);
    const [master] = await guestCopies('series@outlook.test');
    expect(master?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=3']);
    await mailToGuest('CANCEL', {
      ...series,
      recurrence: undefined,
      status: 'CANCELLED',
      recurrenceId: { kind: 'timed', at: new Date('2030-07-08T09:00:00Z'), timeZone: 'Europe/London' },
      time: {
        kind: 'timed',
        start: new Date('2030-07-08T09:00:00Z'),
        end: new Date('2030-07-08T10:00:00Z'),
        timeZone: 'Europe/London',
      },
    });
    const instances = await guest.get(
      events(
        'primary',
        `/${String(master?.id)}/instances?timeMin=2030-06-30T00:00:00Z&timeMax=2030-07-31T00:00:00Z`,
      ),
    );
    expect(
      (instances.body as { items: { start: { dateTime: string } }[] }).items.map((i) => i.start.dateTime),
    ).toEqual(['2030-07-01T10:00:00+01:00', '2030-07-15T10:00:00+01:00']);
  });

  it('a REQUEST with RECURRENCE-ID moves that one occurrence (an exception of the series)', async () => {
    const series = outsideInvite({ uid: 'moved@outlook.test', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    await mailToGuest('REQUEST', series);
    const [master] = await guestCopies('moved@outlook.test');
    await mailToGuest('REQUEST', {
      ...series,
      sequence: 1,
      recurrence: undefined,
      recurrenceId: { kind: 'timed', at: new Date('2030-07-08T09:00:00Z'), timeZone: 'Europe/London' },
      time: {
        kind: 'timed',
        start: new Date('2030-07-09T09:00:00Z'),
        end: new Date('2030-07-09T10:00:00Z'),
        timeZone: 'Europe/London',
      },
    });
    const instances = await guest.get(
      events(
        'primary',
        `/${String(master?.id)}/instances?timeMin=2030-06-30T00:00:00Z&timeMax=2030-07-31T00:00:00Z`,
      ),
    );
    expect(
      (instances.body as { items: { start: { dateTime: string } }[] }).items.map((i) => i.start.dateTime),
    ).toEqual(['2030-07-01T10:00:00+01:00', '2030-07-09T10:00:00+01:00', '2030-07-15T10:00:00+01:00']);
  });

  it('a REPLY updates that attendee (and comment) on the organiser’s own event; a COUNTER is ignored', async () => {
    const event = await invite('Reply to me', 'none');
    const reply: ImipEvent = {
      uid: event.iCalUID,
      sequence: 0,
      status: 'CONFIRMED',
      time: {
        kind: 'timed',
        start: new Date('2030-06-03T10:00:00Z'),
        end: new Date('2030-06-03T11:00:00Z'),
        timeZone: 'UTC',
      },
      organizer: { email: ORGANIZER },
      attendees: [{ email: OUTSIDE, partstat: 'TENTATIVE' }],
      comment: 'Might be late',
    };
    await mailImip(smtpUrl, {
      from: OUTSIDE,
      to: ORGANIZER,
      method: 'REPLY',
      ics: buildImip('REPLY', [reply], new Date()),
    });
    await mailImip(smtpUrl, {
      from: OUTSIDE,
      to: ORGANIZER,
      method: 'COUNTER',
      ics: buildImip('COUNTER', [reply], new Date()),
    });
    const stored = await organizer.get(events('primary', `/${event.id}`));
    expect((stored.body as { attendees: unknown[] }).attendees).toContainEqual({
      email: OUTSIDE,
      displayName: 'Aisha Khan',
      responseStatus: 'tentative',
      comment: 'Might be late',
    });
    // The organiser's Google guest sees the answer on their copy too.
    const copy = await guest.get(events('primary', `/${event.id}`));
    expect(
      (copy.body as { attendees: { email: string; responseStatus: string }[] }).attendees,
    ).toContainEqual(expect.objectContaining({ email: OUTSIDE, responseStatus: 'tentative' }));
    expect(bed.emulator.control.received().at(-1)?.outcome).toMatch(
      /^ignored: Google Calendar does not take/,
    );
  });

  it('refuses a recipient it does not host with 550, as an MX does', async () => {
    await expect(mailToGuest('REQUEST', outsideInvite(), 'nobody@northbridge.test')).rejects.toMatchObject({
      responseCode: 550,
    });
  });
});
