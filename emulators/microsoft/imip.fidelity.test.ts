/**
 * Fidelity: Exchange and people it does not host, by iMIP email over real SMTP.
 * - Graph: `POST /me/events` sends the invitation, `PATCH` sends updates, `POST …/cancel` and an
 *   organiser's `DELETE` send cancellations (Graph "Create event", "Update event", "event: cancel";
 *   no sendUpdates switch); `accept` / `decline` / `tentativelyAccept` with `sendResponse: true`
 *   send the answer to the organiser, with the comment and any proposedNewTime.
 * - Exchange "meeting requests from external organisers": an iCalendar REQUEST arriving by mail
 *   is placed in the default calendar, not responded, shown as tentative; updates (higher
 *   SEQUENCE, RFC 5546 §2.1.5) and cancellations apply to it; a REPLY updates the attendee's
 *   response on the organiser's item, a COUNTER records the proposed time ([MS-OXCICAL]).
 * - RFC 6047 §2.4 layout (text/calendar with METHOD, plus invite.ics); RFC 5546 §3.2.3 a REPLY
 *   carries only the replying ATTENDEE.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImip, type ImipEvent } from '../shared/imip';
import { mailImip, startSmtpSink, type SmtpSink } from '../shared/imip-test-support';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import type { EventChangeNotice } from './store';
import { graphFetch, signIn } from './test-client';

const TUTOR = 'tutor1@northbridge.test';
const LEARNER = 'learner4@northbridge.test';
const OUTSIDE = 'sam.taylor@gmail.test';

let sink: SmtpSink;
let emulator: MicrosoftEmulator;
let tutor: string;
let learner: string;
const asTutor = (path: string, init: Parameters<typeof graphFetch>[3] = {}) =>
  graphFetch(emulator.url, tutor, path, init);
const asLearner = (path: string, init: Parameters<typeof graphFetch>[3] = {}) =>
  graphFetch(emulator.url, learner, path, init);

beforeAll(async () => {
  sink = await startSmtpSink();
  emulator = await startMicrosoftEmulator({
    port: 0,
    seed: MICROSOFT_SEED_PATH,
    smtpPort: 0,
    relayUrl: sink.url,
  });
});
afterAll(async () => {
  await emulator.close();
  await sink.close();
});
beforeEach(async () => {
  emulator.reset();
  sink.clear();
  tutor = (await signIn(emulator.url, TUTOR)).access_token;
  learner = (await signIn(emulator.url, LEARNER)).access_token;
});

async function sent() {
  await emulator.mailIdle();
  return sink.messages;
}

const meeting = (extra: Record<string, unknown> = {}) => ({
  subject: 'Mock interview',
  location: { displayName: 'Room 2' },
  start: { dateTime: '2031-05-05T10:00:00', timeZone: 'Europe/London' },
  end: { dateTime: '2031-05-05T11:00:00', timeZone: 'Europe/London' },
  attendees: [
    { emailAddress: { address: LEARNER }, type: 'required' },
    { emailAddress: { address: OUTSIDE, name: 'Sam Taylor' }, type: 'required' },
  ],
  ...extra,
});

async function create(extra: Record<string, unknown> = {}) {
  const response = await asTutor('/me/events', { method: 'POST', json: meeting(extra) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; iCalUId: string };
}

describe('outbound: a meeting’s changes email the attendees Exchange does not host', () => {
  it('POST sends one REQUEST to the outside attendee, From the organiser, in RFC 6047 layout', async () => {
    const event = await create();
    const messages = await sent();
    expect(messages.map((m) => [m.from, m.to])).toEqual([[TUTOR, [OUTSIDE]]]);
    expect(messages[0]?.calendarContentType).toMatch(/method=REQUEST/i);
    expect(messages[0]?.attachmentNames).toContain('invite.ics');
    expect(messages[0]?.calendar?.events[0]).toMatchObject({
      uid: event.iCalUId,
      summary: 'Mock interview',
      location: 'Room 2',
      organizer: { email: TUTOR },
      time: { kind: 'timed', start: new Date('2031-05-05T09:00:00Z'), timeZone: 'Europe/London' },
    });
    expect(emulator.store.outbox.map((m) => [m.kind, m.method, m.to.email])).toEqual([
      ['invitation', 'REQUEST', OUTSIDE],
    ]);
  });

  it('PATCH sends an update with a higher SEQUENCE; cancel sends CANCEL', async () => {
    const event = await create();
    await asTutor(`/me/events/${event.id}`, {
      method: 'PATCH',
      json: {
        start: { dateTime: '2031-05-05T14:00:00', timeZone: 'Europe/London' },
        end: { dateTime: '2031-05-05T15:00:00', timeZone: 'Europe/London' },
      },
    });
    expect(
      (await asTutor(`/me/events/${event.id}/cancel`, { method: 'POST', json: { comment: 'Sorry' } })).status,
    ).toBe(202);
    const calendars = (await sent()).map((m) => m.calendar);
    expect(calendars.map((c) => c?.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    const sequences = calendars.map((c) => c?.events[0]?.sequence ?? -1);
    expect(sequences[1]).toBeGreaterThan(sequences[0] ?? 0);
    expect(sequences[2]).toBeGreaterThan(sequences[1] ?? 0);
    expect(calendars[2]?.events[0]?.status).toBe('CANCELLED');
  });

  it('a series carries its RRULE; deleting one occurrence sends CANCEL with its RECURRENCE-ID', async () => {
    const event = await create({
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'numbered', startDate: '2031-05-05', numberOfOccurrences: 4 },
      },
    });
    const occurrenceId = `${event.id}_20310512T090000Z`;
    expect((await asTutor(`/me/events/${occurrenceId}`, { method: 'DELETE' })).status).toBe(204);
    const [request, cancel] = (await sent()).map((m) => m.calendar);
    expect(request?.events[0]?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=4']);
    expect(cancel?.method).toBe('CANCEL');
    expect(cancel?.events[0]?.recurrenceId).toEqual({
      kind: 'timed',
      at: new Date('2031-05-12T09:00:00Z'),
      timeZone: 'Europe/London',
    });
  });
});

function outsideInvite(overrides: Partial<ImipEvent> = {}): ImipEvent {
  return {
    uid: 'from-gmail-1@google.com',
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Study session',
    time: {
      kind: 'timed',
      start: new Date('2031-06-02T13:00:00Z'),
      end: new Date('2031-06-02T14:00:00Z'),
      timeZone: 'Europe/London',
    },
    organizer: { email: OUTSIDE, name: 'Sam Taylor' },
    attendees: [
      { email: OUTSIDE, name: 'Sam Taylor', partstat: 'ACCEPTED' },
      { email: LEARNER, partstat: 'NEEDS-ACTION', rsvp: true },
    ],
    ...overrides,
  };
}

async function mail(method: 'REQUEST' | 'CANCEL' | 'REPLY' | 'COUNTER', event: ImipEvent, to = LEARNER) {
  await mailImip(emulator.smtpUrl ?? '', {
    from: OUTSIDE,
    to,
    method,
    ics: buildImip(method, [event], new Date()),
  });
}

const june = 'startDateTime=2031-06-01T00:00:00Z&endDateTime=2031-06-30T00:00:00Z';

async function learnerView(): Promise<Record<string, unknown>[]> {
  const body = (await (await asLearner(`/me/calendarView?${june}`)).json()) as {
    value: Record<string, unknown>[];
  };
  return body.value;
}

describe('inbound: iMIP mailed to an Exchange mailbox', () => {
  it('a REQUEST for a new UID lands as not responded, tentative, organiser as given; delta and notifications see it', async () => {
    const first = (await (await asLearner(`/me/calendarView/delta?${june}`)).json()) as Record<
      string,
      string
    >;
    const deltaLink = first['@odata.deltaLink'] ?? '';
    const notices: EventChangeNotice[] = [];
    const stop = emulator.store.onChange((notice) => notices.push(notice));
    await mail('REQUEST', outsideInvite());
    stop();
    const [copy] = await learnerView();
    expect(copy).toMatchObject({
      iCalUId: 'from-gmail-1@google.com',
      subject: 'Study session',
      isOrganizer: false,
      showAs: 'tentative',
      responseStatus: { response: 'notResponded' },
      organizer: { emailAddress: { address: OUTSIDE, name: 'Sam Taylor' } },
    });
    const changes = (await (await asLearner(deltaLink)).json()) as { value: { iCalUId: string }[] };
    expect(changes.value.map((item) => item.iCalUId)).toEqual(['from-gmail-1@google.com']);
    expect(notices.map((n) => n.changeType)).toEqual(['created']);
  });

  it('a higher SEQUENCE updates the copy; an equal one is ignored', async () => {
    await mail('REQUEST', outsideInvite());
    await mail('REQUEST', outsideInvite({ sequence: 2, summary: 'Study session (moved)' }));
    await mail('REQUEST', outsideInvite({ sequence: 2, summary: 'Stale' }));
    const view = await learnerView();
    expect(view.map((item) => item.subject)).toEqual(['Study session (moved)']);
    expect(emulator.received().map((r) => r.outcome)).toEqual([
      'added as not responded',
      'updated',
      'ignored: SEQUENCE 2 is not newer than 2',
    ]);
  });

  it('accept with sendResponse sends a REPLY with the comment; a proposal goes as COUNTER; sendResponse false sends nothing', async () => {
    await mail('REQUEST', outsideInvite());
    const [copy] = await learnerView();
    const id = String(copy?.id);
    expect(
      (
        await asLearner(`/me/events/${id}/tentativelyAccept`, {
          method: 'POST',
          json: { sendResponse: false },
        })
      ).status,
    ).toBe(202);
    expect(await sent()).toHaveLength(0);
    await asLearner(`/me/events/${id}/accept`, {
      method: 'POST',
      json: { comment: 'See you there', sendResponse: true },
    });
    await asLearner(`/me/events/${id}/tentativelyAccept`, {
      method: 'POST',
      json: {
        sendResponse: true,
        proposedNewTime: {
          start: { dateTime: '2031-06-02T15:00:00', timeZone: 'UTC' },
          end: { dateTime: '2031-06-02T16:00:00', timeZone: 'UTC' },
        },
      },
    });
    const [reply, counter] = await sent();
    expect(reply?.to).toEqual([OUTSIDE]);
    expect(reply?.calendar?.method).toBe('REPLY');
    expect(reply?.calendar?.events[0]).toMatchObject({
      uid: 'from-gmail-1@google.com',
      sequence: 0,
      comment: 'See you there',
      attendees: [expect.objectContaining({ email: LEARNER, partstat: 'ACCEPTED' })],
    });
    expect(reply?.calendar?.events[0]?.attendees).toHaveLength(1);
    expect(counter?.calendar?.method).toBe('COUNTER');
    expect(counter?.calendar?.events[0]?.time).toMatchObject({ start: new Date('2031-06-02T15:00:00Z') });
  });

  it('a CANCEL from the organiser marks the copy cancelled', async () => {
    await mail('REQUEST', outsideInvite());
    await mail('CANCEL', outsideInvite({ sequence: 1, status: 'CANCELLED' }));
    const [copy] = await learnerView();
    expect(copy).toMatchObject({ isCancelled: true, subject: 'Canceled: Study session' });
  });

  it('a series arrives as a weekly pattern; a CANCEL with RECURRENCE-ID removes that occurrence', async () => {
    const series = outsideInvite({ uid: 'series@google.com', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    await mail('REQUEST', series);
    expect((await learnerView()).map((item) => item.type)).toEqual([
      'occurrence',
      'occurrence',
      'occurrence',
    ]);
    await mail('CANCEL', {
      ...series,
      recurrence: undefined,
      status: 'CANCELLED',
      recurrenceId: { kind: 'timed', at: new Date('2031-06-09T13:00:00Z'), timeZone: 'Europe/London' },
    });
    const view = await learnerView();
    expect(view.map((item) => (item.start as { dateTime: string }).dateTime.slice(0, 10))).toEqual([
      '2031-06-02',
      '2031-06-16',
    ]);
  });

  it('a REQUEST with RECURRENCE-ID moves that occurrence (an exception)', async () => {
    const series = outsideInvite({ uid: 'moved@google.com', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    await mail('REQUEST', series);
    await mail('REQUEST', {
      ...series,
      sequence: 1,
      recurrence: undefined,
      recurrenceId: { kind: 'timed', at: new Date('2031-06-09T13:00:00Z'), timeZone: 'Europe/London' },
      time: {
        kind: 'timed',
        start: new Date('2031-06-10T13:00:00Z'),
        end: new Date('2031-06-10T14:00:00Z'),
        timeZone: 'Europe/London',
      },
    });
    const view = await learnerView();
    expect(
      view.map((item) => [item.type, (item.start as { dateTime: string }).dateTime.slice(0, 10)]),
    ).toEqual([
      ['occurrence', '2031-06-02'],
      ['exception', '2031-06-10'],
      ['occurrence', '2031-06-16'],
    ]);
  });

  it('a REPLY sets the attendee’s response and time on the organiser’s item; a COUNTER records proposedNewTime', async () => {
    const event = await create();
    const base: ImipEvent = {
      uid: event.iCalUId,
      sequence: 0,
      status: 'CONFIRMED',
      time: {
        kind: 'timed',
        start: new Date('2031-05-05T09:00:00Z'),
        end: new Date('2031-05-05T10:00:00Z'),
        timeZone: 'UTC',
      },
      organizer: { email: TUTOR },
      attendees: [{ email: OUTSIDE, partstat: 'DECLINED' }],
      comment: 'Exam that day',
    };
    await mail('REPLY', base, TUTOR);
    let stored = (await (await asTutor(`/me/events/${event.id}`)).json()) as {
      attendees: Record<string, unknown>[];
    };
    const answer = stored.attendees.find((a) => (a.emailAddress as { address: string }).address === OUTSIDE);
    expect(answer?.status).toMatchObject({ response: 'declined' });
    expect((answer?.status as { time: string }).time).not.toBe('0001-01-01T00:00:00Z');
    await mail(
      'COUNTER',
      {
        ...base,
        attendees: [{ email: OUTSIDE, partstat: 'TENTATIVE' }],
        time: {
          kind: 'timed',
          start: new Date('2031-05-06T09:00:00Z'),
          end: new Date('2031-05-06T10:00:00Z'),
          timeZone: 'UTC',
        },
      },
      TUTOR,
    );
    stored = (await (await asTutor(`/me/events/${event.id}`)).json()) as {
      attendees: Record<string, unknown>[];
    };
    const countered = stored.attendees.find(
      (a) => (a.emailAddress as { address: string }).address === OUTSIDE,
    );
    expect(countered).toMatchObject({
      status: { response: 'tentativelyAccepted' },
      proposedNewTime: { start: { dateTime: expect.stringMatching(/^2031-05-06T09:00:00/) } },
    });
  });

  it('refuses a recipient it does not host with 550', async () => {
    await expect(mail('REQUEST', outsideInvite(), 'nobody@outlook.test')).rejects.toMatchObject({
      responseCode: 550,
    });
  });
});
