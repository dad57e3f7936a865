/**
 * The Tandem-side operations of the randomized convergence run: each calls Tandem's own domain
 * functions, updates the model and checks who was told.
 */
import { expect } from 'vitest';
import { respondToMeeting } from '@/server/meetings/responses';
import { getMeeting } from '@/server/meetings/queries';
import { cancelMeeting, createMeeting, updateMeeting } from '@/server/meetings/schedule';
import { LEARNERS, learnerCalendarKind, notificationCount } from '@/tests/support/convergence-world';
import { futureSlot } from '@/tests/support/job-testbed';
import { askAgain } from './model';
import { weeklyStarts } from './series-model';
import { HOUR, type Op } from './ops';
import type { Run } from './run';
import { expectTold, toldAbout } from './told';

/** A move, edit or new attendee list made in Tandem, and who it told. */
export async function applyTandemChange(
  run: Run,
  op: Extract<Op, { t: 'tandemMove' | 'tandemEdit' | 'tandemAttendees' }>,
): Promise<void> {
  const meeting = run.pick(op);
  // A Tandem change over an unsynced deletion in the calendar: not modelled (see report).
  if (!meeting || meeting.pending?.deleted) return;
  const tenant = run.tenant(meeting.tenant);
  const current = await getMeeting(run.t.database.db, tenant.tutor, meeting.id);
  const base = { id: meeting.id, version: current.version };
  const told = await toldAbout(run, tenant, meeting.id);
  const attendeesBefore = new Set(
    current.attendees.flatMap((attendee) => (attendee.userId ? [attendee.userId] : [])),
  );
  const roleOfUser = (userId: string) => LEARNERS.find((who) => tenant.learners[who].userId === userId)!;
  const everyone = (kind: string) => [...attendeesBefore].map((userId) => `${roleOfUser(userId)}:${kind}`);
  let expected: string[];
  if (op.t === 'tandemMove') {
    expected = everyone('meeting_updated');
    const startsAt = new Date(current.startsAt.getTime() + op.hours * HOUR);
    const endsAt = new Date(current.endsAt.getTime() + op.hours * HOUR);
    await updateMeeting(run.t.schedule, tenant.tutor, { ...base, startsAt, endsAt });
    meeting.fields = { ...meeting.fields, startsAt: startsAt.getTime(), endsAt: endsAt.getTime() };
    askAgain(meeting);
  } else if (op.t === 'tandemEdit') {
    const title = `Tandem ${op.n}`;
    expected = title === current.title ? [] : everyone('meeting_updated');
    await updateMeeting(run.t.schedule, tenant.tutor, { ...base, title });
    meeting.fields = { ...meeting.fields, title };
  } else {
    // Only those added (invited) and those removed (cancelled) hear of it.
    expected = [
      ...op.who
        .filter((who) => !attendeesBefore.has(tenant.learners[who].userId))
        .map((who) => `${who}:meeting_invited`),
      ...[...attendeesBefore]
        .map(roleOfUser)
        .filter((who) => !op.who.includes(who))
        .map((who) => `${who}:meeting_cancelled`),
    ];
    await updateMeeting(run.t.schedule, tenant.tutor, {
      ...base,
      attendeeUserIds: op.who.map((who) => tenant.learners[who].userId),
    });
    for (const who of LEARNERS) {
      if (!op.who.includes(who)) {
        meeting.attendees.delete(who);
        meeting.answers.delete(who);
        meeting.removedCopy.delete(who);
        meeting.copyGivenBack.delete(who);
        meeting.everRemoved.add(who);
      } else if (!meeting.attendees.has(who)) {
        meeting.attendees.add(who);
        meeting.answers.set(who, meeting.everRemoved.has(who) ? 'unknown' : 'needs_action');
      }
    }
  }
  // Tandem's change is later than the calendar's unsynced one: Tandem's whole state wins.
  meeting.pending = null;
  await run.t.driver.idle();
  await expectTold(run, tenant, meeting, told, expected);
  run.applied += 1;
  return;
}

