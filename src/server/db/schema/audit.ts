import { bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AuditAction, AuditResult } from '../../audit/actions';
import { tenantIdColumn } from './tenants';

export { AUDIT_ACTIONS, AUDIT_RESULTS, type AuditAction, type AuditResult } from '../../audit/actions';

/**
 * Append-only: no procedure writes or changes it, and the database refuses UPDATE and a direct
 * DELETE (trigger in the migration); rows go only with their tenant. Ids of the target are kept
 * without foreign keys, and `targetLabel` is a snapshot in words, so an entry still reads right
 * after the meeting, calendar or person is gone.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Insertion order: entries made at the same instant (one clock reading) still read in order. */
    seq: bigserial({ mode: 'number' }).notNull(),
    tenantId: tenantIdColumn(),
    /** The member who acted, or on whose behalf Tandem wrote; null: Tandem itself (a job, a cron). */
    actorUserId: text(),
    action: text().$type<AuditAction>().notNull(),
    /** The member the action concerns (whose connection, whose answer). */
    targetUserId: text(),
    targetMeetingId: uuid(),
    targetCalendarId: uuid(),
    targetConnectionId: uuid(),
    /** The target in words, e.g. "Google · alex@gmail.test · Work". Never event content. */
    targetLabel: text(),
    result: text().$type<AuditResult>().notNull(),
    /** Why it failed, in plain words (or what changed, for settings). */
    reason: text(),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('audit_log_tenant_at_idx').on(t.tenantId, t.at.desc(), t.seq.desc()),
    index('audit_log_tenant_actor_at_idx').on(t.tenantId, t.actorUserId, t.at.desc(), t.seq.desc()),
    index('audit_log_tenant_action_at_idx').on(t.tenantId, t.action, t.at.desc(), t.seq.desc()),
  ],
);
