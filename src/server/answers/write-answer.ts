import { and, desc, eq, isNotNull, isNull, or } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetingLinks,
  meetings,
  users,
} from '@/server/db/schema';
import { auditCalendarWrites } from '@/server/audit/calendar-writes';
import { ProviderNotFoundError } from '@/server/providers/errors';
import { buildItipReply } from './itip-reply';
import type { GivenResponse } from './record-answer';
import { attendeeDisplayName } from '@/server/meetings/attendee-name';

/**
 * An answer given in Tandem (or by an email link) goes where the attendee and the organiser will
 * see it (DESIGN.md §4 rule 4): onto the attendee's own copy of the meeting (Google: their
 * attendee status; Graph: accept / decline / tentativelyAccept with sendResponse; CalDAV:
 * PARTSTAT), whose provider tells the organiser's. Without a copy of theirs, but with the
 * organiser's copy on a provider, Tandem sends the organiser's calendar an iMIP REPLY on the
 * attendee's behalf. When Tandem is the organiser of record the answer is already where it belongs.
 */

export type WriteAnswerResult =
  /** `repliedTo`: the copy's server does not schedule, so the organiser's calendar was also sent a REPLY. */
  | { outcome: 'written'; calendarId: string; repliedTo?: string }
  | { outcome: 'replied'; to: string }
  | { outcome: 'nothing_to_write'; detail: string };

type Deps = Pick<AppDeps, 'db' | 'providers' | 'mailer' | 'now'>;

export async function writeAnswer(
  deps: Deps,
  ids: { tenantId: string; meetingId: string; attendeeId: string },
): Promise<WriteAnswerResult> {
  const { db } = deps;
  const [row] = await db
    .select({
      meeting: meetings,
      attendeeUserId: meetingAttendees.userId,
      attendeeEmail: meetingAttendees.email,
      attendeeName: attendeeDisplayName,
      response: meetingAttendees.response,
      respondedVia: meetingAttendees.respondedVia,
      respondedAt: meetingAttendees.respondedAt,
      answerWrittenFor: meetingAttendees.answerWrittenFor,
      comment: meetingAttendees.comment,
    })
    .from(meetingAttendees)
    .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(
      and(
        eq(meetingAttendees.tenantId, ids.tenantId),
        eq(meetingAttendees.id, ids.attendeeId),
        eq(meetings.tenantId, ids.tenantId),
        eq(meetings.id, ids.meetingId),
      ),
    );
  if (!row) return { outcome: 'nothing_to_write', detail: 'The meeting or attendee is gone.' };
  const { meeting } = row;
  if (meeting.status === 'cancelled')
    return { outcome: 'nothing_to_write', detail: 'The meeting was cancelled.' };
  if (row.response === 'needs_action') return { outcome: 'nothing_to_write', detail: 'No answer yet.' };
  // An answer that came from a provider or an iMIP REPLY is already where its sender put it.
  if (row.respondedVia !== 'in_app' && row.respondedVia !== 'email_link') {
    return { outcome: 'nothing_to_write', detail: 'The answer came from the attendee’s calendar or email.' };
  }
  // A replayed job (or a duplicated event) finds this very answer already written.
  if (row.respondedAt && row.answerWrittenFor?.getTime() === row.respondedAt.getTime()) {
    return { outcome: 'nothing_to_write', detail: 'This answer was already written.' };
  }
  const response: GivenResponse = row.response;
  const written = () => markAnswerWritten(db, ids, row.respondedAt);

  const own = row.attendeeUserId ? await ownCopy(db, ids, row.attendeeUserId, meeting.icalUid) : null;
  const organizerAddress = await organizerCopyAddress(db, ids.tenantId, meeting);
  const reply = {
    meeting,
    attendeeEmail: row.attendeeEmail,
    attendeeName: row.attendeeName,
    response,
    comment: row.comment,
  };
  if (own) {
    const provider = auditCalendarWrites(await deps.providers.forConnection(db, own.connection), {
      db,
      now: deps.now,
      tenantId: ids.tenantId,
      meetingId: meeting.id,
      actorUserId: row.attendeeUserId,
      calendar: {
        id: own.calendarId,
        name: own.calendarName,
        connectionId: own.connection.id,
        ownerUserId: own.connection.userId,
        provider: own.connection.provider,
        accountEmail: own.connection.accountEmail,
      },
    });
    const onCopy = await provider
      .respondToEvent(own.calendarExternalId, own.externalId, response, {
        ...(row.comment ? { comment: row.comment } : {}),
      })
      .then(
        () => true,
        (error: unknown) => {
          // Their copy is already gone (deleted, or declined in Outlook, which takes it away): there
          // is nothing of theirs to answer on, as if they never had a copy. Retrying cannot help.
          if (error instanceof ProviderNotFoundError) return false;
          throw error;
        },
      );
    if (!onCopy) return answerWithoutCopy(deps, organizerAddress, reply, written);
    // A CalDAV server without scheduling tells nobody: the organiser's calendar hears it by email.
    if (!provider.capabilities.serverScheduling && organizerAddress) {
      await sendReply(deps, organizerAddress, reply);
      await written();
      return { outcome: 'written', calendarId: own.calendarId, repliedTo: organizerAddress };
    }
    await written();
    return { outcome: 'written', calendarId: own.calendarId };
  }
  return answerWithoutCopy(deps, organizerAddress, reply, written);
}

