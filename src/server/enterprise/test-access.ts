import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { enterpriseConnections, type EnterpriseProvider } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { explainExchangeFailure } from './exchange-access';
import { findEnterpriseRow, openEnterpriseApp } from './secrets';

/**
 * "Test": acts as one address with the enterprise access, reads the directory and lists that
 * mailbox's calendars, and says plainly what is wrong when it fails. The outcome is kept on the
 * set-up (status, last error) so the page shows it until the next test.
 */

export type TestOutcome = { ok: true; calendars: string[] } | { ok: false; message: string };

/** A Microsoft 365 failure in words an admin can act on (the provider's text as it comes). */
export function explainMicrosoftFailure(
  error: unknown,
  context: { directory: string; address: string },
): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/AADSTS700016/.test(text))
    return `Admin consent has not been given in “${context.directory}”. Open the admin consent link as a Microsoft 365 administrator, accept, then test again.`;
  if (/AADSTS7000215|AADSTS7000222|invalid_client/.test(text))
    return 'Microsoft refused the client secret: it is wrong or has expired. Create a new one (Entra ID → App registrations → Certificates & secrets) and save it here.';
  if (/AADSTS90002|AADSTS900023/.test(text))
    return `Microsoft 365 does not know the directory “${context.directory}”. Check the tenant id or domain.`;
  if (/Authorization_RequestDenied/.test(text))
    return 'The app lacks the application permission User.Read.All (needed to read your directory). Add it, grant admin consent again, then test again.';
  if (/ErrorAccessDenied/.test(text))
    return 'The app lacks the application permission Calendars.ReadWrite, or an application access policy leaves this mailbox out. Add the permission and grant admin consent again, then test again.';
  if (/MailboxNotEnabledForRESTAPI/.test(text)) return `${context.address} has no Exchange Online mailbox.`;
  if (/ErrorInvalidUser|Request_ResourceNotFound/.test(text))
    return `${context.address} is not a user of the directory “${context.directory}”.`;
  return `Microsoft 365 refused the test: ${text}`;
}

/** A Google Workspace failure in words a Workspace admin can act on. */
export function explainGoogleFailure(
  error: unknown,
  context: { directory: string; address: string },
): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/unauthorized_client|Client is unauthorized/.test(text))
    return `Domain-wide delegation is not granted for this service account's client id, or a scope is missing. In the Google Admin console (Security → API controls → Domain-wide delegation) authorise the client id with exactly the scopes shown here, then test again.`;
  if (/Invalid email or User ID/.test(text))
    return `${context.address || 'That address'} is not an active user of the Workspace domain “${context.directory}”.`;
  if (/Invalid JWT Signature|account not found/.test(text))
    return 'Google refused the service account key: it was deleted or belongs to another service account. Create a new JSON key and upload it here.';
  if (/Invalid JWT/.test(text)) return "Google refused the signed request's time: check this server's clock.";
  if (/Not Authorized to access this resource/.test(text))
    return `The directory administrator is not a Workspace administrator in “${context.directory}”. Enter an administrator's address.`;
  if (/insufficientPermissions|insufficient authentication scopes/.test(text))
    return 'A scope is missing from the domain-wide delegation. Authorise exactly the scopes shown here, then test again.';
  return `Google Workspace refused the test: ${text}`;
}

/** The failure in the words of the provider's admin console. */
export function explainEnterpriseFailure(
  provider: EnterpriseProvider,
  error: unknown,
  context: { directory: string; address: string; serviceAccount?: string },
): string {
  if (provider === 'ews_impersonation')
    return explainExchangeFailure(error, {
      ...context,
      serviceAccount: context.serviceAccount ?? 'the service account',
    });
  return provider === 'google'
    ? explainGoogleFailure(error, context)
    : explainMicrosoftFailure(error, context);
}

export async function testEnterpriseAccess(
  deps: Pick<AppDeps, 'db' | 'keyRing' | 'now' | 'enterprise'>,
  actor: Actor,
  input: { provider: EnterpriseProvider; address: string },
): Promise<TestOutcome> {
  const row = await findEnterpriseRow(deps.db, actor.tenantId, { provider: input.provider });
  if (!row) throw new NotFoundError('Save the enterprise connection first.');
  const app = openEnterpriseApp(deps.keyRing(), row);
  const address = input.address.trim().toLowerCase();
  let outcome: TestOutcome;
  try {
    // Google answers any address outside the domain the same way; say so before asking it.
    if (row.provider === 'google' && !address.endsWith(`@${row.domain}`))
      throw new Error('Invalid email or User ID');
    await deps.enterprise.directory(app, { firstPageOnly: true, candidates: [address] });
    const calendars = await deps.enterprise.actAs(app, address).listCalendars();
    outcome = { ok: true, calendars: calendars.map((calendar) => calendar.name) };
  } catch (error) {
    outcome = {
      ok: false,
      message: explainEnterpriseFailure(row.provider, error, {
        directory: row.domain,
        address,
        serviceAccount: row.clientId,
      }),
    };
  }
  await deps.db
    .update(enterpriseConnections)
    .set({
      status: outcome.ok ? 'working' : 'error',
      lastError: outcome.ok ? null : outcome.message,
      lastTestedAt: deps.now(),
    })
    .where(and(eq(enterpriseConnections.tenantId, actor.tenantId), eq(enterpriseConnections.id, row.id)));
  return outcome;
}
