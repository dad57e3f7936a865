import { and, eq, ne, or } from 'drizzle-orm';
import type { Transaction } from '@/server/db/client';
import { calendars, externalEvents, meetingLinks } from '@/server/db/schema';

/**
 * The organiser moved their copy to another calendar of the same account (Google's "move to",
 * a CalDAV client's MOVE): to the calendar it left, that looks like a deletion. Before a vanished
 * copy cancels the meeting, look for it in the mirror of the account's other calendars — by our
 * tag or the meeting's UID, not cancelled — and if it is there the link follows it, so that
 * Tandem's next write goes to where the copy now is rather than making a second one.
 *
 * This sees the other calendar only once it has been synced: if the calendar the copy left syncs
 * first, the meeting is cancelled, as a deletion would be.
 */
export async function followReplacedCopy(
  tx: Transaction,
  ref: { tenantId: string; calendarId: string },
  meeting: { id: string; icalUid: string },
  linkId: string,
): Promise<{ calendarId: string } | null> {
  const [source] = await tx
    .select({ connectionId: calendars.connectionId })
    .from(calendars)
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  if (!source) return null;
  const [found] = await tx
    .select({
      calendarId: externalEvents.calendarId,
      externalId: externalEvents.externalId,
      etag: externalEvents.etag,
    })
    .from(externalEvents)
    .innerJoin(calendars, eq(calendars.id, externalEvents.calendarId))
    .where(
      and(
        eq(externalEvents.tenantId, ref.tenantId),
        eq(calendars.connectionId, source.connectionId),
        ne(externalEvents.calendarId, ref.calendarId),
        ne(externalEvents.status, 'cancelled'),
        or(eq(externalEvents.tandemMeetingId, meeting.id), eq(externalEvents.icalUid, meeting.icalUid)),
      ),
    )
    .limit(1);
  if (!found) return null;
  const [linked] = await tx
    .select({ id: meetingLinks.id })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meeting.id), eq(meetingLinks.calendarId, found.calendarId)));
  if (linked) {
    // That calendar's sync already linked the copy there (delivery/link-copies.ts): that link is
    // the copy now, and the one it left names nothing.
    await tx
      .delete(meetingLinks)
      .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, linkId)));
    return { calendarId: found.calendarId };
  }
  await tx
    .update(meetingLinks)
    .set({ calendarId: found.calendarId, externalId: found.externalId, etag: found.etag })
    .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, linkId)));
  return { calendarId: found.calendarId };
}
