/**
 * Issue 11, "Speed": delivery and answers, end to end through production code.
 *
 *  (d) Send → invitation visible in the attendee's emulated calendar: createMeeting (the
 *      scheduling service) → the inline driver runs the deliver-meeting job → the organiser's
 *      provider invites (same provider) or emails the invitation as iMIP over the emulators' SMTP
 *      and the mail exchange (across providers) → the attendee's emulator store has the copy.
 *      The clock starts before createMeeting and stops when the store holds the copy.
 *      Goal p95 under 2 s.
 *  (e) Answer given in the provider → shown on the meeting for the tutor: the attendee declines in
 *      their own calendar (the same API call their calendar app makes); the provider writes it to
 *      the organiser's copy (or emails an iMIP REPLY across providers); its push reaches the
 *      loopback app's webhook service → the inline driver syncs → answers from the mirror record
 *      it. The clock stops when the meeting's attendee row says "declined". Goal p95 under 1 s.
 *  (f) Provider calls per meeting sent to 5 learners, from the emulators' request counters, with
 *      push channels on every connected calendar as the app makes them (so the reads are the
 *      syncs the echoes cause). Target: one write per calendar touched plus those reads.
 */
import { and, eq } from 'drizzle-orm';
import { meetingAttendees, meetings } from '../src/server/db/schema';
import { getMeeting } from '../src/server/meetings/queries';
import { createMeeting } from '../src/server/meetings/schedule';
import { meetingInput, googleCopies, microsoftCopies } from '../tests/support/delivery-checks';
import type { BenchDatabase } from './bench-databases';
import {
  CALDAV_LEO,
  GMAIL,
  MICROSOFT,
  startDeliveryWorld,
  type BenchMember,
  type DeliveryWorld,
} from './delivery-world';
import {
  percentile,
  printDelivery,
  type AnswerFigures,
  type CallFigures,
  type SendFigures,
} from './delivery-report';

const SAMPLES = 30;
const POLL_MS = 5;
const TIMEOUT_MS = 10_000;
const PAUSE_MS = 50;

export interface DeliveryFigures {
  sends: SendFigures[];
  answers: AnswerFigures[];
  calls: CallFigures[];
}

type Route = 'Google → Google' | 'Microsoft → Microsoft' | 'Google → Outlook.com (iMIP)';

interface Pair {
  route: Route;
  tutor: BenchMember;
  learner: BenchMember;
}

export async function measureDelivery(database: BenchDatabase): Promise<DeliveryFigures> {
  const { handle, drop } = await database.open();
  const world = await startDeliveryWorld(handle);
  try {
    const pairs = await pairsOf(world);
    const sends: SendFigures[] = [];
    for (const pair of pairs) sends.push(await measureSends(world, database.name, pair));
    // Counted before the pairs' push channels exist, so only the counted tenant's calendars sync.
    const calls = await countCalls(world, database.name);
    // Push channels from here on, as the app has them on every connected calendar.
    for (const pair of pairs) {
      await world.importWithPush(pair.tutor);
      await world.importWithPush(pair.learner);
    }
    const answers: AnswerFigures[] = [];
    for (const pair of pairs) answers.push(await measureAnswers(world, database.name, pair));
    return { sends, answers, calls };
  } finally {
    await world.close();
    await handle.close();
    await drop();
  }
}

async function pairsOf(world: DeliveryWorld): Promise<Pair[]> {
  const make = async (
    route: Route,
    label: string,
    tutor: [kind: 'google' | 'microsoft', string],
    learner: [kind: 'google' | 'microsoft', string],
  ) => {
    const members = await world.tenant(label, 1);
    const attendee = members.learners[0] as BenchMember;
    await world.connect(members.tutor, ...tutor);
    await world.connect(attendee, ...learner);
    return { route, tutor: members.tutor, learner: attendee };
  };
  return [
    await make('Google → Google', 'g2g', ['google', GMAIL.g2gTutor], ['google', GMAIL.g2gLearner]),
    await make(
      'Microsoft → Microsoft',
      'm2m',
      ['microsoft', MICROSOFT.m2mTutor],
      ['microsoft', MICROSOFT.m2mLearner],
    ),
    await make(
      'Google → Outlook.com (iMIP)',
      'g2o',
      ['google', GMAIL.g2oTutor],
      ['microsoft', MICROSOFT.outlook],
    ),
  ];
}

/**
 * The meeting's UID as it is now: Graph chooses its own iCalUId when a Microsoft organiser's copy
 * is created, and the delivery job records it on the meeting.
 */
async function currentUid(world: DeliveryWorld, member: BenchMember, meetingId: string): Promise<string> {
  const [row] = await world.t.database.db
    .select({ icalUid: meetings.icalUid })
    .from(meetings)
    .where(and(eq(meetings.tenantId, member.actor.tenantId), eq(meetings.id, meetingId)));
  return row?.icalUid ?? '';
}

async function copiesOfMeeting(world: DeliveryWorld, pair: Pair, meetingId: string) {
  return copiesIn(world, pair.learner, await currentUid(world, pair.tutor, meetingId));
}

function copiesIn(world: DeliveryWorld, member: BenchMember, icalUid: string) {
  const account = member.calendar?.account ?? '';
  return member.calendar?.kind === 'google'
    ? googleCopies(world.t, account, icalUid)
    : microsoftCopies(world.t, account, icalUid);
}

