import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { decryptJson, encryptJson, type KeyRing } from '@/server/crypto/secrets';
import type { Executor } from '@/server/db/client';
import { enterpriseConnections, type EnterpriseProvider } from '@/server/db/schema';

/** What `enterprise_connections.encrypted_secret` holds once decrypted. */
const enterpriseSecretSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('microsoft'), clientSecret: z.string().min(1) }),
  z.object({
    provider: z.literal('google'),
    privateKey: z.string().min(1),
    privateKeyId: z.string().nullable(),
  }),
  /** Exchange Server: the service account's password, and how IIS takes it. */
  z.object({
    provider: z.literal('ews_impersonation'),
    password: z.string().min(1),
    auth: z.enum(['basic', 'ntlm']),
  }),
]);
export type EnterpriseSecret = z.infer<typeof enterpriseSecretSchema>;

export function encryptEnterpriseSecret(keys: KeyRing, secret: EnterpriseSecret): string {
  return encryptJson(keys, enterpriseSecretSchema.parse(secret));
}

/** An enterprise connection with its secret in clear: only for building clients, never returned. */
export interface EnterpriseApp {
  id: string;
  tenantId: string;
  provider: EnterpriseProvider;
  domain: string;
  clientId: string;
  serviceAccountEmail: string | null;
  directoryAdmin: string | null;
  secret: EnterpriseSecret;
}

export type EnterpriseRow = typeof enterpriseConnections.$inferSelect;

export function openEnterpriseApp(keys: KeyRing, row: EnterpriseRow): EnterpriseApp {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: row.provider,
    domain: row.domain,
    clientId: row.clientId,
    serviceAccountEmail: row.serviceAccountEmail,
    directoryAdmin: row.directoryAdmin,
    secret: decryptJson(keys, row.encryptedSecret, (value) => enterpriseSecretSchema.parse(value)),
  };
}

export async function findEnterpriseRow(
  db: Executor,
  tenantId: string,
  where: { id: string } | { provider: EnterpriseProvider },
): Promise<EnterpriseRow | null> {
  const [row] = await db
    .select()
    .from(enterpriseConnections)
    .where(
      and(
        eq(enterpriseConnections.tenantId, tenantId),
        'id' in where
          ? eq(enterpriseConnections.id, where.id)
          : eq(enterpriseConnections.provider, where.provider),
      ),
    );
  return row ?? null;
}
