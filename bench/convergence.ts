/**
 * Issue 12, "Speed": the organiser moves Tandem's meeting in their own calendar → the meeting is
 * updated in Tandem and the attendee told, end to end through production code.
 *
 *  (g) Move in the provider → meeting updated and attendee notified: the organiser's calendar app
 *      moves the copy (the provider's own API, with the account's token); Google's push channel or
 *      the Graph subscription reaches the loopback app's webhook services → the inline driver
 *      syncs the organiser's calendar → convergence (organizer-changes.ts) updates the meeting and
 *      writes the attendee's notification. CalDAV has no push: the clock includes an explicit
 *      sync request to the driver, as the poll or the "sync now" button sends. The clock starts
 *      before the provider write and stops when the attendee's notification row exists.
 *      Goal p95 under 1 s.
 *  (h) Provider calls per converged change, from the emulators' request counters, counted from the
 *      move until everything has settled (the attendee's copy updated by the provider, the syncs its
 *      pushes cause). The organiser's own write is not Tandem's and is left out. Radicale counts
 *      nothing, so CalDAV's row says so.
 */
import { and, eq, sql } from 'drizzle-orm';
import { meetingLinks, notifications } from '../src/server/db/schema';
import { getMeeting } from '../src/server/meetings/queries';
import { createMeeting } from '../src/server/meetings/schedule';
import { meetingInput } from '../tests/support/delivery-checks';
import { RADICALE_USERS } from '../tests/support/delivery-testbed';
import type { BenchDatabase } from './bench-databases';
import { GMAIL, MICROSOFT, startDeliveryWorld, type BenchMember, type DeliveryWorld } from './delivery-world';
import { percentile } from './delivery-report';

const SAMPLES = 30;
const POLL_MS = 5;
const TIMEOUT_MS = 10_000;
const PAUSE_MS = 50;
const QUARTER_HOUR = 15 * 60_000;
export const MOVE_P95_GOAL_MS = 1_000;

type Route = 'Google (push)' | 'Microsoft (Graph subscription)' | 'CalDAV on Radicale (sync request)';

export interface MoveFigures {
  database: string;
  route: Route;
  samples: number;
  timedOut: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Tandem's provider calls per converged move, by route (null: the server counts nothing). */
  callsPerMove: { reads: number; writes: number; byRoute: Record<string, number> } | null;
}

interface Case {
  route: Route;
  tutor: [kind: 'google' | 'microsoft' | 'caldav', account: string];
  /** The learner's own calendar, where the organiser's provider updates their copy; null: none. */
  learner: [kind: 'google' | 'microsoft', account: string] | null;
}

const CASES: Case[] = [
  { route: 'Google (push)', tutor: ['google', GMAIL.g2gTutor], learner: ['google', GMAIL.g2gLearner] },
  {
    route: 'Microsoft (Graph subscription)',
    tutor: ['microsoft', MICROSOFT.m2mTutor],
    learner: ['microsoft', MICROSOFT.m2mLearner],
  },
  // Tandem invites the CalDAV organiser's attendees itself (iMIP): a learner without a calendar.
  { route: 'CalDAV on Radicale (sync request)', tutor: ['caldav', RADICALE_USERS[1].address], learner: null },
];

export async function measureConvergence(database: BenchDatabase): Promise<MoveFigures[]> {
  const { handle, drop } = await database.open();
  const world = await startDeliveryWorld(handle);
  try {
    const rows: MoveFigures[] = [];
    for (const entry of CASES) rows.push(await measureMoves(world, database.name, entry));
    return rows;
  } finally {
    await world.close();
    await handle.close();
    await drop();
  }
}

const WRITE = /^(POST|PATCH|PUT|DELETE) /;

async function measureMoves(world: DeliveryWorld, database: string, entry: Case): Promise<MoveFigures> {
  const members = await world.tenant(`move-${entry.tutor[0]}`, 1);
  const tutor = members.tutor;
  const learner = members.learners[0] as BenchMember;
  await world.connect(tutor, ...entry.tutor);
  if (entry.learner) await world.connect(learner, ...entry.learner);
  const pushes = entry.tutor[0] !== 'caldav';
  if (pushes) await world.importWithPush(tutor);
  if (entry.learner) await world.importWithPush(learner);
  const created = await createMeeting(world.t.schedule, tutor.actor, meetingInput([learner.actor.userId]));
  await world.settle();

  const provider = await world.providerOf(tutor);
  const calendarId = await world.externalCalendarId(tutor);
  const target = { tenantId: tutor.actor.tenantId, calendarId: tutor.calendar?.calendarId ?? '' };
  const told = async () => {
    const [row] = await world.t.database.db
      .select({ count: sql<number>`count(*)::int` })
      .from(notifications)
      .where(
        and(
          eq(notifications.tenantId, learner.actor.tenantId),
          eq(notifications.userId, learner.actor.userId),
          eq(notifications.kind, 'meeting_updated'),
        ),
      );
    return row?.count ?? 0;
  };
  const latencies: number[] = [];
  const calls: Record<string, number>[] = [];
  let timedOut = 0;
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const meeting = await getMeeting(world.t.database.db, tutor.actor, created.id);
    const externalId = await organizerCopyId(world, created.id);
    const current = await provider.getEvent(calendarId, externalId);
    const before = await told();
    await pause(PAUSE_MS);
    resetCounts(world);
    // Alternately later and back: every move is a real change of time.
    const shift = (sample % 2 === 0 ? 1 : -1) * QUARTER_HOUR;
    const start = new Date(meeting.startsAt.getTime() + shift);
    const end = new Date(meeting.endsAt.getTime() + shift);
    const started = performance.now();
    await provider.updateEvent(
      calendarId,
      externalId,
      {
        title: current.title ?? meeting.title,
        description: current.description,
        location: current.location,
        onlineUrl: current.onlineUrl,
        time: { kind: 'timed', start, end, timeZone: 'Europe/London' },
        recurrence: current.recurrence,
        attendees: current.attendees
          .filter((attendee) => !attendee.isOrganizer)
          .map((attendee) => ({
            email: attendee.email,
            name: attendee.name,
            isOptional: attendee.isOptional,
          })),
        tandemMeetingId: current.tandemMeetingId,
        iCalUid: current.iCalUid,
        sequence: (current.sequence ?? 0) + 1,
        notifyAttendees: true,
      },
      { etag: current.etag },
    );
    if (!pushes)
      await world.t.driver.send({
        name: 'tandem/calendar.sync-requested',
        data: { ...target, reason: 'manual' },
      });
    const reached = await until(async () => (await told()) > before);
    if (reached) latencies.push(performance.now() - started);
    else timedOut += 1;
    await world.settle();
    if (pushes) calls.push(countedCalls(world));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const figures: MoveFigures = {
    database,
    route: entry.route,
    samples: SAMPLES,
    timedOut,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1) ?? Number.NaN,
    callsPerMove: pushes ? averageCalls(calls) : null,
  };
  console.log(
    `${database}: ${entry.route}, ${SAMPLES} moves, p50 ${figures.p50Ms.toFixed(0)} ms, p95 ${figures.p95Ms.toFixed(0)} ms`,
  );
  return figures;
}

