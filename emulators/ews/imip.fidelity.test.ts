/**
 * Fidelity: Exchange Server and organisers / attendees it does not host, by iMIP email over real
 * SMTP, read back with raw SOAP as any EWS client would.
 * - [MS-OXCICAL] "Property: METHOD": a REQUEST is a meeting request, CANCEL a meeting
 *   cancellation, REPLY a meeting response whose single ATTENDEE's PARTSTAT is the answer.
 * - [MS-OXOCAL] 3.1.4.7.2.2 "Creating the Meeting Object": the attendee's meeting is not
 *   responded (EWS `MyResponseType` NoResponseReceived) and tentative (`LegacyFreeBusyStatus`),
 *   free when the intended status is free; `IsMeeting`, the organiser as given. 3.1.4.7.3.1: a
 *   new time is a full update that asks again. 3.1.4.9: a cancellation makes the meeting
 *   cancelled (`IsCancelled`) and free. A response updates the attendee's row on the organiser's
 *   meeting (EWS reference "Attendee": `ResponseType`, `LastResponseTime`).
 * - RFC 5546 §2.1.5: a REQUEST whose SEQUENCE is not higher than the one held is stale.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImip, type ImipEvent } from '../shared/imip';
import { mailImip, startSmtpSink, type SmtpSink } from '../shared/imip-test-support';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

const PRIYA = 'priya.shah@northbridge-college.test';
const ALEX = 'alex.morgan@northbridge-college.test';
const OUTSIDE = 'sam.taylor@gmail.test';
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
});

type Xml = Record<string, unknown>;
let sink: SmtpSink;
let emulator: EwsEmulator;

beforeAll(async () => {
  sink = await startSmtpSink();
  emulator = await startEwsEmulator({ smtpPort: 0, relayUrl: sink.url });
});
afterAll(async () => {
  await emulator.close();
  await sink.close();
});
beforeEach(() => {
  emulator.reset();
  sink.clear();
});

async function soap(user: string, body: Xml): Promise<Xml> {
  const envelope = builder.build({
    'soap:Envelope': {
      '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
      '@_xmlns:t': 'http://schemas.microsoft.com/exchange/services/2006/types',
      '@_xmlns:m': 'http://schemas.microsoft.com/exchange/services/2006/messages',
      'soap:Header': { 't:RequestServerVersion': { '@_Version': 'Exchange2016' } },
      'soap:Body': body,
    },
  });
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${user}:${DEFAULT_PASSWORD}`).toString('base64')}`,
    },
    body: envelope,
  });
  expect(response.status).toBe(200);
  const parsed = parser.parse(await response.text()) as Xml;
  return at(parsed, 'Envelope', 'Body');
}

function at(value: unknown, ...path: string[]): Xml {
  let current = value as Xml | undefined;
  for (const key of path) current = current?.[key] as Xml | undefined;
  return current ?? {};
}

const list = (value: unknown): Xml[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as Xml[]) : [value as Xml];

/** The June 2031 calendar view of a mailbox, each item in full (GetItem). */
async function june(user: string): Promise<Xml[]> {
  const found = await soap(user, {
    'm:FindItem': {
      '@_Traversal': 'Shallow',
      'm:ItemShape': { 't:BaseShape': 'IdOnly' },
      'm:CalendarView': { '@_StartDate': '2031-06-01T00:00:00Z', '@_EndDate': '2031-06-30T00:00:00Z' },
      'm:ParentFolderIds': { 't:DistinguishedFolderId': { '@_Id': 'calendar' } },
    },
  });
  const ids = list(
    at(found, 'FindItemResponse', 'ResponseMessages', 'FindItemResponseMessage', 'RootFolder', 'Items')[
      'CalendarItem'
    ],
  ).map((item) => at(item, 'ItemId')['@_Id'] as string);
  const items: Xml[] = [];
  for (const id of ids) items.push(await getItem(user, id));
  return items;
}

async function getItem(user: string, id: string): Promise<Xml> {
  const got = await soap(user, {
    'm:GetItem': {
      'm:ItemShape': { 't:BaseShape': 'AllProperties' },
      'm:ItemIds': { 't:ItemId': { '@_Id': id } },
    },
  });
  return at(got, 'GetItemResponse', 'ResponseMessages', 'GetItemResponseMessage', 'Items', 'CalendarItem');
}

