import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { notificationPreferences, notifications } from '@/server/db/schema';
import { NOTIFICATION_KIND_LIST, NOTIFICATION_KINDS } from './kinds';

/** Older notifications are not emailed late: an email an hour after the fact helps no one. */
export const SWEEP_WINDOW_MINUTES = 60;
/** The event sent after commit normally gets there first; the sweep waits that long. */
const HEAD_START_MINUTES = 2;
const SWEEP_LIMIT = 1000;
const IDS_PER_BATCH = 500;

const EMAILED_BY_DEFAULT = NOTIFICATION_KIND_LIST.filter((kind) => NOTIFICATION_KINDS[kind].emailByDefault);

/**
 * Notifications of the last hour still waiting for their email, by tenant: the net under an
 * event lost between a commit and its `tandem/notifications.created` (or a caller that does not
 * announce yet). The email job claims each, so this and the event never send one twice.
 */
export async function listUnsentNotificationEmails(
  deps: Pick<AppDeps, 'db' | 'now'>,
): Promise<{ tenantId: string; notificationIds: string[] }[]> {
  const now = deps.now().getTime();
  const rows = await deps.db
    .select({ tenantId: notifications.tenantId, id: notifications.id })
    .from(notifications)
    .leftJoin(
      notificationPreferences,
      and(
        eq(notificationPreferences.tenantId, notifications.tenantId),
        eq(notificationPreferences.userId, notifications.userId),
        eq(notificationPreferences.kind, notifications.kind),
      ),
    )
    .where(
      and(
        isNull(notifications.emailedAt),
        gt(notifications.createdAt, new Date(now - SWEEP_WINDOW_MINUTES * 60_000)),
        lt(notifications.createdAt, new Date(now - HEAD_START_MINUTES * 60_000)),
        sql`coalesce(${notificationPreferences.email}, ${inArray(notifications.kind, EMAILED_BY_DEFAULT)})`,
      ),
    )
    .limit(SWEEP_LIMIT);
  const byTenant = new Map<string, string[]>();
  for (const row of rows) byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.id]);
  return [...byTenant].flatMap(([tenantId, ids]) => {
    const batches = [];
    for (let start = 0; start < ids.length; start += IDS_PER_BATCH)
      batches.push({ tenantId, notificationIds: ids.slice(start, start + IDS_PER_BATCH) });
    return batches;
  });
}
