import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { notifications, users } from '@/server/db/schema';
import { InvalidInputError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { FALLBACK_LOCALE } from '@/server/users/locale';
import { describeNotification, personIdsIn } from './describe';
import { isNotificationKind, type NotificationKind } from './kinds';
import { namesOf } from './names';

export const NOTIFICATIONS_PAGE_SIZE = 20;

/**
 * The order of the bell, in milliseconds: PostgreSQL keeps microseconds, a cursor (like a JS
 * Date) keeps milliseconds, and comparing the two would skip notifications made in the same
 * millisecond as a page's last one. The id breaks ties.
 */
const createdAtMs = sql`date_trunc('milliseconds', ${notifications.createdAt})`;

export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  text: string;
  href: string;
  createdAt: Date;
  readAt: Date | null;
}

export interface NotificationPage {
  items: NotificationItem[];
  /** Pass back for the next (older) page; null when this is the last. */
  nextCursor: string | null;
}

/** The actor's bell: newest first, 20 at a time, in plain words in their time zone and date format. */
export async function listNotifications(
  db: Executor,
  actor: Actor,
  input: { cursor?: string | null | undefined } = {},
): Promise<NotificationPage> {
  const after = input.cursor ? parseCursor(input.cursor) : null;
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      payload: notifications.payload,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(
      and(
        ownBell(actor),
        after
          ? sql`(${createdAtMs}, ${notifications.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdAtMs), desc(notifications.id))
    .limit(NOTIFICATIONS_PAGE_SIZE + 1);
  const page = rows.slice(0, NOTIFICATIONS_PAGE_SIZE);
  const last = page.at(-1);
  const [reader] = await db
    .select({ timeZone: users.timeZone, locale: users.locale })
    .from(users)
    .where(eq(users.id, actor.userId));
  const names = await namesOf(
    db,
    actor.tenantId,
    page.flatMap((row) => personIdsIn(row.payload)),
  );
  const context = {
    recipientUserId: actor.userId,
    names,
    zone: reader?.timeZone ?? 'UTC',
    locale: reader?.locale ?? FALLBACK_LOCALE,
  };
  return {
    // A kind this version does not know (written by a newer one) is left out rather than shown raw.
    items: page.flatMap((row) =>
      isNotificationKind(row.kind)
        ? [
            {
              id: row.id,
              kind: row.kind,
              ...describeNotification(row.kind, row.payload, context),
              createdAt: row.createdAt,
              readAt: row.readAt,
            },
          ]
        : [],
    ),
    nextCursor: rows.length > NOTIFICATIONS_PAGE_SIZE && last ? formatCursor(last) : null,
  };
}

export async function unreadCount(db: Executor, actor: Actor): Promise<number> {
  const [row] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(ownBell(actor), isNull(notifications.readAt)));
  return row?.unread ?? 0;
}

/** Marks some of the actor's own notifications read; ids of anyone else's change nothing. */
export async function markRead(
  db: Executor,
  actor: Actor,
  ids: string[],
  now: Date,
): Promise<{ unread: number }> {
  if (ids.length > 0) {
    await db
      .update(notifications)
      .set({ readAt: now })
      .where(and(ownBell(actor), isNull(notifications.readAt), inArray(notifications.id, ids)));
  }
  return { unread: await unreadCount(db, actor) };
}

export async function markAllRead(db: Executor, actor: Actor, now: Date): Promise<{ unread: number }> {
  await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(ownBell(actor), isNull(notifications.readAt)));
  return { unread: 0 };
}

function ownBell(actor: Actor) {
  return and(
    eq(notifications.tenantId, actor.tenantId),
    eq(notifications.userId, actor.userId),
    eq(notifications.shownInApp, true),
  );
}

const CURSOR = /^(\d{1,15})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Where the previous page ended: its last item's time in milliseconds and its id. */
function formatCursor(row: { id: string; createdAt: Date }): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const match = CURSOR.exec(cursor);
  if (!match?.[1] || !match[2]) throw new InvalidInputError('This list position is not valid');
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
