import { aliasedTable, and, eq } from 'drizzle-orm';
import { recordAnswer } from '@/server/answers/record-answer';
import type { Database, Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetingLinks,
} from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import type { VanishedCopy } from './vanished-copies';

/** What the meeting shows for an attendee who deleted their copy without answering. */
export const REMOVED_FROM_CALENDAR = 'removed it from their calendar';

/** A vanished copy seen once, while the organiser's calendar is asked what the provider made of it. */
const VANISHED_ONCE = 'gone from their calendar: waiting for the organiser’s calendar';

type Deps = { db: Database; now: () => Date; jobs?: JobDispatcher };

interface RemovedCopy {
  linkId: string;
  meetingId: string;
  attendeeId: string;
}

/**
 * An attendee deleted their copy of a meeting in their own calendar (DESIGN.md §4 rules 4–5).
 * Where nothing reports an answer (a copy Tandem placed, or invited by its own email), the
 * deletion is the answer: declined, "removed it from their calendar", the organiser told once.
 * Where the organiser's provider carries answers (Outlook removes a declined meeting from the
 * attendee's calendar; Google turns a deletion into a decline), its word comes first: the copy is
 * marked and the organiser's calendar synced; that sync settles it (settleVanishedAttendeeCopies).
 * The link forgets the copy either way, so the next sync does not find it again; should the
 * attendee add it back, linking finds the new copy.
 */
export async function recordRemovedAttendeeCopies(
  deps: Deps,
  ref: { tenantId: string; calendarId: string },
  vanished: VanishedCopy[],
): Promise<{ declined: number }> {
  const copies = vanished.filter((copy) => copy.role === 'attendee' && copy.attendeeId);
  if (copies.length === 0) return { declined: 0 };
  const provider = await providerOf(deps.db, ref);
  let declined = 0;
  for (const copy of copies) {
    const removed = { linkId: copy.linkId, meetingId: copy.meetingId, attendeeId: copy.attendeeId! };
    const [attendee] = await deps.db
      .select({ response: meetingAttendees.response, method: meetingAttendees.deliveryMethod })
      .from(meetingAttendees)
      .where(and(eq(meetingAttendees.tenantId, ref.tenantId), eq(meetingAttendees.id, removed.attendeeId)));
    if (!attendee) continue;
    if (attendee.method === 'organizer_provider') {
      if (attendee.response === 'declined') await forgetCopy(deps.db, ref.tenantId, copy.linkId, deps.now());
      else if (copy.lastError !== VANISHED_ONCE) await askOrganizersCalendar(deps, ref.tenantId, copy);
      continue;
    }
    if (await recordRemoval(deps, ref.tenantId, removed, provider)) declined += 1;
  }
  return { declined };
}

/**
 * After the organiser's calendar synced: attendee copies marked as vanished are settled by what
 * the organiser's copy now shows for that attendee. A decline there stands (the answers read from
 * the mirror record it); none → the deletion is the answer. Read from the mirror rather than the
 * attendee's stored answer, so a sync of the same calendar running alongside cannot race it.
 */
export async function settleVanishedAttendeeCopies(
  deps: Deps,
  ref: { tenantId: string; calendarId: string },
): Promise<{ declined: number }> {
  const organizerLink = aliasedTable(meetingLinks, 'organizer_link');
  const marked = await deps.db
    .select({
      linkId: meetingLinks.id,
      meetingId: meetingLinks.meetingId,
      attendeeId: meetingAttendees.id,
      email: meetingAttendees.email,
      provider: calendarConnections.provider,
      organizerCopy: externalEvents.attendees,
    })
    .from(meetingLinks)
    .innerJoin(
      organizerLink,
      and(
        eq(organizerLink.tenantId, meetingLinks.tenantId),
        eq(organizerLink.meetingId, meetingLinks.meetingId),
        eq(organizerLink.role, 'organizer'),
        eq(organizerLink.calendarId, ref.calendarId),
      ),
    )
    .innerJoin(meetingAttendees, eq(meetingAttendees.id, meetingLinks.attendeeId))
    .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .leftJoin(
      externalEvents,
      and(
        eq(externalEvents.tenantId, organizerLink.tenantId),
        eq(externalEvents.calendarId, organizerLink.calendarId),
        eq(externalEvents.externalId, organizerLink.externalId),
      ),
    )
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.role, 'attendee'),
        eq(meetingLinks.lastError, VANISHED_ONCE),
      ),
    );
  let declined = 0;
  for (const copy of marked) {
    const entry = (copy.organizerCopy ?? []).find(
      (attendee) => attendee.email.toLowerCase() === copy.email.toLowerCase(),
    );
    if (entry?.response === 'declined') await forgetCopy(deps.db, ref.tenantId, copy.linkId, deps.now());
    else if (await recordRemoval(deps, ref.tenantId, copy, copy.provider)) declined += 1;
  }
  return { declined };
}

async function recordRemoval(
  deps: Deps,
  tenantId: string,
  copy: RemovedCopy,
  provider: string | null,
): Promise<boolean> {
  const outbox = new NotificationOutbox();
  const at = deps.now();
  try {
    const outcome = await deps.db.transaction(async (tx) => {
      const outcome = await recordAnswer(
        tx,
        {
          tenantId,
          meetingId: copy.meetingId,
          attendeeId: copy.attendeeId,
          response: 'declined',
          at,
          via: 'provider',
          provider,
          removedFromCalendar: true,
        },
        outbox,
      );
      await forgetCopy(tx, tenantId, copy.linkId, at);
      await tx
        .update(meetingAttendees)
        .set({ deliveryDetail: REMOVED_FROM_CALENDAR })
        .where(and(eq(meetingAttendees.tenantId, tenantId), eq(meetingAttendees.id, copy.attendeeId)));
      return outcome;
    });
    if (deps.jobs) await outbox.announce(deps.jobs);
    return outcome === 'recorded';
  } catch (error) {
    // Cancelled or the attendee removed meanwhile: nothing left to answer.
    if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
    return false;
  }
}

async function askOrganizersCalendar(deps: Deps, tenantId: string, copy: VanishedCopy): Promise<void> {
  await deps.db
    .update(meetingLinks)
    .set({ lastError: VANISHED_ONCE, updatedAt: deps.now() })
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.id, copy.linkId)));
  const [organizerCopy] = await deps.db
    .select({ calendarId: meetingLinks.calendarId })
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, tenantId),
        eq(meetingLinks.meetingId, copy.meetingId),
        eq(meetingLinks.role, 'organizer'),
      ),
    );
  if (!organizerCopy) return;
  await deps.jobs?.send({
    name: 'tandem/calendar.sync-requested',
    data: { tenantId, calendarId: organizerCopy.calendarId, reason: 'conflict' },
  });
}

async function forgetCopy(db: Executor, tenantId: string, linkId: string, at: Date): Promise<void> {
  await db
    .update(meetingLinks)
    .set({ externalId: null, etag: null, state: 'pending', lastError: REMOVED_FROM_CALENDAR, updatedAt: at })
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.id, linkId)));
}

async function providerOf(db: Database, ref: { tenantId: string; calendarId: string }) {
  const [owner] = await db
    .select({ provider: calendarConnections.provider })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  return owner?.provider ?? null;
}
