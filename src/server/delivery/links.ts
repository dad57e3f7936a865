import { and, eq, sql } from 'drizzle-orm';
import type { ConnectionRow } from '@/server/connections/provider-registry';
import type { AppDeps } from '@/server/app-deps/types';
import { auditCalendarWrites } from '@/server/audit/calendar-writes';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, meetingLinks, type MeetingLinkRole } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { CalendarProvider } from '@/server/providers/types';

export type MeetingLink = typeof meetingLinks.$inferSelect;

/** The link of a meeting to one calendar, made pending the first time delivery touches that calendar. */
export async function ensureLink(
  db: Executor,
  input: {
    tenantId: string;
    meetingId: string;
    calendarId: string;
    role: MeetingLinkRole;
    attendeeId: string | null;
  },
): Promise<MeetingLink> {
  await db.insert(meetingLinks).values(input).onConflictDoNothing();
  const [link] = await db
    .select()
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, input.tenantId),
        eq(meetingLinks.meetingId, input.meetingId),
        eq(meetingLinks.calendarId, input.calendarId),
      ),
    );
  if (!link) throw new Error('meeting link vanished after insert');
  return link;
}

/** After a write: what we wrote, so sync recognises it coming back (echo suppression). */
export async function recordLinkWritten(
  db: Executor,
  link: Pick<MeetingLink, 'id' | 'tenantId'>,
  written: {
    externalId: string | null;
    etag: string | null;
    icalUid: string | null;
    version: number;
    sequence: number;
    at: Date;
  },
): Promise<void> {
  await db
    .update(meetingLinks)
    .set({
      externalId: written.externalId,
      etag: written.etag,
      icalUid: written.icalUid,
      writtenVersion: written.version,
      writtenSequence: written.sequence,
      state: 'written',
      lastError: null,
      attempts: sql`${meetingLinks.attempts} + 1`,
      updatedAt: written.at,
    })
    .where(and(eq(meetingLinks.tenantId, link.tenantId), eq(meetingLinks.id, link.id)));
}

export async function recordLinkProblem(
  db: Executor,
  link: Pick<MeetingLink, 'id' | 'tenantId'>,
  problem: { state: 'pending' | 'failed'; lastError: string; at: Date },
): Promise<void> {
  await db
    .update(meetingLinks)
    .set({
      state: problem.state,
      lastError: problem.lastError,
      attempts: sql`${meetingLinks.attempts} + 1`,
      updatedAt: problem.at,
    })
    .where(and(eq(meetingLinks.tenantId, link.tenantId), eq(meetingLinks.id, link.id)));
}

/**
 * The adapter acting as a calendar's account, and the calendar's id at the provider. Every write
 * through it is audited for `audit.meetingId`, on behalf of `audit.actorUserId` (the organiser).
 */
export async function openCalendar(
  deps: Pick<AppDeps, 'db' | 'providers' | 'now'>,
  tenantId: string,
  calendarId: string,
  audit: { meetingId: string; actorUserId: string | null },
): Promise<{ provider: CalendarProvider; externalCalendarId: string; connection: ConnectionRow }> {
  const [row] = await deps.db
    .select({ calendar: calendars, connection: calendarConnections })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(calendars.tenantId, tenantId),
        eq(calendars.id, calendarId),
        eq(calendarConnections.tenantId, tenantId),
      ),
    )
    .limit(1);
  if (!row) throw new NotFoundError('Calendar not found');
  const provider = auditCalendarWrites(await deps.providers.forConnection(deps.db, row.connection), {
    db: deps.db,
    now: deps.now,
    tenantId,
    ...audit,
    calendar: {
      id: row.calendar.id,
      name: row.calendar.name,
      connectionId: row.connection.id,
      ownerUserId: row.connection.userId,
      provider: row.connection.provider,
      accountEmail: row.connection.accountEmail,
    },
  });
  return { provider, externalCalendarId: row.calendar.externalId, connection: row.connection };
}
