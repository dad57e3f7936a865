import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './tenants';

/**
 * What the audit log records (DESIGN.md §4 rule 7, §10). Writes to third-party calendars, then
 * admin actions. A text column, not an enum: areas add actions without a migration.
 */
export const AUDIT_ACTIONS = [
  'calendar.create',
  'calendar.update',
  'calendar.cancel',
  'calendar.answer',
  'integration.enabled',
  'integration.disabled',
  'providers.changed',
  'connection.removed',
  'connection.sync_requested',
  'connection.reconnect_requested',
  'enterprise.configured',
  'enterprise.removed',
  'bulk_run.started',
  'bulk_run.cancelled',
  'bulk_run.finished',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_RESULTS = ['ok', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

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
    index('audit_log_tenant_at_idx').on(t.tenantId, t.at.desc(), t.id.desc()),
    index('audit_log_tenant_actor_at_idx').on(t.tenantId, t.actorUserId, t.at.desc()),
    index('audit_log_tenant_action_at_idx').on(t.tenantId, t.action, t.at.desc()),
  ],
);
