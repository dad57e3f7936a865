import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { PROVIDER_KINDS, tenants, type UnansweredInvitationsCountAs } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { recordAudit } from '@/server/audit/record-audit';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { CalendarIntegrationUpdate } from './inputs';

export interface CalendarIntegrationSettings {
  tenantName: string;
  enabled: boolean;
  allowedProviders: (typeof PROVIDER_KINDS)[number][];
  /** The Scheduling Assistant's reading of an invitation nobody has answered yet. */
  unansweredInvitationsCountAs: UnansweredInvitationsCountAs;
}

const SETTINGS_COLUMNS = {
  tenantName: tenants.name,
  enabled: tenants.calendarIntegrationEnabled,
  allowedProviders: tenants.allowedProviders,
  unansweredInvitationsCountAs: tenants.unansweredInvitationsCountAs,
};

export async function getCalendarIntegrationSettings(
  db: Executor,
  tenantId: string,
): Promise<CalendarIntegrationSettings> {
  const [row] = await db.select(SETTINGS_COLUMNS).from(tenants).where(eq(tenants.id, tenantId));
  if (!row) throw new NotFoundError('Organisation not found');
  return row;
}

/** Saves the switch, the providers and the unanswered-invitations reading; each real change goes to the audit log as the admin's. */
export async function updateCalendarIntegrationSettings(
  db: Executor,
  admin: { tenantId: string; userId: string },
  update: CalendarIntegrationUpdate,
  now: Date,
): Promise<CalendarIntegrationSettings> {
  const { tenantId } = admin;
  const before = await getCalendarIntegrationSettings(db, tenantId);
  const [row] = await db
    .update(tenants)
    .set({
      ...(update.enabled === undefined ? {} : { calendarIntegrationEnabled: update.enabled }),
      ...(update.allowedProviders === undefined ? {} : { allowedProviders: update.allowedProviders }),
      ...(update.unansweredInvitationsCountAs === undefined
        ? {}
        : { unansweredInvitationsCountAs: update.unansweredInvitationsCountAs }),
      updatedAt: now,
    })
    .where(eq(tenants.id, tenantId))
    .returning(SETTINGS_COLUMNS);
  if (!row) throw new NotFoundError('Organisation not found');
  const entry = { tenantId, actorUserId: admin.userId, result: 'ok' as const, at: now };
  if (row.enabled !== before.enabled) {
    await recordAudit(db, { ...entry, action: row.enabled ? 'integration.enabled' : 'integration.disabled' });
  }
  const allowed = (kinds: string[]) => [...kinds].sort().join(',');
  if (allowed(row.allowedProviders) !== allowed(before.allowedProviders)) {
    const names = row.allowedProviders.map((kind) => PROVIDER_LABELS[kind]).join(', ');
    await recordAudit(db, {
      ...entry,
      action: 'providers.changed',
      reason: `Allowed: ${names || 'none'}`,
    });
  }
  if (row.unansweredInvitationsCountAs !== before.unansweredInvitationsCountAs) {
    await recordAudit(db, {
      ...entry,
      action: 'unanswered_invitations.changed',
      reason: `Unanswered invitations count as ${row.unansweredInvitationsCountAs}`,
    });
  }
  return row;
}
