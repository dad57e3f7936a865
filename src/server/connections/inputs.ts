import { z } from 'zod';
import { storableText } from '@/server/validation/text';

export const connectionIdSchema = z.strictObject({ connectionId: z.uuid('Choose a calendar connection') });

const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/**
 * iCloud: Apple ID plus an app-specific password (the server address is Apple's). Any other
 * CalDAV server: its address, user name and password.
 */
export const calDavConnectSchema = z
  .strictObject({
    kind: z.enum(['icloud', 'caldav'], 'Choose iCloud or another CalDAV server'),
    serverUrl: z
      .url({ protocol: /^https?$/, error: 'Enter the server address, starting with https://' })
      .max(2000, 'The server address is too long')
      .optional(),
    username: storableText()
      .trim()
      .min(1, 'Enter the user name')
      .max(320, 'The user name is too long')
      .regex(NO_CONTROL_CHARACTERS, 'The user name contains invalid characters'),
    password: storableText().min(1, 'Enter the password').max(1000, 'The password is too long'),
  })
  .refine((input) => input.kind === 'icloud' || !!input.serverUrl, {
    path: ['serverUrl'],
    message: 'Enter the server address, starting with https://',
  });
export type CalDavConnectInput = z.output<typeof calDavConnectSchema>;

/**
 * Exchange Server on premises: the EWS address (or just the server's, `https://mail.example.org`,
 * or nothing: Autodiscover finds it),
 * the mailbox's email address, the Windows user name (`DOMAIN\user` or `user@domain`; the email
 * address when left empty) and password, and how the server authenticates.
 */
export const exchangeConnectSchema = z.strictObject({
  // Left empty, the EWS address is found by Autodiscover from the email address.
  serverUrl: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .url({ protocol: /^https?$/, error: 'Enter the server address, starting with https://' })
      .max(2000, 'The server address is too long')
      .optional(),
  ),
  email: z.email('Enter the email address of the mailbox').max(320, 'The email address is too long'),
  username: storableText()
    .trim()
    .max(320, 'The user name is too long')
    .regex(NO_CONTROL_CHARACTERS, 'The user name contains invalid characters')
    .optional(),
  password: storableText().min(1, 'Enter the password').max(1000, 'The password is too long'),
  auth: z.enum(['basic', 'ntlm'], 'Choose Basic or NTLM authentication'),
});
export type ExchangeConnectInput = z.output<typeof exchangeConnectSchema>;

export const calendarPreferencesSchema = z
  .strictObject({
    calendarId: z.uuid('Choose a calendar'),
    show: z.boolean().optional(),
    busy: z.boolean().optional(),
    isWriteTarget: z.boolean().optional(),
  })
  .refine(
    (input) => input.show !== undefined || input.busy !== undefined || input.isWriteTarget !== undefined,
    {
      message: 'Say what to change: show, busy or isWriteTarget',
    },
  );
export type CalendarPreferences = z.output<typeof calendarPreferencesSchema>;
