import { z } from 'zod';
import { decryptJson, encryptJson, type KeyRing } from '@/server/crypto/secrets';
import type { AccountKind, OAuthTokens } from '@/server/providers/types';

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
  /** Exchange Server on premises: the EWS endpoint and the mailbox's Windows credentials. */
  z.object({
    kind: z.literal('ews'),
    endpoint: z.url(),
    username: z.string().min(1),
    password: z.string().min(1),
    auth: z.enum(['basic', 'ntlm']),
    email: z.email(),
  }),
  /** A tenant-owned connection: the tenant's enterprise access acting as `subject` (enterprise/). */
  z.object({ kind: z.literal('enterprise'), subject: z.string().min(3) }),
]);

export type ConnectionCredentials = z.infer<typeof connectionCredentialsSchema>;

export function decryptCredentials(keys: KeyRing, encrypted: string): ConnectionCredentials {
  return decryptJson(keys, encrypted, (value) => connectionCredentialsSchema.parse(value));
}

export function encryptCredentials(keys: KeyRing, credentials: ConnectionCredentials): string {
  return encryptJson(keys, connectionCredentialsSchema.parse(credentials));
}

/** Stored OAuth credentials from the adapters' token shape. */
export function oauthCredentials(
  tokens: OAuthTokens,
  accountKind?: AccountKind | null,
): Extract<ConnectionCredentials, { kind: 'oauth' }> {
  return {
    kind: 'oauth',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt.toISOString(),
    scope: tokens.scope,
    ...(accountKind ? { accountKind } : {}),
  };
}
