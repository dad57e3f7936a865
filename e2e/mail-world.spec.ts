/**
 * The e2e run's mail world is up and wired (mail-world.md): mail sent through the exchange to an
 * address no emulator hosts reaches the inbox specs read, and the inbound hook is guarded.
 */
import { expect, test } from '@playwright/test';
import nodemailer from 'nodemailer';
import { E2E_APP_URL, E2E_SMTP_URL } from './fixtures';
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