/** The Inbox's meeting messages, newest first (FindItem on the inbox folder). */
async function inbox(user: string): Promise<[string, Xml][]> {
  const found = await soap(user, {
    'm:FindItem': {
      '@_Traversal': 'Shallow',
      'm:ItemShape': { 't:BaseShape': 'AllProperties' },
      'm:ParentFolderIds': { 't:DistinguishedFolderId': { '@_Id': 'inbox' } },
    },
  });
  const items = at(
    found,
    'FindItemResponse',
    'ResponseMessages',
    'FindItemResponseMessage',
    'RootFolder',
    'Items',
  );
  return Object.entries(items).flatMap(([kind, value]) =>
    list(value).map((item) => [kind, item] as [string, Xml]),
  );
}

function invite(overrides: Partial<ImipEvent> = {}): ImipEvent {
  return {
    uid: 'from-gmail-1@google.com',
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Study session',
    location: 'Library',
    time: {
      kind: 'timed',
      start: new Date('2031-06-02T13:00:00Z'),
      end: new Date('2031-06-02T14:00:00Z'),
      timeZone: 'Europe/London',
    },
    organizer: { email: OUTSIDE, name: 'Sam Taylor' },
    attendees: [
      { email: OUTSIDE, name: 'Sam Taylor', partstat: 'ACCEPTED' },
      { email: PRIYA, name: 'Priya Shah', partstat: 'NEEDS-ACTION', rsvp: true },
    ],
    ...overrides,
  };
}

async function mail(
  method: 'REQUEST' | 'CANCEL' | 'REPLY',
  event: ImipEvent,
  to = PRIYA,
  from = OUTSIDE,
): Promise<void> {
  await mailImip(emulator.smtpUrl ?? '', { from, to, method, ics: buildImip(method, [event], new Date()) });
}

