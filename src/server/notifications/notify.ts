import type { Executor } from '@/server/db/client';
import { notifications } from '@/server/db/schema';

export type NotificationKind =
  | 'meeting_invited'
  | 'meeting_updated'
  | 'meeting_cancelled'
  | 'meeting_response'
  | 'connection_needs_reauth';

/** Records in-app notices (the bell); email and provider notices are sent elsewhere. */
export async function notifyUsers(
  db: Executor,
  tenantId: string,
  userIds: string[],
  kind: NotificationKind,
  payload: Record<string, unknown>,
): Promise<void> {
  if (userIds.length === 0) return;
  await db.insert(notifications).values(userIds.map((userId) => ({ tenantId, userId, kind, payload })));
}
