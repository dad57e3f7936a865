import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { removeConnection } from '@/server/connections/manage';
import { calendarConnections, enterpriseConnections, type EnterpriseProvider } from '@/server/db/schema';
import { InvalidInputError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { recordAudit } from '@/server/audit/record-audit';
import { GOOGLE_WORKSPACE_SCOPES } from './access';
import { EXCHANGE_IMPERSONATION_ROLE } from './exchange-access';
import { sealConsentState } from './consent-state';
import { parseServiceAccountKey } from './service-account-key';
import {
  encryptEnterpriseSecret,
  findEnterpriseRow,
  openEnterpriseApp,
  type EnterpriseRow,
  type EnterpriseSecret,
} from './secrets';

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
  /** Google: the administrator the directory is read as. */
  directoryAdmin: string | null;
  status: EnterpriseRow['status'];
  lastError: string | null;
  lastTestedAt: Date | null;
  /** Microsoft: the admin consent link; Google: null. */
  consentUrl: string | null;
  /** The permissions or scopes to grant, exactly as the provider's admin console spells them. */
  permissions: string[];
  /** Connections this access made and still holds. */
  connections: number;
  /** Exchange: how IIS takes the service account's password (kept with it, encrypted); else null. */
  auth: 'basic' | 'ntlm' | null;
}

export interface EnterpriseOverview {
  microsoft: EnterpriseSetupView | null;
  google: EnterpriseSetupView | null;
  /** Exchange Server on premises: a service account with ApplicationImpersonation. */
  exchange: EnterpriseSetupView | null;
  /** The redirect URI to register on the Microsoft app (admin consent comes back there). */
  consentRedirectUri: string;
}

/** What each provider's admin grants, exactly as its admin console spells it. */
const PERMISSIONS: Record<EnterpriseProvider, string[]> = {
  microsoft: MICROSOFT_APPLICATION_PERMISSIONS,
  google: GOOGLE_WORKSPACE_SCOPES,
  ews_impersonation: [EXCHANGE_IMPERSONATION_ROLE],
};

type SetupDeps = Pick<AppDeps, 'db' | 'keyRing' | 'now' | 'enterprise' | 'appUrl'>;

export function consentRedirectUri(appUrl: string): string {
  return new URL('/admin/calendar', appUrl).toString();
}

async function viewOf(deps: SetupDeps, actor: Actor, row: EnterpriseRow): Promise<EnterpriseSetupView> {
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
    directoryAdmin: row.directoryAdmin,
    status: row.status,
    lastError: row.lastError,
    lastTestedAt: row.lastTestedAt,
    consentUrl:
      row.provider === 'microsoft'
        ? deps.enterprise.consentUrl(
            row.domain,
            row.clientId,
            consentRedirectUri(deps.appUrl),
            sealConsentState(
              deps.keyRing(),
              { tenantId: actor.tenantId, userId: actor.userId, enterpriseConnectionId: row.id },
              deps.now(),
            ),
          )
        : null,
    permissions: PERMISSIONS[row.provider],
    connections: owned.length,
    auth: exchangeAuthOf(deps, row),
  };
}

function exchangeAuthOf(deps: SetupDeps, row: EnterpriseRow): 'basic' | 'ntlm' | null {
  if (row.provider !== 'ews_impersonation') return null;
  const { secret } = openEnterpriseApp(deps.keyRing(), row);
  return secret.provider === 'ews_impersonation' ? secret.auth : null;
}

