import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

/**
 * Wire shapes of the EWS emulator, pinned against Microsoft's EWS reference
 * (learn.microsoft.com/exchange/client-developer/web-service-reference/…), with raw SOAP the
 * way any EWS client sends it, not through our adapter.
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressBooleanAttributes: false,
});
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
});

type Xml = Record<string, unknown>;
let emulator: EwsEmulator;
beforeAll(async () => {
  emulator = await startEwsEmulator({
    extraMailboxes: [{ email: 'nobody@northbridge-college.test', name: 'No role', password: 'x' }],
  });
});
afterAll(() => emulator.close());

async function soap(body: Xml, options: { header?: Xml; user?: string; password?: string } = {}) {
  const user = options.user ?? ALEX;
  const envelope = builder.build({
    'soap:Envelope': {
      '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
      '@_xmlns:t': T,
      '@_xmlns:m': M,
      'soap:Header': { 't:RequestServerVersion': { '@_Version': 'Exchange2016' }, ...options.header },
      'soap:Body': body,
    },
  });
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${user}:${options.password ?? DEFAULT_PASSWORD}`).toString('base64')}`,
    },
    body: envelope,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    xml: text.startsWith('<?xml') ? (parser.parse(text) as Xml) : {},
  };
}

function at(value: unknown, ...path: string[]): Xml {
  let current = value as Xml | undefined;
  for (const key of path) current = current?.[key] as Xml | undefined;
  return current ?? {};
}

const calendar = { 't:DistinguishedFolderId': { '@_Id': 'calendar' } };

describe('EWS emulator fidelity', () => {
  it('refuses missing or wrong credentials with HTTP 401 offering NTLM and Basic (IIS, before EWS runs)', async () => {
    const refused = await soap({ 'm:GetFolder': {} }, { password: 'wrong' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^NTLM, Basic realm=/);
  });

  it('SyncFolderItems: no SyncState syncs everything as Create, returns a SyncState; a forged one is ErrorInvalidSyncStateData', async () => {
    // syncfolderitems-operation: "The SyncState element is not included in the request for the
    // first attempt …"; SyncFolderItemsResponseMessage holds SyncState, IncludesLastItemInRange, Changes.
    const first = await soap({
      'm:SyncFolderItems': {
        'm:ItemShape': { 't:BaseShape': 'IdOnly' },
        'm:SyncFolderId': calendar,
        'm:MaxChangesReturned': 512,
      },
    });
    const message = at(
      first.xml,
      'Envelope',
      'Body',
      'SyncFolderItemsResponse',
      'ResponseMessages',
      'SyncFolderItemsResponseMessage',
    );
    expect(message['@_ResponseClass']).toBe('Success');
    expect(message['ResponseCode']).toBe('NoError');
    expect(typeof message['SyncState']).toBe('string');
    expect(message['IncludesLastItemInRange']).toBe('true');
    expect(at(message, 'Changes', 'Create')).toBeTruthy();

    const forged = await soap({
      'm:SyncFolderItems': {
        'm:ItemShape': { 't:BaseShape': 'IdOnly' },
        'm:SyncFolderId': calendar,
        'm:SyncState': 'H4sIAAAAAAAEAGNgYGBgBGIOBmYGBgA=',
        'm:MaxChangesReturned': 10,
      },
    });
    const refused = at(
      forged.xml,
      'Envelope',
      'Body',
      'SyncFolderItemsResponse',
      'ResponseMessages',
      'SyncFolderItemsResponseMessage',
    );
    expect(refused['@_ResponseClass']).toBe('Error');
    expect(refused['ResponseCode']).toBe('ErrorInvalidSyncStateData');
  });

  it('UpdateItem with a stale ChangeKey and NeverOverwrite is ErrorIrresolvableConflict', async () => {
    // updateitem-operation / conflictresolution: NeverOverwrite fails on a changed item.
    const created = await soap({
      'm:CreateItem': {
        '@_SendMeetingInvitations': 'SendToNone',
        'm:SavedItemFolderId': calendar,
        'm:Items': {
          't:CalendarItem': {
            't:Subject': 'fidelity',
            't:Start': '2031-01-06T10:00:00Z',
            't:End': '2031-01-06T11:00:00Z',
          },
        },
      },
    });
    const id = at(
      created.xml,
      'Envelope',
      'Body',
      'CreateItemResponse',
      'ResponseMessages',
      'CreateItemResponseMessage',
      'Items',
      'CalendarItem',
      'ItemId',
    );
    const update = (changeKey: string) =>
      soap({
        'm:UpdateItem': {
          '@_ConflictResolution': 'NeverOverwrite',
          '@_SendMeetingInvitationsOrCancellations': 'SendToNone',
          'm:ItemChanges': {
            't:ItemChange': {
              't:ItemId': { '@_Id': id['@_Id'], '@_ChangeKey': changeKey },
              't:Updates': {
                't:SetItemField': {
                  't:FieldURI': { '@_FieldURI': 'item:Subject' },
                  't:CalendarItem': { 't:Subject': 'renamed' },
                },
              },
            },
          },
        },
      });
    const ok = await update(String(id['@_ChangeKey']));
    expect(
      at(ok.xml, 'Envelope', 'Body', 'UpdateItemResponse', 'ResponseMessages', 'UpdateItemResponseMessage')[
        'ResponseCode'
      ],
    ).toBe('NoError');
    const stale = await update(String(id['@_ChangeKey']));
    expect(
      at(
        stale.xml,
        'Envelope',
        'Body',
        'UpdateItemResponse',
        'ResponseMessages',
        'UpdateItemResponseMessage',
      )['ResponseCode'],
    ).toBe('ErrorIrresolvableConflict');
  });

  it('FindItem returns a summary without Body or attendee lists; GetItem returns them', async () => {
    // finditem-operation: FindItem "cannot return properties like Body or Attachments"; use GetItem.
    const found = await soap({
      'm:FindItem': {
        '@_Traversal': 'Shallow',
        'm:ItemShape': { 't:BaseShape': 'AllProperties' },
        'm:CalendarView': {
          '@_StartDate': new Date(Date.now() - 14 * 86_400_000).toISOString(),
          '@_EndDate': new Date(Date.now() + 21 * 86_400_000).toISOString(),
        },
        'm:ParentFolderIds': calendar,
      },
    });
    const root = at(
      found.xml,
      'Envelope',
      'Body',
      'FindItemResponse',
      'ResponseMessages',
      'FindItemResponseMessage',
      'RootFolder',
    );
    const items = ([] as Xml[]).concat(at(root, 'Items', 'CalendarItem') as unknown as Xml[]);
    expect(items.length).toBeGreaterThan(0);
    const meeting = items.find((item) => item['Subject'] === 'Quarterly planning')!;
    expect(meeting['Body']).toBeUndefined();
    expect(meeting['RequiredAttendees']).toBeUndefined();
    const full = await soap({
      'm:GetItem': {
        'm:ItemShape': { 't:BaseShape': 'AllProperties' },
        'm:ItemIds': { 't:ItemId': { '@_Id': at(meeting, 'ItemId')['@_Id'] } },
      },
    });
    const item = at(
      full.xml,
      'Envelope',
      'Body',
      'GetItemResponse',
      'ResponseMessages',
      'GetItemResponseMessage',
      'Items',
      'CalendarItem',
    );
    expect(at(item, 'RequiredAttendees', 'Attendee', 'Mailbox')['EmailAddress']).toBe(
      'priya.shah@northbridge-college.test',
    );
    expect(item['CalendarItemType']).toBe('Single');
  });

  it('throttles with a SOAP fault ErrorServerBusy carrying BackOffMilliseconds in MessageXml (HTTP 500)', async () => {
    // ews-throttling-in-exchange: "ErrorServerBusy … BackOffMilliseconds".
    emulator.fault({ kind: 'serverBusy', backOffMs: 2500 });
    const busy = await soap({
      'm:GetFolder': { 'm:FolderShape': { 't:BaseShape': 'IdOnly' }, 'm:FolderIds': calendar },
    });
    expect(busy.status).toBe(500);
    const fault = at(busy.xml, 'Envelope', 'Body', 'Fault');
    const code = fault['faultcode'];
    expect(typeof code === 'string' ? code : (code as Xml)['#text']).toBe('a:ErrorServerBusy');
    expect(at(fault, 'detail', 'MessageXml', 'Value')).toMatchObject({
      '@_Name': 'BackOffMilliseconds',
      '#text': '2500',
    });
  });

  it('refuses impersonation without the ApplicationImpersonation role: ErrorImpersonateUserDenied', async () => {
    // impersonation-and-ews-in-exchange: the ExchangeImpersonation header with ConnectingSID.
    const denied = await soap(
      { 'm:GetFolder': { 'm:FolderShape': { 't:BaseShape': 'IdOnly' }, 'm:FolderIds': calendar } },
      {
        user: 'nobody@northbridge-college.test',
        password: 'x',
        header: { 't:ExchangeImpersonation': { 't:ConnectingSID': { 't:PrimarySmtpAddress': ALEX } } },
      },
    );
    expect(denied.status).toBe(500);
    expect(denied.text).toContain('ErrorImpersonateUserDenied');
  });

  it('GetUserAvailability answers CalendarEvents with BusyType and MergedFreeBusy digits in the request zone', async () => {
    // getuseravailability-operation: FreeBusyView with MergedFreeBusy (0 free … 4 no data) and CalendarEventArray.
    const created = await soap({
      'm:CreateItem': {
        '@_SendMeetingInvitations': 'SendToNone',
        'm:Items': {
          't:CalendarItem': {
            't:Subject': 'busy block',
            't:Start': '2031-02-03T10:00:00Z',
            't:End': '2031-02-03T11:00:00Z',
          },
        },
      },
    });
    expect(created.status).toBe(200);
    const answer = await soap(
      {
        'm:GetUserAvailabilityRequest': {
          'm:MailboxDataArray': {
            't:MailboxData': { 't:Email': { 't:Address': ALEX }, 't:AttendeeType': 'Required' },
          },
          't:FreeBusyViewOptions': {
            't:TimeWindow': { 't:StartTime': '2031-02-03T09:00:00', 't:EndTime': '2031-02-03T12:00:00' },
            't:MergedFreeBusyIntervalInMinutes': 60,
            't:RequestedView': 'DetailedMerged',
          },
        },
      },
      { header: { 't:TimeZoneContext': { 't:TimeZoneDefinition': { '@_Id': 'UTC' } } } },
    );
    const view = at(
      answer.xml,
      'Envelope',
      'Body',
      'GetUserAvailabilityResponse',
      'FreeBusyResponseArray',
      'FreeBusyResponse',
      'FreeBusyView',
    );
    expect(view['MergedFreeBusy']).toBe('020');
    expect(at(view, 'CalendarEventArray', 'CalendarEvent')).toMatchObject({
      StartTime: '2031-02-03T10:00:00',
      EndTime: '2031-02-03T11:00:00',
      BusyType: 'Busy',
    });
  });

  it('emails people it does not host: a REQUEST on create and a CANCEL on delete, same UID (iMIP)', async () => {
    // PROVIDERS.md "who sends": Exchange emails every attendee it does not host.
    const guest = 'mentor@employer.example';
    const created = await soap({
      'm:CreateItem': {
        '@_SendMeetingInvitations': 'SendToAllAndSaveCopy',
        'm:Items': {
          't:CalendarItem': {
            't:Subject': 'Placement review',
            't:Start': '2031-03-03T10:00:00Z',
            't:End': '2031-03-03T11:00:00Z',
            't:RequiredAttendees': { 't:Attendee': { 't:Mailbox': { 't:EmailAddress': guest } } },
          },
        },
      },
    });
    const id = at(
      created.xml,
      'Envelope',
      'Body',
      'CreateItemResponse',
      'ResponseMessages',
      'CreateItemResponseMessage',
      'Items',
      'CalendarItem',
      'ItemId',
    );
    const request = emulator.outbox.find((mail) => mail.to.email === guest && mail.method === 'REQUEST');
    expect(request?.ics).toContain('METHOD:REQUEST');
    const uid = /UID:(.+)/.exec(request?.ics ?? '')?.[1]?.trim();
    expect(uid).toBeTruthy();
    await soap({
      'm:DeleteItem': {
        '@_DeleteType': 'MoveToDeletedItems',
        '@_SendMeetingCancellations': 'SendToAllAndSaveCopy',
        'm:ItemIds': { 't:ItemId': { '@_Id': id['@_Id'] } },
      },
    });
    const cancel = emulator.outbox.find((mail) => mail.to.email === guest && mail.method === 'CANCEL');
    expect(cancel?.ics).toContain('STATUS:CANCELLED');
    expect(cancel?.ics).toContain(`UID:${uid}`);
  });
});
