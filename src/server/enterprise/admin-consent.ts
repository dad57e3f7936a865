import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { recordAudit } from '@/server/audit/record-audit';
import { enterpriseConnections } from '@/server/db/schema';
import { InvalidInputError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { openConsentState } from './consent-state';
import type { AdminConsentAnswer } from './inputs';
import { findEnterpriseRow } from './secrets';

/**
 * Microsoft's answer to the admin consent link, as it lands on /admin/calendar (the redirect URI):
 * its `state` checked against the admin who is looking, the result said in plain words and kept
 * in the audit log. A granted consent makes the set-up "not tested yet" again: only Test shows
 * whether the permissions granted are the ones Tandem needs.
 */

export type AdminConsentOutcome =
  | { outcome: 'granted'; tenant: string; message: string }
  | { outcome: 'declined' | 'failed'; message: string };

type ConsentDeps = Pick<AppDeps, 'db' | 'keyRing' | 'now'>;

/** Microsoft's code for "the admin said no"; the v1 endpoint's documentation also shows permission_denied. */
const DECLINED = new Set(['access_denied', 'permission_denied']);

export async function acknowledgeAdminConsent(
  deps: ConsentDeps,
  actor: Actor,
  answer: AdminConsentAnswer,
): Promise<AdminConsentOutcome> {
  const opened = openConsentState(deps.keyRing(), answer.state, actor, deps.now());
  if (!opened.ok)
    throw new InvalidInputError(
      opened.reason === 'expired'
        ? 'The admin consent link had expired before Microsoft answered. Open it again from this page.'
        : 'This admin consent answer was not started from this page by you, so Tandem ignored it. Open the admin consent link on this page to grant consent.',
    );
  const row = await findEnterpriseRow(deps.db, actor.tenantId, { id: opened.claims.enterpriseConnectionId });
  if (!row || row.provider !== 'microsoft')
    throw new NotFoundError('The Microsoft 365 enterprise connection this consent was for has been removed.');
  const granted = answer.admin_consent === 'True' && !answer.error;
  if (!granted && !answer.error)
    throw new InvalidInputError('Microsoft’s answer said neither that consent was granted nor why not.');
  const now = deps.now();
  const label = `Microsoft 365 · ${row.domain}`;
  if (granted) {
    const tenant = answer.tenant || row.domain;
    await deps.db
      .update(enterpriseConnections)
      .set({ status: 'untested', lastError: null, updatedAt: now })
      .where(and(eq(enterpriseConnections.tenantId, actor.tenantId), eq(enterpriseConnections.id, row.id)));
    await recordAudit(deps.db, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: 'enterprise.consent',
      target: { label },
      result: 'ok',
      reason: `Admin consent granted for tenant ${tenant}`,
      at: now,
    });
    return {
      outcome: 'granted',
      tenant,
      message: `Microsoft 365 admin consent granted for tenant ${tenant} — press Test to check access.`,
    };
  }
  const error = answer.error ?? '';
  const description = answer.error_description || error;
  const declined = DECLINED.has(error);
  const message = declined
    ? `Admin consent was declined: ${description}`
    : `Admin consent did not complete: ${description}`;
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'enterprise.consent',
    target: { label },
    result: 'failed',
    reason: message,
    at: now,
  });
  return { outcome: declined ? 'declined' : 'failed', message };
}