async function organizerCopyId(world: DeliveryWorld, meetingId: string): Promise<string> {
  const [link] = await world.t.database.db
    .select({ externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meetingId), eq(meetingLinks.role, 'organizer')));
  const id = link?.externalId;
  if (!id) throw new Error('bench: the organiser copy was not written');
  return id;
}

function resetCounts(world: DeliveryWorld): void {
  world.t.google.emulator.control.resetRequestCounts();
  world.t.microsoft.emulator.control.counts.clear();
}

/** This move's calls, less the organiser's own write (their calendar app's, not Tandem's). */
function countedCalls(world: DeliveryWorld): Record<string, number> {
  const counts = {
    ...world.t.google.emulator.control.requestCounts().byRoute,
    ...world.t.microsoft.emulator.control.snapshot().byRoute,
  };
  // Both adapters move an event with one PATCH of it; Tandem itself does not write the copy back.
  const own = Object.keys(counts).find((route) => /^PATCH .*events\/(:[^/]+|\{[^}]+\})$/.test(route));
  if (own) counts[own] = (counts[own] ?? 1) - 1;
  return counts;
}

function averageCalls(samples: Record<string, number>[]): MoveFigures['callsPerMove'] {
  const total: Record<string, number> = {};
  for (const sample of samples)
    for (const [route, count] of Object.entries(sample)) total[route] = (total[route] ?? 0) + count;
  const byRoute = Object.fromEntries(
    Object.entries(total)
      .filter(([, count]) => count > 0)
      .map(([route, count]) => [route, count / Math.max(1, samples.length)]),
  );
  const sum = (pick: (route: string) => boolean) =>
    Object.entries(byRoute).reduce((acc, [route, count]) => acc + (pick(route) ? count : 0), 0);
  return { reads: sum((route) => !WRITE.test(route)), writes: sum((route) => WRITE.test(route)), byRoute };
}

export function printConvergence(rows: MoveFigures[]): void {
  console.log(
    '\n(g) Move in the provider (the organiser’s calendar app) → meeting updated in Tandem and the attendee notified (push or sync request, webhook, sync, convergence)',
  );
  console.table(
    rows.map((row) => ({
      database: row.database,
      route: row.route,
      samples: row.samples,
      'p50 (ms)': Math.round(row.p50Ms),
      'p95 (ms)': Math.round(row.p95Ms),
      'max (ms)': Math.round(row.maxMs),
      'timed out': row.timedOut,
      [`goal p95 < ${MOVE_P95_GOAL_MS} ms`]:
        row.timedOut === 0 && row.p95Ms < MOVE_P95_GOAL_MS ? 'met' : 'NOT met',
    })),
  );
  console.log(
    '\n(h) Tandem’s provider calls per converged move (emulator request counters, the organiser’s own write left out; averaged over the moves)',
  );
  console.table(
    rows.map((row) => ({
      database: row.database,
      route: row.route,
      reads: row.callsPerMove ? round(row.callsPerMove.reads) : 'not counted (Radicale)',
      writes: row.callsPerMove ? round(row.callsPerMove.writes) : 'not counted (Radicale)',
      'calls per move': row.callsPerMove ? round(row.callsPerMove.reads + row.callsPerMove.writes) : '—',
    })),
  );
  for (const row of rows)
    if (row.callsPerMove)
      console.log(`  ${row.database}, ${row.route}: ${JSON.stringify(roundAll(row.callsPerMove.byRoute))}`);
}

const round = (value: number) => Math.round(value * 100) / 100;
const roundAll = (routes: Record<string, number>) =>
  Object.fromEntries(Object.entries(routes).map(([route, count]) => [route, round(count)]));

async function until(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await pause(POLL_MS);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
