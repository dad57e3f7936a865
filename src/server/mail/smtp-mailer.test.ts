import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '@/tests/support/mail-sink';
import { mailerFromEnv, MailNotConfiguredError, parseMailAddress } from './mail-settings';

let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
afterAll(() => sink.close());

const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Tandem//test//EN',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:mailer-test@tandem',
  'DTSTAMP:20261202T100000Z',
  'DTSTART:20261203T100000Z',
  'DTEND:20261203T110000Z',
  'SUMMARY:Check-in',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('the SMTP mailer', () => {
  it('sends an iMIP message in the RFC 6047 shape, replies to the iMIP address', async () => {
    const mailer = mailerFromEnv({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Tandem <tandem@tandem.test>',
      IMIP_REPLY_ADDRESS: 'meetings@replies.tandem.test',
    });
    await mailer.send({
      to: [{ email: 'Noah@Example.org', name: 'Noah Williams' }],
      subject: 'Invitation: Check-in',
      text: 'You are invited.',
      calendar: { method: 'REQUEST', content: ics },
    });
    const [mail] = await sink.waitFor(1, 'noah@example.org');
    expect(mail?.parsed.from?.value[0]).toMatchObject({ address: 'tandem@tandem.test', name: 'Tandem' });
    expect(mail?.parsed.replyTo?.value[0]?.address).toBe('meetings@replies.tandem.test');
    expect(mail?.parsed.text?.trim()).toBe('You are invited.');
    expect(mail?.calendar?.method).toBe('REQUEST');
    expect(mail?.calendar?.content).toContain('UID:mailer-test@tandem');
    expect(mail?.raw.toString()).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  });

  it('without SMTP_URL refuses to send, plainly', async () => {
    const mailer = mailerFromEnv({ MAIL_FROM: 'tandem@localhost', IMIP_REPLY_ADDRESS: 'r@tandem.test' });
    await expect(mailer.send({ to: [], subject: 's', text: 't' })).rejects.toBeInstanceOf(
      MailNotConfiguredError,
    );
  });

  it('reads MAIL_FROM with or without a name', () => {
    expect(parseMailAddress('Tandem <a@b.test>')).toEqual({ email: 'a@b.test', name: 'Tandem' });
    expect(parseMailAddress('a@b.test')).toEqual({ email: 'a@b.test', name: null });
  });
});
