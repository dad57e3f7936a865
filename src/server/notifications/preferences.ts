import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { notificationPreferences } from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';
import {
  defaultPreference,
  NOTIFICATION_KIND_LIST,
  NOTIFICATION_KINDS,
  type KindPreference,
  type NotificationKind,
} from './kinds';

export interface NotificationPreferenceView extends KindPreference {
  kind: NotificationKind;
  label: string;
}

/** Every kind with the actor's choice (or the kind's default), for the settings page. */
export async function listPreferences(db: Executor, actor: Actor): Promise<NotificationPreferenceView[]> {
  const chosen = await preferencesOf(db, actor.tenantId, [actor.userId]);
  return NOTIFICATION_KIND_LIST.map((kind) => ({
    kind,
    label: NOTIFICATION_KINDS[kind].label,
    ...(chosen.get(keyOf(actor.userId, kind)) ?? defaultPreference(kind)),
  }));
}

export interface SetPreferenceInput {
  kind: NotificationKind;
  inApp?: boolean | undefined;
  email?: boolean | undefined;
}

/** Changes one kind's choice; the side not given keeps its current (or default) value. */
export async function setPreference(
  db: Executor,
  actor: Actor,
  input: SetPreferenceInput,
  now: Date,
): Promise<NotificationPreferenceView> {
  const current =
    (await preferencesOf(db, actor.tenantId, [actor.userId])).get(keyOf(actor.userId, input.kind)) ??
    defaultPreference(input.kind);
  const next = { inApp: input.inApp ?? current.inApp, email: input.email ?? current.email };
  await db
    .insert(notificationPreferences)
    .values({ tenantId: actor.tenantId, userId: actor.userId, kind: input.kind, ...next, updatedAt: now })
    .onConflictDoUpdate({
      target: [
        notificationPreferences.tenantId,
        notificationPreferences.userId,
        notificationPreferences.kind,
      ],
      set: { ...next, updatedAt: now },
    });
  return { kind: input.kind, label: NOTIFICATION_KINDS[input.kind].label, ...next };
}

/** The stored choices of some people, keyed by `keyOf(userId, kind)`; absent means the default. */
export async function preferencesOf(
  db: Executor,
  tenantId: string,
  userIds: string[],
  kinds?: NotificationKind[],
): Promise<Map<string, KindPreference>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({
      userId: notificationPreferences.userId,
      kind: notificationPreferences.kind,
      inApp: notificationPreferences.inApp,
      email: notificationPreferences.email,
    })
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.tenantId, tenantId),
        inArray(notificationPreferences.userId, userIds),
        ...(kinds ? [inArray(notificationPreferences.kind, kinds)] : []),
      ),
    );
  return new Map(rows.map((row) => [keyOf(row.userId, row.kind), { inApp: row.inApp, email: row.email }]));
}

export function preferenceFor(
  chosen: Map<string, KindPreference>,
  userId: string,
  kind: NotificationKind,
): KindPreference {
  return chosen.get(keyOf(userId, kind)) ?? defaultPreference(kind);
}

function keyOf(userId: string, kind: string): string {
  return `${userId}\u0000${kind}`;
}
