/**
 * Fidelity: answers mailed back to an Exchange Server organiser by attendees it does not host,
 * read back with raw SOAP as any EWS client would.
 * - [MS-OXCICAL] "Property: RECURRENCE-ID": a meeting response carrying RECURRENCE-ID answers
 *   that exception only. [MS-OXOCAL] / Outlook MAPI reference PidTagRecipientFlags
 *   recipExceptionalResponse: the organiser's exception keeps the answer in its own recipient
 *   rows, the series keeping the series' answer.
 * - [MS-OXCICAL] "Property: METHOD" COUNTER: a Meeting Response with a new time proposed
 *   (PidLidAppointmentCounterProposal, PidLidAppointmentProposedStartWhole / EndWhole);
 *   EWS reference "MeetingResponse", "ProposedStart", "ProposedEnd" (Exchange 2013 and later).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImip, type ImipEvent, type ImipMethod } from '../shared/imip';
import { mailImip, startSmtpSink, type SmtpSink } from '../shared/imip-test-support';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

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
  return at(parser.parse(await response.text()), 'Envelope', 'Body');
}

function at(value: unknown, ...path: string[]): Xml {
  let current = value as Xml | undefined;
  for (const key of path) current = current?.[key] as Xml | undefined;
  return current ?? {};
}

const list = (value: unknown): Xml[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as Xml[]) : [value as Xml];

async function findItems(user: string, folder: Xml): Promise<[string, Xml][]> {
  const found = await soap(user, {
    'm:FindItem': {
      '@_Traversal': 'Shallow',
      'm:ItemShape': { 't:BaseShape': 'IdOnly' },
      ...folder,
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

async function getItem(user: string, id: string): Promise<[string, Xml]> {
  const got = await soap(user, {
    'm:GetItem': {
      'm:ItemShape': { 't:BaseShape': 'AllProperties' },
      'm:ItemIds': { 't:ItemId': { '@_Id': id } },
    },
  });
  const items = at(got, 'GetItemResponse', 'ResponseMessages', 'GetItemResponseMessage', 'Items');
  const [entry] = Object.entries(items);
  return [entry?.[0] ?? '', (entry?.[1] ?? {}) as Xml];
}

/** The June 2031 calendar view of a mailbox, each item in full. */
async function june(user: string): Promise<Xml[]> {
  const found = await findItems(user, {
    'm:CalendarView': { '@_StartDate': '2031-06-01T00:00:00Z', '@_EndDate': '2031-06-30T00:00:00Z' },
    'm:ParentFolderIds': { 't:DistinguishedFolderId': { '@_Id': 'calendar' } },
  });
  const items: Xml[] = [];
  for (const [, item] of found) items.push((await getItem(user, at(item, 'ItemId')['@_Id'] as string))[1]);
  return items;
}

/** GetItem on an occurrence's RecurringMasterItemId: its series. */
async function masterOf(user: string, occurrence: Xml | undefined): Promise<Xml> {
  const got = await soap(user, {
    'm:GetItem': {
      'm:ItemShape': { 't:BaseShape': 'AllProperties' },
      'm:ItemIds': {
        't:RecurringMasterItemId': { '@_OccurrenceId': at(occurrence, 'ItemId')['@_Id'] as string },
      },
    },
  });
  return at(got, 'GetItemResponse', 'ResponseMessages', 'GetItemResponseMessage', 'Items', 'CalendarItem');
}

const responseOf = (item: Xml | undefined) =>
  list(at(item, 'RequiredAttendees')['Attendee']).find(
    (entry) => at(entry, 'Mailbox')['EmailAddress'] === OUTSIDE,
  )?.['ResponseType'];

/** Alex (hosted here) invites Sam (outside) to a weekly meeting: three Wednesdays at 10:00 UTC. */
async function weeklyWithOutside(): Promise<string> {
  await soap(ALEX, {
    'm:CreateItem': {
      '@_SendMeetingInvitations': 'SendToAllAndSaveCopy',
      'm:Items': {
        't:CalendarItem': {
          't:Subject': 'Placement review',
          't:Start': '2031-06-04T10:00:00Z',
          't:End': '2031-06-04T11:00:00Z',
          't:RequiredAttendees': { 't:Attendee': { 't:Mailbox': { 't:EmailAddress': OUTSIDE } } },
          't:Recurrence': {
            't:WeeklyRecurrence': { 't:Interval': 1, 't:DaysOfWeek': 'Wednesday' },
            't:NumberedRecurrence': { 't:StartDate': '2031-06-04', 't:NumberOfOccurrences': 3 },
          },
        },
      },
    },
  });
  await emulator.mailIdle();
  const uid = sink.messages[0]?.calendar?.events[0]?.uid ?? '';
  expect(uid).not.toBe('');
  return uid;
}

function answer(uid: string, overrides: Partial<ImipEvent>): ImipEvent {
  return {
    uid,
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Placement review',
    time: {
      kind: 'timed',
      start: new Date('2031-06-11T10:00:00Z'),
      end: new Date('2031-06-11T11:00:00Z'),
      timeZone: 'UTC',
    },
    organizer: { email: ALEX },
    attendees: [{ email: OUTSIDE, partstat: 'DECLINED' }],
    ...overrides,
  };
}

async function mail(method: ImipMethod, event: ImipEvent): Promise<void> {
  await mailImip(emulator.smtpUrl ?? '', {
    from: OUTSIDE,
    to: ALEX,
    method,
    ics: buildImip(method, [event], new Date()),
  });
}

