import { and, eq, gte, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetings,
  type MirrorAttendee,
} from '@/server/db/schema';
import type { GivenResponse } from './record-answer';

/** Which synced calendar's copies, and since when (a sync run's start; all rows when omitted). */
export interface MirrorAnswerScope {
  tenantId: string;
  calendarId: string;
  /** Only rows the sync wrote at or after this instant (the run's start); all rows when omitted. */
  syncedSince?: Date;
}

/** The statuses that are answers; needs-action in a snapshot is none (providers show it first). */
export const GIVEN_RESPONSES: Record<string, GivenResponse> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
};

export interface CalendarOwner {
  userId: string | null;
  accountEmail: string;
  provider: string;
}

export interface MirroredMeetingCopy {
  meetingId: string;
  organizerId: string;
  /** Set on an instance of a series: the occurrence it stands for. */
  originalStartAt: Date | null;
  attendees: MirrorAttendee[];
  providerUpdatedAt: Date | null;
}

/** Whose calendar it is: an attendee's own calendar answers only for its owner. */
export async function calendarOwner(
  db: Database,
  scope: MirrorAnswerScope,
): Promise<CalendarOwner | undefined> {
  const [owner] = await db
    .select({
      userId: calendarConnections.userId,
      accountEmail: calendarConnections.accountEmail,
      provider: calendarConnections.provider,
    })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, scope.tenantId), eq(calendars.id, scope.calendarId)));
  return owner;
}

/**
 * The synced copies of scheduled Tandem meetings on that calendar, found by the tag or the iCal
 * UID: whole events (`series`: single meetings and series masters) or single instances of Tandem
 * series (`instances`). Removed copies are not answers (convergence decides what a deletion means).
 */
export async function mirroredMeetingCopies(
  db: Database,
  scope: MirrorAnswerScope,
  which: 'series' | 'instances',
): Promise<MirroredMeetingCopy[]> {
  return db
    .select({
      meetingId: meetings.id,
      organizerId: meetings.organizerId,
      originalStartAt: externalEvents.originalStartAt,
      attendees: externalEvents.attendees,
      providerUpdatedAt: externalEvents.providerUpdatedAt,
    })
    .from(externalEvents)
    .innerJoin(
      meetings,
      and(
        eq(meetings.tenantId, externalEvents.tenantId),
        or(eq(meetings.id, externalEvents.tandemMeetingId), eq(meetings.icalUid, externalEvents.icalUid)),
      ),
    )
    .where(
      and(
        eq(externalEvents.tenantId, scope.tenantId),
        eq(externalEvents.calendarId, scope.calendarId),
        ne(externalEvents.status, 'cancelled'),
        eq(meetings.status, 'scheduled'),
        ...(which === 'series'
          ? [isNull(externalEvents.seriesExternalId)]
          : [
              isNotNull(externalEvents.seriesExternalId),
              isNotNull(externalEvents.originalStartAt),
              isNotNull(meetings.recurrence),
            ]),
        scope.syncedSince ? gte(externalEvents.syncedAt, scope.syncedSince) : undefined,
      ),
    );
}

/** When the answer was given, as near as the provider says: its answer time, else the copy's last change; never in the future. */
export function answeredAt(entry: MirrorAttendee, copy: MirroredMeetingCopy, now: Date): Date {
  const said = entry.respondedAt ? new Date(entry.respondedAt) : copy.providerUpdatedAt;
  return said && said < now ? said : now;
}
