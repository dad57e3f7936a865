import type { Actor } from '@/server/tenants/actor';
import type { ConnectionRow } from './provider-registry';

/**
 * A connection that is not stored yet, built so the provider registry can open it and the
 * credentials be checked against the server before anything is saved.
 */
export function draftConnection(
  actor: Pick<Actor, 'userId' | 'tenantId'>,
  fields: Pick<ConnectionRow, 'provider' | 'accountEmail' | 'encryptedCredentials'>,
  now: Date,
): ConnectionRow {
  return {
    id: crypto.randomUUID(),
    tenantId: actor.tenantId,
    userId: actor.userId,
    ...fields,
    displayName: null,
    status: 'active',
    lastError: null,
    lastSyncedAt: null,
    enterpriseConnectionId: null,
    createdAt: now,
    updatedAt: now,
  };
}
