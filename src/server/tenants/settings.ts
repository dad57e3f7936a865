import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { PROVIDER_KINDS, tenants } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { recordAudit } from '@/server/audit/record-audit';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { CalendarIntegrationUpdate } from './inputs';

export interface CalendarIntegrationSettings {
  tenantName: string;
  enabled: boolean;
  allowedProviders: (typeof PROVIDER_KINDS)[number][];
}

export async function getCalendarIntegrationSettings(
  db: Executor,
  tenantId: string,
): Promise<CalendarIntegrationSettings> {
  const [row] = await db
    .select({
      tenantName: tenants.name,
      enabled: tenants.calendarIntegrationEnabled,
      allowedProviders: tenants.allowedProviders,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!row) throw new NotFoundError('Organisation not found');
  return row;
}

/** Saves the switch and the providers; each real change goes to the audit log as the admin's. */
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
      updatedAt: now,
    })
    .where(eq(tenants.id, tenantId))
    .returning({
      tenantName: tenants.name,
      enabled: tenants.calendarIntegrationEnabled,
      allowedProviders: tenants.allowedProviders,
    });
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
  return row;
}
