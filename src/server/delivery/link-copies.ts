import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetingLinks,
  meetings,
} from '@/server/db/schema';
import { setAttendeeDelivery } from './attendee-states';
import { deliveryWords } from './words';

export interface LinkResult {
  /** Attendee copies linked for the first time (their attendee is now "in <calendar>"). */
  linkedAttendeeCopies: number;
  /** The attendees whose copy was linked this time, for an answer given before it arrived. */
  linkedAttendees: { meetingId: string; attendeeId: string }[];
  /** Organiser copies whose mirror row is exactly what Tandem wrote: our own echo, ignored. */
  echoes: number;
  /**
   * Organiser copies changed at the provider since Tandem wrote them (an answer shown there, or the
   * organiser's own edit): for the answers and change paths to read. Nothing is changed here.
   */
  changedOrganizerCopies: { meetingId: string; externalId: string }[];
}

/**
 * After a calendar's sync (DESIGN.md §4 rules 3 and 5): mirror rows that are copies of Tandem
 * meetings — matched by iCalendar UID or our tag, within the tenant — are linked. In an
 * attendee's calendar the copy is linked to their attendee row and they are marked as reached
 * ("in Outlook"); in the organiser's calendar the copy Tandem wrote gets its id and etag where the
 * link lacks them. A copy whose etag is the one Tandem stored after its own write is our echo:
 * nothing changes and nobody is told.
 */
export async function linkMeetingCopies(
  db: Executor,
  ref: { tenantId: string; calendarId: string },
  at: Date,
): Promise<LinkResult> {
  const result: LinkResult = {
    linkedAttendeeCopies: 0,
    linkedAttendees: [],
    echoes: 0,
    changedOrganizerCopies: [],
  };
  const [owner] = await db
    .select({ userId: calendarConnections.userId, provider: calendarConnections.provider })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)))
    .limit(1);
  if (!owner) return result;
  const copies = await db
    .select({
      meetingId: meetings.id,
      organizerId: meetings.organizerId,
      externalId: externalEvents.externalId,
      etag: externalEvents.etag,
      icalUid: externalEvents.icalUid,
    })
    .from(externalEvents)
    .innerJoin(
      meetings,
      and(
        eq(meetings.tenantId, ref.tenantId),
        or(eq(meetings.icalUid, externalEvents.icalUid), eq(meetings.id, externalEvents.tandemMeetingId)),
      ),
    )
    .where(
      and(
        eq(externalEvents.tenantId, ref.tenantId),
        eq(externalEvents.calendarId, ref.calendarId),
        ne(externalEvents.status, 'cancelled'),
        // Series instances share the master's UID: the master (or single event) is the copy.
        isNull(externalEvents.seriesExternalId),
      ),
    );
  if (copies.length === 0) return result;
  const links = await db
    .select()
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.calendarId, ref.calendarId),
        inArray(
          meetingLinks.meetingId,
          copies.map((copy) => copy.meetingId),
        ),
      ),
    );
  const linkOf = new Map(links.map((link) => [link.meetingId, link]));
  // The owner's attendee rows for every copy at once: one read per sync, not one per copy.
  const invitedIn = copies.filter((copy) => copy.organizerId !== owner.userId).map((copy) => copy.meetingId);
  const attendeeRows =
    invitedIn.length === 0
      ? []
      : await db
          .select({
            id: meetingAttendees.id,
            meetingId: meetingAttendees.meetingId,
            deliveryMethod: meetingAttendees.deliveryMethod,
          })
          .from(meetingAttendees)
          .where(
            and(
              eq(meetingAttendees.tenantId, ref.tenantId),
              inArray(meetingAttendees.meetingId, invitedIn),
              eq(meetingAttendees.userId, owner.userId),
            ),
          );
  const attendeeOf = new Map<string, (typeof attendeeRows)[number]>();
  for (const row of attendeeRows) if (!attendeeOf.has(row.meetingId)) attendeeOf.set(row.meetingId, row);

  for (const copy of copies) {
    const link = linkOf.get(copy.meetingId);
    if (copy.organizerId === owner.userId) {
      if (!link) {
        await db
          .insert(meetingLinks)
          .values({
            tenantId: ref.tenantId,
            meetingId: copy.meetingId,
            calendarId: ref.calendarId,
            role: 'organizer',
            externalId: copy.externalId,
            etag: copy.etag,
            icalUid: copy.icalUid,
            state: 'written',
          })
          .onConflictDoNothing();
      } else if (!link.externalId) {
        await db
          .update(meetingLinks)
          .set({ externalId: copy.externalId, etag: copy.etag, icalUid: copy.icalUid, updatedAt: at })
          .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, link.id)));
      } else if (isOwnEcho(link, copy)) {
        result.echoes += 1;
      } else {
        result.changedOrganizerCopies.push({ meetingId: copy.meetingId, externalId: copy.externalId });
      }
      continue;
    }
    const attendee = attendeeOf.get(copy.meetingId);
    // Someone's calendar holding a meeting they are not invited to (forwarded): not ours to link.
    if (!attendee) continue;
    if (link?.externalId === copy.externalId) continue;
    if (link) {
      await db
        .update(meetingLinks)
        .set({
          externalId: copy.externalId,
          etag: link.etag ?? copy.etag,
          icalUid: copy.icalUid,
          updatedAt: at,
        })
        .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, link.id)));
    } else {
      await db
        .insert(meetingLinks)
        .values({
          tenantId: ref.tenantId,
          meetingId: copy.meetingId,
          calendarId: ref.calendarId,
          role: 'attendee',
          attendeeId: attendee.id,
          externalId: copy.externalId,
          etag: copy.etag,
          icalUid: copy.icalUid,
          state: 'written',
        })
        .onConflictDoNothing();
    }
    await setAttendeeDelivery(db, ref.tenantId, [attendee.id], {
      method: attendee.deliveryMethod ?? 'organizer_provider',
      state: 'delivered',
      detail: deliveryWords.inCalendar(owner.provider),
      at,
    });
    result.linkedAttendeeCopies += 1;
    result.linkedAttendees.push({ meetingId: copy.meetingId, attendeeId: attendee.id });
  }
  return result;
}

/** The mirror holds exactly the version Tandem wrote: sync brought our own write back. */
export function isOwnEcho(
  link: { etag: string | null; state: string },
  mirrored: { etag: string | null },
): boolean {
  return link.state === 'written' && link.etag !== null && link.etag === mirrored.etag;
}
