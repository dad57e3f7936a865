import type { Executor } from '@/server/db/client';
import { notifications } from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';
import type { NotificationKind } from './kinds';
import { preferenceFor, preferencesOf } from './preferences';

export type { NotificationKind } from './kinds';

/**
 * Records a notice for each person, as each chose for this kind: a bell item (unless they
 * turned the kind off in Tandem) and a row the email job sends (when they want it by email).
 * Someone who wants neither gets no row.
 *
 * Returns the ids of the notifications to email. Callers usually run inside a transaction, and
 * the email job must not see rows that may yet roll back: they hand these ids to
 * `announceNotifications` after the transaction commits (or collect them in a
 * `NotificationOutbox`).
 */
export async function notifyUsers(
  db: Executor,
  tenantId: string,
  userIds: string[],
  kind: NotificationKind,
  payload: Record<string, unknown>,
): Promise<string[]> {
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return [];
  const chosen = await preferencesOf(db, tenantId, recipients, [kind]);
  const rows = recipients.flatMap((userId) => {
    const preference = preferenceFor(chosen, userId, kind);
    if (!preference.inApp && !preference.email) return [];
    return [{ tenantId, userId, kind, payload, shownInApp: preference.inApp, wantsEmail: preference.email }];
  });
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(notifications)
    .values(rows.map(({ wantsEmail: _wantsEmail, ...row }) => row))
    .returning({ id: notifications.id, userId: notifications.userId });
  const emailed = new Set(rows.filter((row) => row.wantsEmail).map((row) => row.userId));
  return inserted.filter((row) => emailed.has(row.userId)).map((row) => row.id);
}

/** The events payload caps a batch at 500 ids. */
const IDS_PER_EVENT = 500;

/** Asks the email job to send these notifications (after the transaction that made them commits). */
export async function announceNotifications(
  jobs: JobDispatcher,
  tenantId: string,
  notificationIds: string[],
): Promise<void> {
  if (notificationIds.length === 0) return;
  const events = [];
  for (let start = 0; start < notificationIds.length; start += IDS_PER_EVENT) {
    events.push({
      name: 'tandem/notifications.created' as const,
      data: { tenantId, notificationIds: notificationIds.slice(start, start + IDS_PER_EVENT) },
    });
  }
  await jobs.send(events);
}

/**
 * Collects what several `notifyUsers` calls inside one transaction return, to announce them
 * together once it has committed:
 *   const outbox = new NotificationOutbox();
 *   await db.transaction(async (tx) => outbox.add(tenantId, await notifyUsers(tx, …)));
 *   await outbox.announce(jobs);
 */
export class NotificationOutbox {
  private readonly byTenant = new Map<string, string[]>();

  add(tenantId: string, notificationIds: string[]): void {
    if (notificationIds.length === 0) return;
    this.byTenant.set(tenantId, [...(this.byTenant.get(tenantId) ?? []), ...notificationIds]);
  }

  async announce(jobs: JobDispatcher): Promise<void> {
    const batches = [...this.byTenant];
    this.byTenant.clear();
    for (const [tenantId, ids] of batches) await announceNotifications(jobs, tenantId, ids);
  }
}