describe('inbound: iMIP mailed to an Exchange Server mailbox', () => {
  it('a REQUEST for a new UID is a meeting on the calendar: not responded, tentative, the organiser as given; SyncFolderItems reports it', async () => {
    const first = await soap(PRIYA, {
      'm:SyncFolderItems': {
        'm:ItemShape': { 't:BaseShape': 'IdOnly' },
        'm:SyncFolderId': { 't:DistinguishedFolderId': { '@_Id': 'calendar' } },
        'm:MaxChangesReturned': 512,
      },
    });
    const state = at(first, 'SyncFolderItemsResponse', 'ResponseMessages', 'SyncFolderItemsResponseMessage')[
      'SyncState'
    ];
    await mail('REQUEST', invite());
    const [copy] = await june(PRIYA);
    expect(copy).toMatchObject({
      UID: 'from-gmail-1@google.com',
      Subject: 'Study session',
      Location: 'Library',
      Start: '2031-06-02T13:00:00Z',
      IsMeeting: 'true',
      IsCancelled: 'false',
      MyResponseType: 'NoResponseReceived',
      LegacyFreeBusyStatus: 'Tentative',
      Organizer: { Mailbox: { EmailAddress: OUTSIDE, Name: 'Sam Taylor' } },
      StartTimeZone: { '@_Id': 'GMT Standard Time' },
    });
    expect(
      list(at(copy, 'RequiredAttendees')['Attendee']).map((a) => at(a, 'Mailbox')['EmailAddress']),
    ).toEqual([OUTSIDE, PRIYA]);
    const next = await soap(PRIYA, {
      'm:SyncFolderItems': {
        'm:ItemShape': { 't:BaseShape': 'IdOnly' },
        'm:SyncFolderId': { 't:DistinguishedFolderId': { '@_Id': 'calendar' } },
        'm:SyncState': state,
        'm:MaxChangesReturned': 512,
      },
    });
    const changes = at(
      next,
      'SyncFolderItemsResponse',
      'ResponseMessages',
      'SyncFolderItemsResponseMessage',
      'Changes',
    );
    expect(list(changes['Create'])).toHaveLength(1);
    expect(emulator.received().map((r) => [r.method, r.to, r.outcome])).toEqual([
      ['REQUEST', PRIYA, 'added as not responded'],
    ]);
  });

  it('a TRANSP:TRANSPARENT request is placed as free, not tentative (the intended busy status)', async () => {
    await mail('REQUEST', invite({ transparent: true }));
    expect((await june(PRIYA))[0]).toMatchObject({
      MyResponseType: 'NoResponseReceived',
      LegacyFreeBusyStatus: 'Free',
    });
  });

  it('a higher SEQUENCE updates the meeting (a new time asks again); an equal one is stale', async () => {
    await mail('REQUEST', invite());
    await mail(
      'REQUEST',
      invite({ sequence: 1, summary: 'Study session (room change)', location: 'Room 4' }),
    );
    await mail(
      'REQUEST',
      invite({
        sequence: 2,
        time: {
          kind: 'timed',
          start: new Date('2031-06-03T13:00:00Z'),
          end: new Date('2031-06-03T14:00:00Z'),
          timeZone: 'Europe/London',
        },
      }),
    );
    await mail('REQUEST', invite({ sequence: 2, summary: 'Stale' }));
    const view = await june(PRIYA);
    expect(view.map((item) => [item['Subject'], item['Start'], item['AppointmentSequenceNumber']])).toEqual([
      ['Study session', '2031-06-03T13:00:00Z', '2'],
    ]);
    expect(emulator.received().map((r) => r.outcome)).toEqual([
      'added as not responded',
      'updated',
      'updated: asked again',
      'ignored: SEQUENCE 2 is not newer than 2',
    ]);
  });

  it('AcceptItem on it emails the organiser a REPLY naming only the attendee, ACCEPTED', async () => {
    await mail('REQUEST', invite());
    const [copy] = await june(PRIYA);
    await soap(PRIYA, {
      'm:CreateItem': {
        '@_MessageDisposition': 'SendAndSaveCopy',
        'm:Items': { 't:AcceptItem': { 't:ReferenceItemId': { '@_Id': at(copy, 'ItemId')['@_Id'] } } },
      },
    });
    const [after] = await june(PRIYA);
    expect(after).toMatchObject({ MyResponseType: 'Accept', LegacyFreeBusyStatus: 'Busy' });
    await emulator.mailIdle();
    expect(sink.messages.map((m) => [m.from, m.to])).toEqual([[PRIYA, [OUTSIDE]]]);
    expect(sink.messages[0]?.calendar?.method).toBe('REPLY');
    expect(sink.messages[0]?.calendar?.events[0]).toMatchObject({
      uid: 'from-gmail-1@google.com',
      organizer: { email: OUTSIDE },
      attendees: [expect.objectContaining({ email: PRIYA, partstat: 'ACCEPTED' })],
    });
    expect(sink.messages[0]?.calendar?.events[0]?.attendees).toHaveLength(1);
  });

  it('a CANCEL from the organiser of record marks the meeting cancelled; one from anyone else is ignored', async () => {
    await mail('REQUEST', invite());
    await mail(
      'CANCEL',
      invite({ sequence: 1, status: 'CANCELLED', organizer: { email: 'someone@gmail.test' } }),
    );
    expect((await june(PRIYA))[0]).toMatchObject({ IsCancelled: 'false' });
    await mail('CANCEL', invite({ sequence: 1, status: 'CANCELLED' }));
    expect((await june(PRIYA))[0]).toMatchObject({
      IsCancelled: 'true',
      Subject: 'Canceled: Study session',
      LegacyFreeBusyStatus: 'Free',
    });
    expect(emulator.received().map((r) => r.outcome)).toEqual([
      'added as not responded',
      'ignored: not from the organiser of record',
      'cancelled',
    ]);
  });

  it('a series arrives as a recurring master; a CANCEL with RECURRENCE-ID makes that occurrence a deleted occurrence', async () => {
    const series = invite({ uid: 'series@google.com', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    await mail('REQUEST', series);
    expect((await june(PRIYA)).map((item) => item['CalendarItemType'])).toEqual([
      'Occurrence',
      'Occurrence',
      'Occurrence',
    ]);
    await mail('CANCEL', {
      ...series,
      recurrence: undefined,
      status: 'CANCELLED',
      recurrenceId: { kind: 'timed', at: new Date('2031-06-09T13:00:00Z'), timeZone: 'Europe/London' },
    });
    expect((await june(PRIYA)).map((item) => String(item['Start']).slice(0, 10))).toEqual([
      '2031-06-02',
      '2031-06-16',
    ]);
  });

  it('a REPLY to a meeting organised here sets that attendee’s ResponseType and LastResponseTime', async () => {
    await soap(ALEX, {
      'm:CreateItem': {
        '@_SendMeetingInvitations': 'SendToAllAndSaveCopy',
        'm:Items': {
          't:CalendarItem': {
            't:Subject': 'Placement review',
            't:Start': '2031-06-04T10:00:00Z',
            't:End': '2031-06-04T11:00:00Z',
            't:RequiredAttendees': { 't:Attendee': { 't:Mailbox': { 't:EmailAddress': OUTSIDE } } },
          },
        },
      },
    });
    await emulator.mailIdle();
    const uid = sink.messages[0]?.calendar?.events[0]?.uid ?? '';
    expect(uid).not.toBe('');
    await mail(
      'REPLY',
      invite({
        uid,
        organizer: { email: ALEX },
        attendees: [{ email: OUTSIDE, partstat: 'DECLINED' }],
      }),
      ALEX,
    );
    const [meeting] = await june(ALEX);
    const attendee = list(at(meeting, 'RequiredAttendees')['Attendee'])[0];
    expect(attendee).toMatchObject({ Mailbox: { EmailAddress: OUTSIDE }, ResponseType: 'Decline' });
    expect(typeof attendee?.['LastResponseTime']).toBe('string');
    expect(meeting).toMatchObject({ MyResponseType: 'Organizer' });
    expect(emulator.received().map((r) => r.outcome)).toEqual([`${OUTSIDE} Decline`]);
  });

  it('leaves a MeetingRequest in the Inbox naming the calendar item; AcceptItem on the MeetingRequest answers the meeting', async () => {
    // EWS reference "MeetingRequest": ItemClass IPM.Schedule.Meeting.Request, AssociatedCalendarItemId,
    // MeetingRequestType; "AcceptItem": its ReferenceItemId may be the meeting request.
    await mail('REQUEST', invite());
    const [copy] = await june(PRIYA);
    const [[kind, request] = ['', {}]] = await inbox(PRIYA);
    expect(kind).toBe('MeetingRequest');
    expect(request).toMatchObject({
      ItemClass: 'IPM.Schedule.Meeting.Request',
      Subject: 'Study session',
      MeetingRequestType: 'NewMeetingRequest',
      ResponseType: 'NoResponseReceived',
      IsOutOfDate: 'false',
      UID: 'from-gmail-1@google.com',
      From: { Mailbox: { EmailAddress: OUTSIDE } },
      AssociatedCalendarItemId: { '@_Id': at(copy, 'ItemId')['@_Id'] },
    });
    const got = await soap(PRIYA, {
      'm:GetItem': {
        'm:ItemShape': { 't:BaseShape': 'AllProperties' },
        'm:ItemIds': { 't:ItemId': { '@_Id': at(request, 'ItemId')['@_Id'] } },
      },
    });
    expect(
      at(got, 'GetItemResponse', 'ResponseMessages', 'GetItemResponseMessage', 'Items', 'MeetingRequest'),
    ).toMatchObject({ UID: 'from-gmail-1@google.com' });
    await soap(PRIYA, {
      'm:CreateItem': {
        '@_MessageDisposition': 'SendAndSaveCopy',
        'm:Items': { 't:AcceptItem': { 't:ReferenceItemId': { '@_Id': at(request, 'ItemId')['@_Id'] } } },
      },
    });
    expect((await june(PRIYA))[0]).toMatchObject({ MyResponseType: 'Accept' });
    await emulator.mailIdle();
    expect(sink.messages.map((m) => m.calendar?.method)).toEqual(['REPLY']);
  });

  it('an update leaves a FullUpdate (new time) or InformationalUpdate, the earlier request out of date; a CANCEL a MeetingCancellation', async () => {
    await mail('REQUEST', invite());
    await mail('REQUEST', invite({ sequence: 1, location: 'Room 9' }));
    await mail(
      'REQUEST',
      invite({
        sequence: 2,
        time: {
          kind: 'timed',
          start: new Date('2031-06-03T13:00:00Z'),
          end: new Date('2031-06-03T14:00:00Z'),
          timeZone: 'Europe/London',
        },
      }),
    );
    await mail('CANCEL', invite({ sequence: 3, status: 'CANCELLED' }));
    const messages = await inbox(PRIYA);
    const requests = messages.filter(([kind]) => kind === 'MeetingRequest').map(([, item]) => item);
    expect(requests.map((item) => [item['MeetingRequestType'], item['IsOutOfDate']])).toEqual([
      ['FullUpdate', 'true'],
      ['InformationalUpdate', 'true'],
      ['NewMeetingRequest', 'true'],
    ]);
    const cancellations = messages.filter(([kind]) => kind === 'MeetingCancellation').map(([, item]) => item);
    expect(cancellations).toEqual([
      expect.objectContaining({
        ItemClass: 'IPM.Schedule.Meeting.Canceled',
        Subject: 'Canceled: Study session',
        IsOutOfDate: 'false',
      }),
    ]);
  });

  it('refuses a recipient it does not host with 550, as an MX does', async () => {
    await expect(mail('REQUEST', invite(), 'nobody@northbridge-college.test')).rejects.toMatchObject({
      responseCode: 550,
    });
  });
});