export async function getEnterpriseOverview(deps: SetupDeps, actor: Actor): Promise<EnterpriseOverview> {
  const [microsoft, google, exchange] = await Promise.all([
    findEnterpriseRow(deps.db, actor.tenantId, { provider: 'microsoft' }),
    findEnterpriseRow(deps.db, actor.tenantId, { provider: 'google' }),
    findEnterpriseRow(deps.db, actor.tenantId, { provider: 'ews_impersonation' }),
  ]);
  return {
    microsoft: microsoft ? await viewOf(deps, actor, microsoft) : null,
    google: google ? await viewOf(deps, actor, google) : null,
    exchange: exchange ? await viewOf(deps, actor, exchange) : null,
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
  const secret = input.clientSecret?.trim();
  return upsertSetup(deps, actor, {
    provider: 'microsoft',
    columns: { domain: input.directory.trim().toLowerCase(), clientId: input.clientId.trim() },
    secret: secret ? { provider: 'microsoft', clientSecret: secret } : null,
    missingSecret: 'Enter the client secret of the app registration.',
  });
}

export interface GoogleSetupInput {
  /** The Workspace primary domain (what members' addresses end in). */
  domain: string;
  /** A Workspace administrator's address: the Directory API answers administrators only. */
  directoryAdmin: string;
  /** The service account key file's text; required the first time, omitted keeps the stored key. */
  keyJson?: string | undefined;
}

export async function saveGoogleSetup(
  deps: SetupDeps,
  actor: Actor,
  input: GoogleSetupInput,
): Promise<EnterpriseSetupView> {
  const domain = input.domain.trim().toLowerCase();
  const directoryAdmin = input.directoryAdmin.trim().toLowerCase();
  if (!directoryAdmin.endsWith(`@${domain}`))
    throw new InvalidInputError(`The administrator's address must be in ${domain}.`);
  const key = input.keyJson?.trim() ? parseServiceAccountKey(input.keyJson) : null;
  const existing = key ? null : await findEnterpriseRow(deps.db, actor.tenantId, { provider: 'google' });
  return upsertSetup(deps, actor, {
    provider: 'google',
    columns: {
      domain,
      directoryAdmin,
      clientId: key?.client_id ?? existing?.clientId ?? '',
      serviceAccountEmail: key?.client_email ?? existing?.serviceAccountEmail ?? null,
    },
    secret: key
      ? { provider: 'google', privateKey: key.private_key, privateKeyId: key.private_key_id ?? null }
      : null,
    missingSecret: 'Upload the service account key (JSON).',
  });
}

/** Saves a set-up (the secret encrypted), audited; every provider's save goes through here. */
export async function upsertSetup(
  deps: SetupDeps,
  actor: Actor,
  input: {
    provider: EnterpriseProvider;
    columns: Pick<EnterpriseRow, 'domain' | 'clientId'> &
      Partial<Pick<EnterpriseRow, 'serviceAccountEmail' | 'directoryAdmin'>>;
    secret: EnterpriseSecret | null;
    missingSecret: string;
  },
): Promise<EnterpriseSetupView> {
  const existing = await findEnterpriseRow(deps.db, actor.tenantId, { provider: input.provider });
  if (!existing && !input.secret) throw new InvalidInputError(input.missingSecret);
  const now = deps.now();
  const changed = {
    ...input.columns,
    ...(input.secret ? { encryptedSecret: encryptEnterpriseSecret(deps.keyRing(), input.secret) } : {}),
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
          provider: input.provider,
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
    target: { label: `${PROVIDER_NAMES[input.provider]} · ${row.domain}` },
    result: 'ok',
    reason: `${existing ? 'Updated' : 'Set up'}, ${SECRET_NAMES[input.provider]} ${input.secret ? 'replaced' : 'kept'}`,
    at: deps.now(),
  });
  return viewOf(deps, actor, row);
}

const PROVIDER_NAMES: Record<EnterpriseProvider, string> = {
  microsoft: 'Microsoft 365',
  google: 'Google Workspace',
  ews_impersonation: 'Exchange Server',
};

const SECRET_NAMES: Record<EnterpriseProvider, string> = {
  microsoft: 'secret',
  google: 'key',
  ews_impersonation: 'password',
};

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
    target: { label: `${PROVIDER_NAMES[provider]} · ${row.domain}` },
    result: 'ok',
    reason: `${owned.length} connections removed`,
    at: deps.now(),
  });
  return { removedConnections: owned.length };
}
