/** Plain constants (no database imports), safe for client components. */
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
  'unanswered_invitations.changed',
  'connection.removed',
  'connection.sync_requested',
  'connection.reconnect_requested',
  'enterprise.configured',
  'enterprise.removed',
  'enterprise.consent',
  'bulk_run.started',
  'bulk_run.cancelled',
  'bulk_run.resumed',
  'bulk_run.finished',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_RESULTS = ['ok', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];
