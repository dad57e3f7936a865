import type { Executor } from '@/server/db/client';
import { auditLog, type AuditAction, type AuditResult } from '@/server/db/schema';

/** What an entry is about; ids are kept as they were (no foreign keys), the label in words. */
export interface AuditTarget {
  userId?: string | null;
  meetingId?: string | null;
  calendarId?: string | null;
  connectionId?: string | null;
  /** E.g. "Google · alex@gmail.test · Work" or "Microsoft 365 · northbridge-college.test". No event content. */
  label?: string | null;
}

export interface AuditEntry {
  tenantId: string;
  /** Who acted, or on whose behalf Tandem wrote; null: Tandem itself (a job, a cron). */
  actorUserId: string | null;
  action: AuditAction;
  target?: AuditTarget;
  result: AuditResult;
  /** Plain words: why it failed, or what a settings change did ("Allowed: Google, Microsoft"). */
  reason?: string | null;
  at: Date;
}

/**
 * Appends one entry to the tenant's audit log. The only writer of `audit_log`: services call it
 * after doing the thing (ok) or when it failed (failed, with the reason); no procedure exposes it.
 */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  const target = entry.target ?? {};
  await db.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetUserId: target.userId ?? null,
    targetMeetingId: target.meetingId ?? null,
    targetCalendarId: target.calendarId ?? null,
    targetConnectionId: target.connectionId ?? null,
    targetLabel: target.label ?? null,
    result: entry.result,
    reason: entry.reason ?? null,
    at: entry.at,
  });
}
