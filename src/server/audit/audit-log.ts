import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { DateTime } from 'luxon';
import type { Executor } from '@/server/db/client';
import {
  auditLog,
  meetings,
  memberships,
  users,
  type AuditAction,
  type AuditResult,
} from '@/server/db/schema';
import { AUDIT_EXPORT_LIMIT, AUDIT_PAGE_SIZE, type AuditFilters, type AuditListQuery } from './inputs';

/** An entry as the admin reads it. The meeting is named by when it is, not by its content. */
export interface AuditEntryView {
  id: string;
  at: Date;
  actor: { userId: string; name: string } | null;
  action: AuditAction;
  person: { userId: string; name: string } | null;
  meeting: { id: string; startsAt: Date | null } | null;
  target: string | null;
  result: AuditResult;
  reason: string | null;
}

export interface AuditPage {
  entries: AuditEntryView[];
  page: number;
  pageSize: number;
  total: number;
}

function conditions(tenantId: string, filters: AuditFilters, timeZone: string): SQL | undefined {
  const dayStart = (day: string) => DateTime.fromISO(day, { zone: timeZone }).startOf('day').toJSDate();
  return and(
    eq(auditLog.tenantId, tenantId),
    filters.personId ? eq(auditLog.actorUserId, filters.personId) : undefined,
    filters.action ? eq(auditLog.action, filters.action) : undefined,
    filters.from ? gte(auditLog.at, dayStart(filters.from)) : undefined,
    filters.to
      ? lt(
          auditLog.at,
          DateTime.fromJSDate(dayStart(filters.to), { zone: timeZone }).plus({ days: 1 }).toJSDate(),
        )
      : undefined,
  );
}

const actorUser = alias(users, 'audit_actor');
const personUser = alias(users, 'audit_person');

function selectEntries(db: Executor, tenantId: string, where: SQL | undefined) {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorUserId: auditLog.actorUserId,
      actorName: sql<string | null>`coalesce(${actorUser.name}, ${actorUser.email})`,
      action: auditLog.action,
      personUserId: auditLog.targetUserId,
      personName: sql<string | null>`coalesce(${personUser.name}, ${personUser.email})`,
      meetingId: auditLog.targetMeetingId,
      meetingStartsAt: meetings.startsAt,
      target: auditLog.targetLabel,
      result: auditLog.result,
      reason: auditLog.reason,
    })
    .from(auditLog)
    .leftJoin(actorUser, eq(actorUser.id, auditLog.actorUserId))
    .leftJoin(personUser, eq(personUser.id, auditLog.targetUserId))
    .leftJoin(meetings, and(eq(meetings.tenantId, tenantId), eq(meetings.id, auditLog.targetMeetingId)))
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.seq));
}

type EntryRow = Awaited<ReturnType<typeof selectEntries>>[number];

function toView(row: EntryRow): AuditEntryView {
  return {
    id: row.id,
    at: row.at,
    actor: row.actorUserId ? { userId: row.actorUserId, name: row.actorName ?? 'A former member' } : null,
    action: row.action,
    person: row.personUserId ? { userId: row.personUserId, name: row.personName ?? 'A former member' } : null,
    meeting: row.meetingId ? { id: row.meetingId, startsAt: row.meetingStartsAt } : null,
    target: row.target,
    result: row.result,
    reason: row.reason,
  };
}

/** A page of the tenant's audit log, newest first. */
export async function listAuditLog(
  db: Executor,
  tenantId: string,
  timeZone: string,
  query: AuditListQuery,
): Promise<AuditPage> {
  const where = conditions(tenantId, query.filters, timeZone);
  // The page's ids from the log's own (tenant, at, seq) index, then the names joined to those
  // alone: joining every entry before the offset is what made a page slow.
  const [pageIds, totals] = await Promise.all([
    db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.seq))
      .limit(AUDIT_PAGE_SIZE)
      .offset((query.page - 1) * AUDIT_PAGE_SIZE),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  const ids = pageIds.map((row) => row.id);
  const rows =
    ids.length === 0
      ? []
      : await selectEntries(db, tenantId, and(eq(auditLog.tenantId, tenantId), inArray(auditLog.id, ids)));
  return {
    entries: rows.map(toView),
    page: query.page,
    pageSize: AUDIT_PAGE_SIZE,
    total: totals[0]?.total ?? 0,
  };
}

/** Members of the tenant, for the "person" filter. */
export async function auditPeople(
  db: Executor,
  tenantId: string,
): Promise<{ userId: string; name: string }[]> {
  return db
    .select({ userId: users.id, name: sql<string>`coalesce(${users.name}, ${users.email})` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(sql`coalesce(${users.name}, ${users.email})`);
}

const CSV_HEADER = ['time (UTC)', 'who', 'action', 'person', 'meeting id', 'target', 'result', 'reason'];

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet does not run it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The filtered log as CSV (newest first, at most AUDIT_EXPORT_LIMIT rows). */
export async function exportAuditLogCsv(
  db: Executor,
  tenantId: string,
  timeZone: string,
  filters: AuditFilters,
): Promise<{ filename: string; csv: string; rows: number; truncated: boolean }> {
  const rows = await selectEntries(db, tenantId, conditions(tenantId, filters, timeZone)).limit(
    AUDIT_EXPORT_LIMIT + 1,
  );
  const truncated = rows.length > AUDIT_EXPORT_LIMIT;
  const lines = rows.slice(0, AUDIT_EXPORT_LIMIT).map((row) => {
    const view = toView(row);
    return [
      view.at.toISOString(),
      view.actor?.name ?? 'Tandem',
      view.action,
      view.person?.name ?? '',
      view.meeting?.id ?? '',
      view.target ?? '',
      view.result,
      view.reason ?? '',
    ]
      .map(csvField)
      .join(',');
  });
  return {
    filename: 'audit-log.csv',
    csv: [CSV_HEADER.join(','), ...lines].join('\r\n') + '\r\n',
    rows: lines.length,
    truncated,
  };
}
