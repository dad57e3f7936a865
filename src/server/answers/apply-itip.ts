import { and, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import type { Transaction } from '@/server/db/client';
import { meetingAttendees, meetings, users } from '@/server/db/schema';
import { NotificationOutbox } from '@/server/notifications/notify';
import { addressOf, parseItip, responseOfPartstat, UnreadableItipError, type ItipAnswer } from './itip-parse';
import { recordAnswer } from './record-answer';

/**
 * An iMIP REPLY or COUNTER that reached Tandem's reply address (DESIGN.md §4 rule 4): the answer
 * of one attendee to a meeting Tandem is the organiser of record of. The sender must be the
 * attendee the REPLY speaks for; anything else is refused with plain words and changes nothing.
 */

export interface InboundItipMessage {
  /** The MIME part's `method` parameter; the VCALENDAR's METHOD wins when they differ. */
  method: string;
  ics: string;
  /** The From (or envelope sender) address. */
  from: string | null;
  to: string[];
  messageId: string;
}

export interface ItipOutcome {
  outcome: 'applied' | 'ignored_stale' | 'refused';
  detail: string;
  tenantId?: string;
  meetingId?: string;
}

type Deps = Pick<AppDeps, 'db' | 'now' | 'jobs'>;

export async function applyItipMessage(deps: Deps, message: InboundItipMessage): Promise<ItipOutcome> {
  const outbox = new NotificationOutbox();
  // Each Message-ID is applied once by the inbound mail path (mail/inbound.ts, `inbound_mail`);
  // a replay reaching this anyway records the same answer again, which changes nothing.
  const outcome = await deps.db.transaction((tx) => apply(tx, deps.now(), message, outbox));
  await outbox.announce(deps.jobs);
  return outcome;
}

const refused = (detail: string, ids: { tenantId?: string; meetingId?: string } = {}): ItipOutcome => ({
  outcome: 'refused',
  detail,
  ...ids,
});

async function apply(
  tx: Transaction,
  now: Date,
  message: InboundItipMessage,
  outbox: NotificationOutbox,
): Promise<ItipOutcome> {
  let answer: ItipAnswer;
  try {
    answer = parseItip(message.ics, message.method);
  } catch (error) {
    if (error instanceof UnreadableItipError) return refused(error.message);
    throw error;
  }
  if (answer.method !== 'REPLY' && answer.method !== 'COUNTER') {
    return refused(`Only replies and counter-proposals are accepted here, not ${answer.method}.`);
  }
  const [meeting] = await tx
    .select({
      id: meetings.id,
      tenantId: meetings.tenantId,
      status: meetings.status,
      sequence: meetings.sequence,
    })
    .from(meetings)
    .where(eq(meetings.icalUid, answer.uid))
    .limit(1);
  if (!meeting) return refused('The message answers a meeting Tandem does not know.');
  const ids = { tenantId: meeting.tenantId, meetingId: meeting.id };
  const scopedTenant = tenantOfReplyAddress(message.to);
  if (scopedTenant && scopedTenant !== meeting.tenantId) {
    // A reply address names its tenant: a UID of another tenant's meeting through it is refused,
    // with nothing of that meeting recorded against the message.
    return refused('The message answers a meeting Tandem does not know.');
  }
  if (meeting.status === 'cancelled')
    return refused('The meeting was cancelled; the answer was not kept.', ids);

  const sender = addressOf(message.from ?? '');
  if (!sender) return refused('The message does not say who sent it.', ids);
  const listed = await tx
    .select({
      id: meetingAttendees.id,
      email: sql<string>`lower(${meetingAttendees.email})`,
      accountEmail: sql<string | null>`lower(${users.email})`,
    })
    .from(meetingAttendees)
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(and(eq(meetingAttendees.tenantId, meeting.tenantId), eq(meetingAttendees.meetingId, meeting.id)));
  // The ATTENDEE line that speaks for the sender; a REPLY carries only the replying attendee's.
  const line = answer.attendees.find((attendee) => attendee.email === sender) ?? answer.attendees[0];
  if (!line) return refused('The message names no attendee.', ids);
  const attendee = listed.find((row) => row.email === line.email || row.accountEmail === line.email);
  if (!attendee) return refused(`${line.email} is not invited to this meeting.`, ids);
  if (sender !== attendee.email && sender !== attendee.accountEmail) {
    return refused(`${sender} cannot answer for ${line.email}.`, ids);
  }
  if (answer.sequence < meeting.sequence) {
    return { outcome: 'ignored_stale', detail: 'The answer is to an older version of the meeting.', ...ids };
  }
  const response = responseOfPartstat(line.partstat);
  if (answer.method === 'REPLY' && !response) {
    return refused('The reply does not say accepted, declined or tentative.', ids);
  }
  if (answer.method === 'COUNTER' && !answer.proposed) {
    return refused('The counter-proposal has no time that can be read.', ids);
  }
  // DTSTAMP says when the answer was made; a clock ahead of ours does not get to win later answers.
  const at = answer.stampedAt && answer.stampedAt < now ? answer.stampedAt : now;
  const outcome = await recordAnswer(
    tx,
    {
      tenantId: meeting.tenantId,
      meetingId: meeting.id,
      attendeeId: attendee.id,
      response,
      at,
      via: 'email',
      comment: answer.comment,
      ...(answer.method === 'COUNTER' ? { proposed: answer.proposed } : {}),
    },
    outbox,
  );
  if (outcome === 'stale') {
    return { outcome: 'ignored_stale', detail: 'A later answer from this attendee is already kept.', ...ids };
  }
  return {
    outcome: 'applied',
    detail: outcome === 'unchanged' ? 'The same answer as before.' : 'The answer was recorded.',
    ...ids,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `meetings+<tenant id>@…`: a reply address that names its tenant. Plain addresses name none. */
function tenantOfReplyAddress(to: string[]): string | null {
  for (const address of to) {
    const local = addressOf(address)?.split('@')[0] ?? '';
    const tag = local.split('+')[1];
    if (tag && UUID.test(tag)) return tag.toLowerCase();
  }
  return null;
}
