import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { PROVIDER_KINDS, tenants } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
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

export async function updateCalendarIntegrationSettings(
  db: Executor,
  tenantId: string,
  update: CalendarIntegrationUpdate,
  now: Date,
): Promise<CalendarIntegrationSettings> {
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
  return row;
}
