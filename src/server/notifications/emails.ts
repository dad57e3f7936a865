import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { notifications, users } from '@/server/db/schema';
import type { OutgoingMail } from '@/server/mail/mailer';
import { FALLBACK_LOCALE } from '@/server/users/locale';
import { describeNotification, personIdsIn, type NotificationText } from './describe';
import { isNotificationKind } from './kinds';
import { namesOf } from './names';
import { preferenceFor, preferencesOf } from './preferences';

export type NotificationEmailDeps = Pick<AppDeps, 'db' | 'mailer' | 'appUrl' | 'now'>;

export interface NotificationEmailOutcome {
  sent: number;
  /** Already emailed, not wanted by email, or unknown in this tenant. */
  skipped: number;
}

/**
 * Emails each of these notifications whose person wants its kind by email, once. Each is claimed
 * (`emailedAt` set) before it is sent, so a replayed job sends nothing twice; one whose sending
 * fails is released again and the error rethrown, so the job's retry sends what is left.
 */
export async function sendNotificationEmails(
  deps: NotificationEmailDeps,
  batch: { tenantId: string; notificationIds: string[] },
): Promise<NotificationEmailOutcome> {
  const { db } = deps;
  const rows = await db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      kind: notifications.kind,
      payload: notifications.payload,
      email: users.email,
      name: users.name,
      timeZone: users.timeZone,
      locale: users.locale,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(
      and(
        eq(notifications.tenantId, batch.tenantId),
        inArray(notifications.id, batch.notificationIds),
        isNull(notifications.emailedAt),
      ),
    );
  const chosen = await preferencesOf(
    db,
    batch.tenantId,
    rows.map((row) => row.userId),
  );
  const wanted = rows.filter(
    (row) => isNotificationKind(row.kind) && preferenceFor(chosen, row.userId, row.kind).email,
  );
  const names = await namesOf(
    db,
    batch.tenantId,
    wanted.flatMap((row) => personIdsIn(row.payload)),
  );
  let sent = 0;
  let failure: unknown = null;
  for (const row of wanted) {
    if (!isNotificationKind(row.kind)) continue;
    const claimed = await db
      .update(notifications)
      .set({ emailedAt: deps.now() })
      .where(
        and(
          eq(notifications.tenantId, batch.tenantId),
          eq(notifications.id, row.id),
          isNull(notifications.emailedAt),
        ),
      )
      .returning({ id: notifications.id });
    if (claimed.length === 0) continue;
    const described = describeNotification(row.kind, row.payload, {
      recipientUserId: row.userId,
      names,
      zone: row.timeZone,
      locale: row.locale ?? FALLBACK_LOCALE,
    });
    try {
      await deps.mailer.send(notificationEmail(deps, { email: row.email, name: row.name }, described));
      sent += 1;
    } catch (error) {
      await db
        .update(notifications)
        .set({ emailedAt: null })
        .where(and(eq(notifications.tenantId, batch.tenantId), eq(notifications.id, row.id)));
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return { sent, skipped: batch.notificationIds.length - sent };
}

/** One plain email: the sentence, a link back, and where to change which emails arrive. */
export function notificationEmail(
  deps: Pick<NotificationEmailDeps, 'appUrl'>,
  to: { email: string; name: string | null },
  { text, href }: NotificationText,
): OutgoingMail {
  const base = deps.appUrl.replace(/\/+$/, '');
  const link = `${base}${href}`;
  const settings = `${base}/settings#notifications`;
  const action = href.startsWith('/settings/calendars') ? 'Reconnect it in Tandem' : 'Open it in Tandem';
  const greeting = to.name ? `Hello ${to.name},` : 'Hello,';
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  return {
    to: [to],
    subject: text.length > 120 ? `${text.slice(0, 117)}…` : text,
    text: [
      greeting,
      '',
      sentence,
      '',
      `${action}: ${link}`,
      '',
      `You can choose which emails Tandem sends you in Account settings: ${settings}`,
    ].join('\n'),
    html: [
      '<!doctype html><html lang="en"><body style="font-family: sans-serif; font-size: 16px; line-height: 1.5">',
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(sentence)}</p>`,
      `<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>`,
      `<p style="color: #475569; font-size: 14px">You can choose which emails Tandem sends you in <a href="${escapeHtml(settings)}">Account settings</a>.</p>`,
      '</body></html>',
    ].join('\n'),
  };
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