/** A cancellation in Tandem tells every attendee. */
export async function applyTandemCancel(run: Run, op: Extract<Op, { t: 'tandemCancel' }>): Promise<void> {
  const meeting = run.pick(op, 'any');
  if (!meeting || meeting.pending?.deleted) return;
  const tenant = run.tenant(meeting.tenant);
  const told = await toldAbout(run, tenant, meeting.id);
  const { attendees } = await getMeeting(run.t.database.db, tenant.tutor, meeting.id);
  await cancelMeeting(run.t.schedule, tenant.tutor, meeting.id);
  meeting.status = 'cancelled';
  meeting.pending = null;
  await run.t.driver.idle();
  await expectTold(
    run,
    tenant,
    meeting,
    told,
    LEARNERS.filter((who) =>
      attendees.some((attendee) => attendee.userId === tenant.learners[who].userId),
    ).map((who) => `${who}:meeting_cancelled`),
  );
  run.applied += 1;
  return;
}

/** An answer given in Tandem tells the tutor once. */
export async function applyTandemAnswer(run: Run, op: Extract<Op, { t: 'tandemAnswer' }>): Promise<void> {
  const meeting = run.pick(op);
  if (!meeting || meeting.pending || !meeting.attendees.has(op.who)) return;
  const tenant = run.tenant(meeting.tenant);
  const told = await toldAbout(run, tenant, meeting.id);
  const { attendees } = await getMeeting(run.t.database.db, tenant.tutor, meeting.id);
  const previous = attendees.find((attendee) => attendee.userId === tenant.learners[op.who].userId)?.response;
  await respondToMeeting(
    run.t.database.db,
    tenant.learners[op.who],
    { id: meeting.id, response: op.response },
    new Date(),
    run.t.jobDeps.jobs,
  );
  await run.t.driver.idle();
  // The tutor hears of a changed answer once; nobody else, and nothing of its echo.
  await expectTold(run, tenant, meeting, told, previous === op.response ? [] : ['tutor:meeting_response'], {
    tutor: true,
  });
  meeting.answers.set(op.who, op.response);
  // Written onto their Outlook copy (now, or once it is linked), a decline takes it away there
  // as one given in Outlook does.
  if (op.response === 'declined' && learnerCalendarKind(meeting.tenant, op.who) === 'microsoft')
    meeting.removedCopy.add(op.who);
  run.applied += 1;
  return;
}

/** A meeting made in Tandem: each invitee is invited once, nobody else told yet. */
export async function applyCreate(run: Run, op: Extract<Op, { t: 'create' }>): Promise<void> {
  const tenant = run.tenant(op.tenant);
  const { start, end } = futureSlot(op.day, op.hour);
  const before = await notificationCount(run.t, tenant.tenantId);
  const created = await createMeeting(run.t.schedule, tenant.tutor, {
    kind: 'meeting',
    title: `Check-in ${run.model.meetings.length + 1}`,
    description: null,
    location: 'Room 4',
    onlineUrl: null,
    startsAt: start,
    endsAt: end,
    timeZone: 'Europe/London',
    attendeeUserIds: op.who.map((who) => tenant.learners[who].userId),
    guests: [],
    ...(op.weeks
      ? {
          recurrence: {
            frequency: 'weekly' as const,
            interval: 1,
            weekdays: [],
            ends: { type: 'count' as const, count: op.weeks },
          },
        }
      : {}),
  });
  await run.t.driver.idle();
  run.model.meetings.push({
    id: created.id,
    icalUid: created.icalUid,
    tenant: op.tenant,
    fields: {
      title: created.title,
      location: created.location,
      startsAt: start.getTime(),
      endsAt: end.getTime(),
    },
    status: 'scheduled',
    attendees: new Set(op.who),
    answers: new Map(op.who.map((who) => [who, 'needs_action' as const])),
    removedCopy: new Set(),
    copyGivenBack: new Set(),
    everRemoved: new Set(),
    unsyncedAnswers: new Set(),
    pending: null,
    history: [`${run.index}:create${op.weeks ? ` ${op.weeks} weeks` : ''}`],
    ...(op.weeks
      ? {
          series: {
            starts: weeklyStarts(start.getTime(), op.weeks),
            exceptions: new Map(),
            pending: new Map(),
          },
        }
      : {}),
  });
  // Each invitee is invited once, and nobody else hears anything yet.
  expect(
    [...(await toldAbout(run, tenant, created.id)).values()].sort(),
    `who creating meeting ${created.id} told`,
  ).toEqual(op.who.map((who) => `${who}:meeting_invited`).sort());
  expect(await notificationCount(run.t, tenant.tenantId), `op ${run.index} told others`).toBe(
    before + op.who.length,
  );
  run.notificationChecks += 1;
  // Attendees' copies are linked when their calendars sync (as a push would make them).
  run.model.unsynced.add(op.tenant);
  run.applied += 1;
}
