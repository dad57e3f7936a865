import { z } from 'zod';
import { GraphHttpError } from './graph-errors';
import { addAccount } from './seed';
import type { ClientApp, MicrosoftStore, Principal } from './store';

/**
 * Microsoft 365 tenants as an enterprise app sees them: admin consent per tenant and app, the
 * application permissions (`roles`) an app-only token carries, and what Graph refuses without
 * them. Facts pinned in directory.fidelity.test.ts:
 * - https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent (the endpoint, its answer)
 * - https://learn.microsoft.com/en-us/graph/auth-v2-service (client credentials, `roles`)
 * - https://learn.microsoft.com/en-us/graph/api/user-list (GET /users, User.Read.All, paging)
 * - https://learn.microsoft.com/en-us/graph/paging ($top ≤ 999, default 100, @odata.nextLink)
 */

/** What Tandem's app registration asks for as application permissions (PROVIDERS.md "Enterprise access"). */
export const DEFAULT_APPLICATION_PERMISSIONS = ['Calendars.ReadWrite', 'User.Read.All'];

const consentKey = (tenantId: string, clientId: string) => `${tenantId}|${clientId}`;

export function requestedPermissions(client: ClientApp): string[] {
  return client.applicationPermissions ?? DEFAULT_APPLICATION_PERMISSIONS;
}

/** An admin consented: the app's service principal exists in the tenant with these roles. */
export function grantConsent(store: MicrosoftStore, tenantId: string, client: ClientApp): void {
  store.consents.set(consentKey(tenantId, client.clientId), new Set(requestedPermissions(client)));
}

export function consentedRoles(store: MicrosoftStore, tenantId: string, clientId: string): string[] | null {
  const roles = store.consents.get(consentKey(tenantId, clientId));
  return roles ? [...roles] : null;
}

/**
 * The seeded tenants have Tandem's app consented already (as their admins would have), so the
 * emulator's own app-only tests work; tenants made through the control API start without.
 */
export function consentSeededTenants(store: MicrosoftStore, consumersTenant: string): void {
  const tenants = new Set(
    [...store.accounts.values()].map((a) => a.tenantId).filter((id) => id !== consumersTenant),
  );
  for (const client of store.clients.values())
    for (const tenant of tenants) grantConsent(store, tenant, client);
}

function has(principal: Extract<Principal, { kind: 'app' }>, ...anyOf: string[]): boolean {
  return anyOf.some((role) => principal.roles.includes(role));
}

/** Graph's answer when the app-only token lacks a directory permission. */
const directoryDenied = () =>
  new GraphHttpError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );

/** Graph's answer when the app-only token lacks a calendar permission. */
const calendarDenied = () =>
  new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

/** Reading users (the profile, the directory list) takes User.Read.All or Directory.Read.All. */
export function requireDirectoryRead(principal: Principal): void {
  if (principal.kind !== 'app') return;
  if (!has(principal, 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'User.ReadBasic.All'))
    throw directoryDenied();
}

/** Calendar paths: reads take Calendars.Read(Write), writes Calendars.ReadWrite. */
export function requireCalendarAccess(principal: Principal, method: string): void {
  if (principal.kind !== 'app') return;
  const ok =
    method === 'GET'
      ? has(principal, 'Calendars.Read', 'Calendars.ReadWrite')
      : has(principal, 'Calendars.ReadWrite');
  if (!ok) throw calendarDenied();
}

/** A user without an Exchange Online mailbox has no calendars for REST. */
export function mailboxNotEnabled(): GraphHttpError {
  return new GraphHttpError(
    404,
    'MailboxNotEnabledForRESTAPI',
    'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
  );
}

export const directoryTenantSchema = z.object({
  tenantId: z.string().min(1),
  /** The tenant's verified domain (what users' addresses end in). */
  domain: z.string().min(1),
  /** An app registered for enterprise access (multi-tenant, not yet consented here). */
  app: z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      redirectUris: z.array(z.string()).default([]),
      applicationPermissions: z.array(z.string()).default(DEFAULT_APPLICATION_PERMISSIONS),
    })
    .optional(),
  users: z
    .array(
      z.object({
        email: z.string().min(3),
        displayName: z.string().min(1),
        accountEnabled: z.boolean().default(true),
        hasMailbox: z.boolean().default(true),
        isAdmin: z.boolean().default(false),
      }),
    )
    .default([]),
  /** Also `count` generated mailboxes `{prefix}{n}@{domain}` (benches). */
  generate: z.object({ count: z.number().int().min(1).max(20_000), prefix: z.string().min(1) }).optional(),
});
export type DirectoryTenantSpec = z.input<typeof directoryTenantSchema>;

/** Adds (or extends) a Microsoft 365 tenant: its users, and an app registration not yet consented. */
export function addDirectoryTenant(store: MicrosoftStore, input: DirectoryTenantSpec): { users: number } {
  const spec = directoryTenantSchema.parse(input);
  if (spec.app) {
    store.clients.set(spec.app.clientId, {
      clientId: spec.app.clientId,
      clientSecret: spec.app.clientSecret,
      redirectUris: spec.app.redirectUris,
      applicationPermissions: spec.app.applicationPermissions,
    });
  }
  const users = [
    ...spec.users,
    ...Array.from({ length: spec.generate?.count ?? 0 }, (_, i) => ({
      email: `${spec.generate?.prefix ?? 'user'}${i + 1}@${spec.domain}`,
      displayName: `${spec.generate?.prefix ?? 'user'} ${i + 1}`,
      accountEnabled: true,
      hasMailbox: true,
      isAdmin: false,
    })),
  ];
  for (const user of users) {
    const account = addAccount(store, {
      email: user.email,
      displayName: user.displayName,
      kind: 'work',
      tenantId: spec.tenantId,
      timeZone: 'Europe/London',
      calendars: user.hasMailbox ? [{ name: 'Calendar', color: 'auto' }] : [],
    });
    account.accountEnabled = user.accountEnabled;
    account.hasMailbox = user.hasMailbox;
    account.isAdmin = user.isAdmin;
  }
  return { users: users.length };
}
