/**
 * The e2e run's mail world is up and wired (mail-world.md): mail sent through the exchange to an
 * address no emulator hosts reaches the inbox specs read, an invitation to Exchange Server's
 * domain reaches the EWS emulator's calendar, and the inbound hook is guarded.
 */
import { expect, test } from '@playwright/test';
import nodemailer from 'nodemailer';
import { E2E_APP_URL, E2E_EWS_URL, E2E_SMTP_URL } from './fixtures';
import { emailSource, waitForEmail } from './mail-inbox';

test('mail through the exchange to a plain address lands in the inbox', async () => {
  const subject = `Mail world check ${Date.now()}`;
  await nodemailer.createTransport(E2E_SMTP_URL).sendMail({
    from: 'Tandem <tandem@localhost>',
    to: 'Noah Williams <learner5@northbridge.test>',
    subject,
    text: 'Hello from the e2e run.',
  });
  const email = await waitForEmail('learner5@northbridge.test', subject);
  expect(email.to).toEqual([{ address: 'learner5@northbridge.test', name: 'Noah Williams' }]);
  expect(await emailSource(email)).toContain('Hello from the e2e run.');
});

test('the inbound email hook refuses a wrong secret', async ({ request }) => {
  const response = await request.post(`${E2E_APP_URL}/api/inbound/email`, {
    headers: { authorization: 'Bearer wrong-secret', 'content-type': 'message/rfc822' },
    data: 'From: a@b.test\r\n\r\nhello',
  });
  expect(response.status()).toBe(401);
});

test('an iMIP invitation through the exchange to Exchange Server’s domain lands on that mailbox’s calendar', async ({
  request,
}) => {
  const unique = Date.now();
  const mailbox = `mail-world-${unique}@northbridge-onprem.test`;
  const added = await request.post(`${E2E_EWS_URL}/__control/mailboxes`, {
    data: { email: mailbox, name: 'Mail World' },
    ignoreHTTPSErrors: true,
  });
  expect(added.status()).toBe(201);
  const subject = `Invitation check ${unique}`;
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem e2e//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:mail-world-${unique}@gmail.test`,
    'DTSTAMP:20310101T000000Z',
    'DTSTART:20310602T130000Z',
    'DTEND:20310602T140000Z',
    `SUMMARY:${subject}`,
    'ORGANIZER;CN=Sam Taylor:mailto:sam.taylor@gmail.test',
    `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${mailbox}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  await nodemailer.createTransport(E2E_SMTP_URL).sendMail({
    from: 'sam.taylor@gmail.test',
    to: mailbox,
    subject,
    text: subject,
    icalEvent: { method: 'REQUEST', content: ics },
  });
  // Read back over EWS as the mailbox, as Outlook would: the meeting, not yet answered.
  const calendarView = () =>
    request.post(`${E2E_EWS_URL}/EWS/Exchange.asmx`, {
      ignoreHTTPSErrors: true,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        authorization: `Basic ${Buffer.from(`${mailbox}:exchange-demo`).toString('base64')}`,
      },
      data: `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
  xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
  <soap:Body>
    <m:FindItem Traversal="Shallow">
      <m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>
      <m:CalendarView StartDate="2031-06-01T00:00:00Z" EndDate="2031-06-30T00:00:00Z"/>
      <m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>
    </m:FindItem>
  </soap:Body>
</soap:Envelope>`,
    });
  await expect.poll(async () => (await calendarView()).text()).toContain(subject);
  const found = await (await calendarView()).text();
  expect(found).toContain('<t:MyResponseType>NoResponseReceived</t:MyResponseType>');
  expect(found).toContain('<t:EmailAddress>sam.taylor@gmail.test</t:EmailAddress>');
});
