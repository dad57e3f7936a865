import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { removeConnection } from '@/server/connections/manage';
import { calendarConnections, enterpriseConnections, type EnterpriseProvider } from '@/server/db/schema';
import { InvalidInputError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { recordAudit } from '@/server/audit/record-audit';
import { encryptEnterpriseSecret, findEnterpriseRow, type EnterpriseRow } from './secrets';

/**
 * An admin's enterprise set-up on /admin/calendar: saved with its secret encrypted, shown without
 * it (never again), replaceable, removable. Removing it removes the connections made with it
 * (their meetings stay, remembering the copies Tandem no longer updates).
 */

/** What the Microsoft 365 admin grants the app (application permissions, then admin consent). */
export const MICROSOFT_APPLICATION_PERMISSIONS = ['Calendars.ReadWrite', 'User.Read.All'];

export interface EnterpriseSetupView {
  provider: EnterpriseProvider;
  domain: string;
  clientId: string;
  serviceAccountEmail: string | null;
  status: EnterpriseRow['status'];
  lastError: string | null;
  lastTestedAt: Date | null;
  /** Microsoft: the admin consent link; Google: null. */
  consentUrl: string | null;
  /** The permissions or scopes to grant, exactly as the provider's admin console spells them. */
  permissions: string[];
  /** Connections this access made and still holds. */
  connections: number;
}

export interface EnterpriseOverview {
  microsoft: EnterpriseSetupView | null;
  /** The redirect URI to register on the Microsoft app (admin consent comes back there). */
  consentRedirectUri: string;
}

type SetupDeps = Pick<AppDeps, 'db' | 'keyRing' | 'now' | 'enterprise' | 'appUrl'>;

export function consentRedirectUri(appUrl: string): string {
  return new URL('/admin/calendar', appUrl).toString();
}

async function viewOf(deps: SetupDeps, row: EnterpriseRow): Promise<EnterpriseSetupView> {
  const owned = await deps.db
    .select({ id: calendarConnections.id })
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, row.tenantId),
        eq(calendarConnections.enterpriseConnectionId, row.id),
      ),
    );
  return {
    provider: row.provider,
    domain: row.domain,
    clientId: row.clientId,
    serviceAccountEmail: row.serviceAccountEmail,
    status: row.status,
    lastError: row.lastError,
    lastTestedAt: row.lastTestedAt,
    consentUrl:
      row.provider === 'microsoft'
        ? deps.enterprise.consentUrl(row.domain, row.clientId, consentRedirectUri(deps.appUrl))
        : null,
    permissions: row.provider === 'microsoft' ? MICROSOFT_APPLICATION_PERMISSIONS : [],
    connections: owned.length,
  };
}

export async function getEnterpriseOverview(deps: SetupDeps, actor: Actor): Promise<EnterpriseOverview> {
  const row = await findEnterpriseRow(deps.db, actor.tenantId, { provider: 'microsoft' });
  return {
    microsoft: row ? await viewOf(deps, row) : null,
    consentRedirectUri: consentRedirectUri(deps.appUrl),
  };
}

export interface MicrosoftSetupInput {
  /** Directory (tenant) id or verified domain. */
  directory: string;
  clientId: string;
  /** Required the first time; omitted keeps the stored one. */
  clientSecret?: string | undefined;
}

export async function saveMicrosoftSetup(
  deps: SetupDeps,
  actor: Actor,
  input: MicrosoftSetupInput,
): Promise<EnterpriseSetupView> {
  const existing = await findEnterpriseRow(deps.db, actor.tenantId, { provider: 'microsoft' });
  const secret = input.clientSecret?.trim();
  if (!existing && !secret) throw new InvalidInputError('Enter the client secret of the app registration.');
  const now = deps.now();
  const changed = {
    domain: input.directory.trim().toLowerCase(),
    clientId: input.clientId.trim(),
    ...(secret
      ? {
          encryptedSecret: encryptEnterpriseSecret(deps.keyRing(), {
            provider: 'microsoft',
            clientSecret: secret,
          }),
        }
      : {}),
    // New settings are not known to work until tested again.
    status: 'untested' as const,
    lastError: null,
    updatedAt: now,
  };
  const [row] = existing
    ? await deps.db
        .update(enterpriseConnections)
        .set(changed)
        .where(
          and(eq(enterpriseConnections.tenantId, actor.tenantId), eq(enterpriseConnections.id, existing.id)),
        )
        .returning()
    : await deps.db
        .insert(enterpriseConnections)
        .values({
          tenantId: actor.tenantId,
          provider: 'microsoft',
          encryptedSecret: changed.encryptedSecret ?? '',
          ...changed,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning();
  if (!row) throw new Error('enterprise connection upsert returned no row');
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'enterprise.configured',
    target: { label: `Microsoft 365 · ${row.domain}` },
    result: 'ok',
    reason: `${existing ? 'Updated' : 'Set up'}, secret ${secret ? 'replaced' : 'kept'}`,
    at: deps.now(),
  });
  return viewOf(deps, row);
}

/** Removes the access and every connection made with it; meetings stay. */
export async function removeEnterpriseSetup(
  deps: SetupDeps & Pick<AppDeps, 'providers' | 'oauthApps'>,
  actor: Actor,
  provider: EnterpriseProvider,
): Promise<{ removedConnections: number }> {
  const row = await findEnterpriseRow(deps.db, actor.tenantId, { provider });
  if (!row) throw new NotFoundError('There is no enterprise connection to remove.');
  const owned = await deps.db
    .select()
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, actor.tenantId),
        eq(calendarConnections.enterpriseConnectionId, row.id),
      ),
    );
  for (const connection of owned) await removeConnection(deps, connection);
  await deps.db
    .delete(enterpriseConnections)
    .where(and(eq(enterpriseConnections.tenantId, actor.tenantId), eq(enterpriseConnections.id, row.id)));
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'enterprise.removed',
    target: { label: `${provider === 'microsoft' ? 'Microsoft 365' : 'Google Workspace'} · ${row.domain}` },
    result: 'ok',
    reason: `${owned.length} connections removed`,
    at: deps.now(),
  });
  return { removedConnections: owned.length };
}
