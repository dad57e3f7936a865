import { z } from 'zod';

/** What `calendar_connections.encrypted_credentials` holds once decrypted. */
export const connectionCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth'),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).nullable(),
    /** ISO instant. */
    expiresAt: z.iso.datetime(),
    scope: z.string().nullable(),
    /** Microsoft only: personal (Outlook.com) accounts have no getSchedule. */
    accountKind: z.enum(['work', 'personal']).optional(),
  }),
  z.object({
    kind: z.literal('caldav'),
    serverUrl: z.url(),
    username: z.string().min(1),
    password: z.string().min(1),
    email: z.string().nullable(),
  }),
]);

export type ConnectionCredentials = z.infer<typeof connectionCredentialsSchema>;