describe('inbound answers to a series organised on Exchange Server', () => {
  it('a REPLY with RECURRENCE-ID is that occurrence’s: its exception carries the answer, the series keeps its own', async () => {
    const uid = await weeklyWithOutside();
    await mail(
      'REPLY',
      answer(uid, {
        recurrenceId: { kind: 'timed', at: new Date('2031-06-11T10:00:00Z'), timeZone: 'UTC' },
      }),
    );
    const occurrences = await june(ALEX);
    expect(occurrences.map((item) => item['CalendarItemType'])).toEqual([
      'Occurrence',
      'Exception',
      'Occurrence',
    ]);
    expect(occurrences.map(responseOf)).toEqual(['Unknown', 'Decline', 'Unknown']);
    expect(occurrences[1]).toMatchObject({ MyResponseType: 'Organizer', Start: '2031-06-11T10:00:00Z' });
    expect(typeof list(at(occurrences[1], 'RequiredAttendees')['Attendee'])[0]?.['LastResponseTime']).toBe(
      'string',
    );
    expect(emulator.received().map((record) => record.outcome)).toEqual([
      `${OUTSIDE} Decline for 2031-06-11T10:00:00.000Z`,
    ]);
    // The series' own row (GetItem on the master) keeps the series' answer.
    const master = await masterOf(ALEX, occurrences[1]);
    expect(master['CalendarItemType']).toBe('RecurringMaster');
    expect(responseOf(master)).toBe('Unknown');
  });

  it('a REPLY with a RECURRENCE-ID the series does not have is ignored', async () => {
    const uid = await weeklyWithOutside();
    await mail(
      'REPLY',
      answer(uid, { recurrenceId: { kind: 'timed', at: new Date('2031-06-12T10:00:00Z'), timeZone: 'UTC' } }),
    );
    expect((await june(ALEX)).map(responseOf)).toEqual(['Unknown', 'Unknown', 'Unknown']);
    expect(emulator.received().map((record) => record.outcome)).toEqual(['ignored: no such occurrence']);
  });

  it('a COUNTER sets the attendee’s ProposedStart / ProposedEnd and answer, and files a MeetingResponse in the Inbox', async () => {
    const uid = await weeklyWithOutside();
    await mail(
      'COUNTER',
      answer(uid, {
        attendees: [{ email: OUTSIDE, partstat: 'TENTATIVE' }],
        time: {
          kind: 'timed',
          start: new Date('2031-06-05T14:00:00Z'),
          end: new Date('2031-06-05T15:00:00Z'),
          timeZone: 'UTC',
        },
      }),
    );
    const [first] = await june(ALEX);
    const row = list(at(first, 'RequiredAttendees')['Attendee'])[0];
    expect(row).toMatchObject({
      ResponseType: 'Tentative',
      ProposedStart: '2031-06-05T14:00:00Z',
      ProposedEnd: '2031-06-05T15:00:00Z',
    });

    const messages = await findItems(ALEX, {
      'm:ParentFolderIds': { 't:DistinguishedFolderId': { '@_Id': 'inbox' } },
    });
    expect(messages.map(([kind]) => kind)).toEqual(['MeetingResponse']);
    const [kind, message] = await getItem(ALEX, at(messages[0]?.[1], 'ItemId')['@_Id'] as string);
    expect(kind).toBe('MeetingResponse');
    expect(message).toMatchObject({
      ItemClass: 'IPM.Schedule.Meeting.Resp.Tent',
      Subject: 'New Time Proposed: Placement review',
      From: { Mailbox: { EmailAddress: OUTSIDE } },
      ResponseType: 'Tentative',
      UID: uid,
      ProposedStart: '2031-06-05T14:00:00Z',
      ProposedEnd: '2031-06-05T15:00:00Z',
    });
    expect(at(message, 'AssociatedCalendarItemId')['@_Id']).toBe(
      at(await masterOf(ALEX, first), 'ItemId')['@_Id'],
    );

    // A plain answer afterwards replaces the proposal.
    await mail('REPLY', answer(uid, { attendees: [{ email: OUTSIDE, partstat: 'ACCEPTED' }] }));
    const after = list(at((await june(ALEX))[0], 'RequiredAttendees')['Attendee'])[0];
    expect(after).toMatchObject({ ResponseType: 'Accept' });
    expect(after?.['ProposedStart']).toBeUndefined();
  });

  it('a COUNTER with RECURRENCE-ID proposes for that occurrence alone; NEEDS-ACTION keeps the answer held', async () => {
    const uid = await weeklyWithOutside();
    await mail(
      'COUNTER',
      answer(uid, {
        attendees: [{ email: OUTSIDE, partstat: 'NEEDS-ACTION' }],
        recurrenceId: { kind: 'timed', at: new Date('2031-06-18T10:00:00Z'), timeZone: 'UTC' },
        time: {
          kind: 'timed',
          start: new Date('2031-06-19T09:00:00Z'),
          end: new Date('2031-06-19T10:00:00Z'),
          timeZone: 'UTC',
        },
      }),
    );
    const rows = (await june(ALEX)).map((item) => list(at(item, 'RequiredAttendees')['Attendee'])[0]);
    expect(rows.map((row) => row?.['ProposedStart'])).toEqual([undefined, undefined, '2031-06-19T09:00:00Z']);
    expect(rows.map((row) => row?.['ResponseType'])).toEqual(['Unknown', 'Unknown', 'Unknown']);
  });
});
