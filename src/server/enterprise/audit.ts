/**
 * The seam to the audit log (owned by src/server/audit/): every admin action here is handed to
 * an `AuditRecorder`, which the router binds to the audit log's writer. Entries carry no secret.
 */
export interface AuditEntry {
  tenantId: string;
  actorUserId: string;
  /** e.g. `enterprise.microsoft.created`, `bulk_run.started`. */
  action: string;
  /** What the action was about: a domain, a run id, a member's address. */
  target: string;
  result: string;
}

export type AuditRecorder = (entry: AuditEntry) => Promise<void>;

/**
 * Until this branch meets the audit log's writer (`recordAudit`, branch `health`), admin actions
 * are handed here and kept nowhere; the lead binds the real writer when both are merged.
 */
export const withoutAuditLog: AuditRecorder = () => Promise.resolve();
