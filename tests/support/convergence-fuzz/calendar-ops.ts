/**
 * The operations people do in their own calendar apps during the randomized convergence run: the
 * organiser's changes and the attendees' answers and deletions, straight on the emulators and
 * Radicale. Tandem hears of them only through sync.
 */
import { eq } from 'drizzle-orm';
import { meetingLinks } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import type { EventWrite } from '@/server/providers/types';
import { linkedCopyId } from '@/tests/support/convergence-world';
import { rewrite } from '@/tests/support/organizer-calendar';
import { HOUR, type Op } from './ops';
import type { Run } from './run';

/**
 * A person acting in their own calendar app: an injected fault meant for Tandem may land on their
 * request instead, and their app simply tries again.
 */
export async function asPerson<T>(action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= 4 || !/\b(401|410|429|5\d\d)\b/.test(String(error))) throw error;
    }
  }
}

/** The organiser changes or deletes the meeting in their own calendar app; no sync yet. */
export async function applyOrganizerChange(
  run: Run,
  op: Extract<Op, { t: 'organizerMove' | 'organizerEdit' | 'organizerDelete' }>,
): Promise<void> {
  // A whole series is only deleted there (its moves and edits are not modelled).
  const meeting = run.pick(op, op.t === 'organizerDelete' ? 'any' : 'single');
  if (!meeting || meeting.pending?.deleted) return;
  const tenant = run.tenant(meeting.tenant);
  const calendar = tenant.organizerCalendar;
  const copyId = await linkedCopyId(run.t, meeting.id, calendar.calendarId);
  if (!copyId) {
    const { organizerCopy } = await getMeeting(run.t.database.db, tenant.tutor, meeting.id);
    const links = await run.t.database.db
      .select()
      .from(meetingLinks)
      .where(eq(meetingLinks.meetingId, meeting.id));
    throw new Error(
      `meeting ${meeting.id} has no organiser copy: ${organizerCopy?.detail} ${JSON.stringify(links)} (ops ${meeting.history.join(' ')})`,
    );
  }
  if (op.t === 'organizerDelete') {
    await asPerson(() => calendar.provider.cancelEvent(calendar.externalCalendarId, copyId));
    meeting.pending = { fields: meeting.pending?.fields ?? meeting.fields, deleted: true };
  } else {
    const current = await asPerson(() => calendar.provider.getEvent(calendar.externalCalendarId, copyId));
    const fields = { ...(meeting.pending?.fields ?? meeting.fields) };
    let change: Partial<EventWrite>;
    if (op.t === 'organizerMove') {
      if (current.time.kind !== 'timed') throw new Error('the copy is not a timed event');
      fields.startsAt = current.time.start.getTime() + op.hours * HOUR;
      fields.endsAt = current.time.end.getTime() + op.hours * HOUR;
      change = {
        time: {
          kind: 'timed',
          start: new Date(fields.startsAt),
          end: new Date(fields.endsAt),
          timeZone: 'Europe/London',
        },
      };
    } else {
      fields.title = `${tenant.kind} ${op.n}`;
      change = { title: fields.title };
    }
    await asPerson(() =>
      calendar.provider.updateEvent(calendar.externalCalendarId, copyId, rewrite(current, change), {
        etag: current.etag,
      }),
    );
    meeting.pending = { fields, deleted: false };
  }
  run.applied += 1;
  return;
}

/** An attendee answers, or deletes their copy, in their own calendar app; no sync yet. */
export async function applyAttendeeAction(
  run: Run,
  op: Extract<Op, { t: 'attendeeAnswer' | 'attendeeDelete' }>,
): Promise<void> {
  const meeting = run.pick(op);
  if (
    !meeting ||
    meeting.pending ||
    !meeting.attendees.has(op.who) ||
    meeting.removedCopy.has(op.who) ||
    meeting.copyGivenBack.has(op.who)
  )
    return;
  const tenant = run.tenant(meeting.tenant);
  const calendar = tenant.learnerCalendars[op.who];
  const copyId = await linkedCopyId(run.t, meeting.id, calendar.calendarId);
  // Not linked yet: the attendee's calendar has not been synced since the invitation.
  if (!copyId) return;
  if (op.t === 'attendeeAnswer') {
    await asPerson(() => calendar.provider.respondToEvent(calendar.externalCalendarId, copyId, op.response));
    meeting.unsyncedAnswers.add(op.who);
    meeting.answers.set(op.who, op.response);
    // Exchange moves a declined meeting out of the attendee's calendar (to Deleted Items):
    // their copy is gone as if they had deleted it, until an update invites them again.
    if (op.response === 'declined' && calendar.kind === 'microsoft') meeting.removedCopy.add(op.who);
  } else {
    await asPerson(() => calendar.provider.cancelEvent(calendar.externalCalendarId, copyId));
    meeting.answers.set(op.who, 'declined');
    meeting.removedCopy.add(op.who);
  }
  run.model.unsynced.add(tenant.kind);
  run.applied += 1;
  return;
}