async function measureSends(world: DeliveryWorld, database: string, pair: Pair): Promise<SendFigures> {
  const latencies: number[] = [];
  let timedOut = 0;
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    await world.settle();
    await pause(PAUSE_MS);
    const started = performance.now();
    const created = await createMeeting(
      world.t.schedule,
      pair.tutor.actor,
      meetingInput([pair.learner.actor.userId]),
    );
    const reached = await until(async () => (await copiesOfMeeting(world, pair, created.id)).length > 0);
    if (reached) latencies.push(performance.now() - started);
    else timedOut += 1;
  }
  await world.settle();
  const figures = { database, route: pair.route, samples: SAMPLES, timedOut, ...percentiles(latencies) };
  console.log(
    `${database}: ${pair.route}, ${SAMPLES} sends, p50 ${figures.p50Ms.toFixed(0)} ms, p95 ${figures.p95Ms.toFixed(0)} ms`,
  );
  return figures;
}

async function measureAnswers(world: DeliveryWorld, database: string, pair: Pair): Promise<AnswerFigures> {
  const provider = await world.providerOf(pair.learner);
  const calendarId = await world.externalCalendarId(pair.learner);
  const latencies: number[] = [];
  let timedOut = 0;
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const created = await createMeeting(
      world.t.schedule,
      pair.tutor.actor,
      meetingInput([pair.learner.actor.userId]),
    );
    await until(async () => (await copiesOfMeeting(world, pair, created.id)).length > 0);
    await world.settle();
    await pause(PAUSE_MS);
    const [copy] = await copiesOfMeeting(world, pair, created.id);
    const meeting = await getMeeting(world.t.database.db, pair.tutor.actor, created.id);
    const attendeeId = meeting.attendees[0]?.id ?? '';
    if (!copy) {
      timedOut += 1;
      continue;
    }
    const started = performance.now();
    await provider.respondToEvent(calendarId, copy.id, 'declined', { comment: 'Exam that day' });
    const shown = await until(async () => {
      const [row] = await world.t.database.db
        .select({ response: meetingAttendees.response })
        .from(meetingAttendees)
        .where(
          and(eq(meetingAttendees.tenantId, pair.tutor.actor.tenantId), eq(meetingAttendees.id, attendeeId)),
        );
      return row?.response === 'declined';
    });
    if (shown) latencies.push(performance.now() - started);
    else timedOut += 1;
  }
  await world.settle();
  const figures = { database, route: pair.route, samples: SAMPLES, timedOut, ...percentiles(latencies) };
  console.log(
    `${database}: ${pair.route}, ${SAMPLES} declines, p50 ${figures.p50Ms.toFixed(0)} ms, p95 ${figures.p95Ms.toFixed(0)} ms`,
  );
  return figures;
}

/** One meeting to five learners per organiser, counted from the send until everything has settled. */
async function countCalls(world: DeliveryWorld, database: string): Promise<CallFigures[]> {
  const rows: CallFigures[] = [];
  const groups: {
    label: string;
    tutor: ['google' | 'microsoft', string];
    learners: (['google' | 'microsoft' | 'caldav', string] | null)[];
  }[] = [
    {
      label: 'Google tutor, 5 learners on Google',
      tutor: ['google', GMAIL.callsTutor],
      learners: GMAIL.callsLearners.map((account) => ['google', account] as const) as ['google', string][],
    },
    {
      label: 'Microsoft tutor, 5 learners on Microsoft 365',
      tutor: ['microsoft', MICROSOFT.callsTutor],
      learners: MICROSOFT.callsLearners.map((account) => ['microsoft', account] as ['microsoft', string]),
    },
    {
      label: 'Google tutor, mixed: 2 Google, 1 Outlook.com, 1 CalDAV, 1 no calendar',
      tutor: ['google', GMAIL.mixedTutor],
      learners: [
        ['google', GMAIL.mixedLearners[0]],
        ['google', GMAIL.mixedLearners[1]],
        ['microsoft', MICROSOFT.outlook],
        ['caldav', CALDAV_LEO],
        null,
      ],
    },
  ];
  for (const group of groups) {
    const members = await world.tenant(`calls${rows.length}`, 5);
    await world.connect(members.tutor, ...group.tutor);
    await world.importWithPush(members.tutor);
    for (const [index, calendar] of group.learners.entries()) {
      const learner = members.learners[index] as BenchMember;
      if (!calendar) continue;
      await world.connect(learner, ...calendar);
      if (calendar[0] !== 'caldav') await world.importWithPush(learner);
    }
    await world.settle();
    world.t.google.emulator.control.resetRequestCounts();
    world.t.microsoft.emulator.control.counts.clear();
    const mailsBefore = world.t.mail.messages.length;
    const created = await createMeeting(
      world.t.schedule,
      members.tutor.actor,
      meetingInput(members.learners.map((learner) => learner.actor.userId)),
    );
    await world.settle();
    const meeting = await getMeeting(world.t.database.db, members.tutor.actor, created.id);
    const google = world.t.google.emulator.control.requestCounts().byRoute;
    const microsoft = world.t.microsoft.emulator.control.snapshot().byRoute;
    const calendarsTouched = 1 + group.learners.filter((calendar) => calendar?.[0] === 'caldav').length;
    rows.push({
      database,
      group: group.label,
      google,
      microsoft,
      tandemCalDavCopies: meeting.attendees.filter((attendee) => attendee.delivery.method === 'tandem_copy')
        .length,
      calendarsTouched,
      deliveryMails: world.t.mail.messages.slice(mailsBefore).filter((message) => message.calendar !== null)
        .length,
    });
  }
  return rows;
}

async function until(check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await pause(POLL_MS);
  }
}

function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { printDelivery };
