import { z } from 'zod';

/** Inputs of the enterprise procedures (validated in the router, DESIGN.md §2). */

const providerSchema = z.enum(['microsoft', 'google', 'ews_impersonation']);

export const enterpriseProviderSchema = z.strictObject({ provider: providerSchema });

export const microsoftSetupSchema = z.strictObject({
  directory: z
    .string()
    .trim()
    .min(3, 'Enter the directory (tenant) id or the domain')
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/, 'A tenant id or a domain such as contoso.onmicrosoft.com'),
  clientId: z.string().trim().min(1, 'Enter the application (client) id').max(100),
  clientSecret: z.string().max(500).optional(),
});

export const googleSetupSchema = z.strictObject({
  domain: z
    .string()
    .trim()
    .min(3, 'Enter the Workspace domain')
    .max(253)
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'A domain such as example.com'),
  directoryAdmin: z.email('Enter the address of a Workspace administrator'),
  /** The key file's text (a few KB); omitted keeps the stored key. */
  keyJson: z.string().max(20_000).optional(),
});

export const exchangeSetupSchema = z
  .strictObject({
    /** The server or its EWS URL; or leave it out and give an address for Autodiscover. */
    serverUrl: z
      .url({ protocol: /^https$/, error: 'An https:// address such as https://mail.example.org' })
      .optional(),
    autodiscoverEmail: z.email('Enter an address in your organisation').optional(),
    username: z.string().trim().min(1, 'Enter the service account user name').max(320),
    password: z.string().max(500).optional(),
    auth: z.enum(['basic', 'ntlm']),
  })
  .refine((input) => input.serverUrl || input.autodiscoverEmail, {
    message: 'Enter the server address, or an address to find it by Autodiscover.',
    path: ['serverUrl'],
  });

export const testAccessSchema = z.strictObject({
  provider: providerSchema,
  address: z.email('Enter the email address of a mailbox to test with'),
});

export const bulkSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('learners') }),
  z.strictObject({ kind: z.literal('tutors') }),
  z.strictObject({
    kind: z.literal('picked'),
    userIds: z.array(z.string().min(1).max(100)).min(1).max(5000),
  }),
  z.strictObject({ kind: z.literal('csv'), emails: z.array(z.string().max(320)).min(1).max(5000) }),
]);

export const bulkInputSchema = z.strictObject({
  provider: providerSchema,
  selection: bulkSelectionSchema,
});

export const bulkRunIdSchema = z.strictObject({ runId: z.uuid() });

/**
 * What Microsoft's admin consent endpoint hands back on the redirect URI, under its own names
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent): `admin_consent`
 * and `tenant` when granted, `error` and `error_description` when not; `state` always.
 */
export const adminConsentAnswerSchema = z.strictObject({
  state: z.string().min(1).max(2000),
  admin_consent: z.string().max(10).optional(),
  tenant: z.string().trim().max(253).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().trim().max(2000).optional(),
});
export type AdminConsentAnswer = z.output<typeof adminConsentAnswerSchema>;