/** No copy of the attendee's to answer on: the organiser's calendar, if on a provider, gets a REPLY. */
async function answerWithoutCopy(
  deps: Deps,
  organizerAddress: string | null,
  reply: Parameters<typeof sendReply>[2],
  written: () => Promise<void>,
): Promise<WriteAnswerResult> {
  if (!organizerAddress) {
    return {
      outcome: 'nothing_to_write',
      detail: 'Tandem is the organiser of record: nothing else to tell.',
    };
  }
  await sendReply(deps, organizerAddress, reply);
  await written();
  return { outcome: 'replied', to: organizerAddress };
}

/**
 * Records which answer was written: only while it is still the stored one (a newer answer given
 * meanwhile has its own job to write it).
 */
async function markAnswerWritten(
  db: Executor,
  ids: { tenantId: string; attendeeId: string },
  respondedAt: Date | null,
): Promise<void> {
  if (!respondedAt) return;
  await db
    .update(meetingAttendees)
    .set({ answerWrittenFor: respondedAt })
    .where(
      and(
        eq(meetingAttendees.tenantId, ids.tenantId),
        eq(meetingAttendees.id, ids.attendeeId),
        eq(meetingAttendees.respondedAt, respondedAt),
      ),
    );
}

/** The iMIP REPLY, from Tandem's address on the attendee's behalf (Reply-To them, ATTENDEE their address). */
async function sendReply(
  deps: Deps,
  to: string,
  input: {
    meeting: typeof meetings.$inferSelect;
    attendeeEmail: string;
    attendeeName: string | null;
    response: GivenResponse;
    comment: string | null;
  },
): Promise<void> {
  const { meeting, response, comment } = input;
  const [organizer] = await deps.db
    .select({ name: users.name })
    .from(users)
    .where(eq(users.id, meeting.organizerId));
  const attendee = { email: input.attendeeEmail, name: input.attendeeName };
  const who = attendee.name ?? attendee.email;
  await deps.mailer.send({
    to: [{ email: to, name: organizer?.name ?? null }],
    replyTo: attendee,
    subject: `${who} ${PHRASES[response]}: ${meeting.title}`,
    text: `${who} ${PHRASES[response]} “${meeting.title}”.${comment ? `\n\nComment: ${comment}` : ''}\n\nSent by Tandem on their behalf.`,
    calendar: {
      method: 'REPLY',
      content: buildItipReply({
        meeting,
        organizer: { email: to, name: organizer?.name ?? null },
        attendee,
        response,
        comment,
        now: deps.now(),
      }),
    },
  });
}

const PHRASES: Record<GivenResponse, string> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentatively accepted',
};

/**
 * The attendee's own copy: the one delivery linked (meeting_links, role attendee), else one found
 * in their mirrored calendars by the meeting's UID (the write target first).
 */
async function ownCopy(
  db: Executor,
  ids: { tenantId: string; meetingId: string; attendeeId: string },
  attendeeUserId: string,
  icalUid: string,
) {
  const base = {
    calendarId: calendars.id,
    calendarExternalId: calendars.externalId,
    calendarName: calendars.name,
    connection: calendarConnections,
  };
  const [linked] = await db
    .select({ ...base, externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(meetingLinks.tenantId, ids.tenantId),
        eq(meetingLinks.meetingId, ids.meetingId),
        eq(meetingLinks.role, 'attendee'),
        eq(meetingLinks.attendeeId, ids.attendeeId),
        isNotNull(meetingLinks.externalId),
        eq(calendarConnections.userId, attendeeUserId),
      ),
    )
    .limit(1);
  if (linked?.externalId) return { ...linked, externalId: linked.externalId };
  const [mirrored] = await db
    .select({ ...base, externalId: externalEvents.externalId })
    .from(externalEvents)
    .innerJoin(calendars, eq(calendars.id, externalEvents.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(externalEvents.tenantId, ids.tenantId),
        eq(externalEvents.icalUid, icalUid),
        isNull(externalEvents.seriesExternalId),
        eq(calendarConnections.tenantId, ids.tenantId),
        eq(calendarConnections.userId, attendeeUserId),
      ),
    )
    .orderBy(desc(calendars.isWriteTarget))
    .limit(1);
  return mirrored ?? null;
}

/** The account address of the organiser's copy on a provider, if there is one. */
async function organizerCopyAddress(
  db: Executor,
  tenantId: string,
  meeting: { id: string; icalUid: string; organizerId: string },
): Promise<string | null> {
  const [linked] = await db
    .select({ accountEmail: calendarConnections.accountEmail })
    .from(meetingLinks)
    .innerJoin(calendars, eq(calendars.id, meetingLinks.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(meetingLinks.tenantId, tenantId),
        eq(meetingLinks.meetingId, meeting.id),
        eq(meetingLinks.role, 'organizer'),
        eq(meetingLinks.state, 'written'),
      ),
    )
    .limit(1);
  if (linked) return linked.accountEmail;
  const [mirrored] = await db
    .select({ accountEmail: calendarConnections.accountEmail })
    .from(externalEvents)
    .innerJoin(calendars, eq(calendars.id, externalEvents.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(externalEvents.tenantId, tenantId),
        or(eq(externalEvents.tandemMeetingId, meeting.id), eq(externalEvents.icalUid, meeting.icalUid)),
        eq(calendarConnections.userId, meeting.organizerId),
      ),
    )
    .limit(1);
  return mirrored?.accountEmail ?? null;
}
