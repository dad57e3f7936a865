/**
 * Randomized two-sided convergence (issue 12, DESIGN.md §4 rule 5): a seeded list of operations
 * mixed across Tandem and the organiser's and attendees' own calendars — in the Google and
 * Microsoft emulators and a real Radicale (one tutor on plain CalDAV: Tandem the organiser of
 * record) — with injected 429 / 5xx / 410 / expired tokens,
 * duplicated, held and out-of-order push syncs and replayed jobs. A small model says what should
 * be true; each command acts on the real system; after draining and syncing everything, Tandem's
 * meetings, each organiser's copy and each attendee's copy agree with the model, one copy per
 * calendar, and syncs that bring nothing new (echoes of our own writes) tell nobody anything;
 * each Tandem-side operation tells exactly the right people, once each.
 *
 * Replay: FUZZ_SEED=<seed> [FUZZ_OPS=<n>] npx vitest run src/server/convergence/convergence.fuzz.test.ts
 * (FUZZ_SEED=random for a new list; a failure also writes its op list for FUZZ_OPS_FILE=…)
 * (FUZZ_SHRINK=1 also shrinks the failing op list, one fresh pair of tenants per attempt.)
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import { providerCalls } from '@/tests/support/convergence-world';
import { describeOps, opsArb, type Op } from '@/tests/support/convergence-fuzz/ops';
import { runOps, type Run } from '@/tests/support/convergence-fuzz/run';
import { useTestDatabase } from '@/tests/support/database';
import { startDeliveryTestbed, type DeliveryTestbed } from '@/tests/support/delivery-testbed';

/** CI runs one fixed list (deterministic); FUZZ_SEED=random explores a new one and prints its seed. */
// npm test runs 1,000 operations of seed 12 (issue 12's floor); in CI that is the PostgreSQL pass
// (the PGlite pass leaves the convergence suites out, .ci/run). Seed 2 at 300 operations found the answer given before
// a new copy was linked (the regression list above); it passes now.
const DEFAULT_SEED = 12;
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Date.now() % 2_147_483_647
    : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const OPS = Number(process.env.FUZZ_OPS ?? 1000);

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'fuzz');
}, 60_000);
afterAll(() => t?.close());

// Found by seed 12 at 1,000 operations: an Outlook learner's decline as the last thing to happen
// to a meeting (the first) leaves them no copy; a Tandem move after it (the second) is Outlook's
// full update, which gives them a copy again and asks them again (MS-OXOCAL 3.1.4.7.3.2).
it("an Outlook decline takes the learner's copy away, and a later move asks them again", async () => {
  await runOps(t, [
    { t: 'create', tenant: 'microsoft', who: ['learner'], day: 4, hour: 8 },
    { t: 'create', tenant: 'microsoft', who: ['learner'], day: 5, hour: 9 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'attendeeAnswer', m: 0, who: 'learner', response: 'declined' },
    { t: 'attendeeAnswer', m: 1, who: 'learner', response: 'declined' },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'tandemMove', m: 1, hours: 2 },
    { t: 'syncTenant', tenant: 'microsoft' },
  ]);
}, 120_000);

// Found by seed 12 at 1,000 operations (ops 984–985, reduced by hand): an answer given in Outlook
// just before a Tandem move, synced only after it, came back as an answer to the new time — the
// emulator kept it through the move, where Outlook's full update clears it (MS-OXOCAL 3.1.4.7.3.2).
it('an Outlook answer to the old time, synced after a Tandem move, is not an answer to the new time', async () => {
  await runOps(t, [
    { t: 'create', tenant: 'microsoft', who: ['learner'], day: 4, hour: 15 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'attendeeAnswer', m: 0, who: 'learner', response: 'tentative' },
    { t: 'tandemMove', m: 0, hours: -29 },
    { t: 'syncTenant', tenant: 'microsoft' },
  ]);
}, 120_000);

// Found by seed 2 at 300 operations: a learner removed and invited again answers in Tandem before
// their own Google copy (given back by Google) is linked; the answer must reach that copy too.
it("an answer given in Tandem before the learner's new Google copy is linked reaches that copy", async () => {
  await runOps(t, [
    { t: 'create', tenant: 'google', who: ['learner', 'other'], day: 3, hour: 10 },
    { t: 'syncTenant', tenant: 'google' },
    { t: 'tandemAttendees', m: 0, who: ['other'] },
    { t: 'syncTenant', tenant: 'google' },
    { t: 'tandemAttendees', m: 0, who: ['learner', 'other'] },
    { t: 'tandemAnswer', m: 0, who: 'learner', response: 'accepted' },
  ]);
}, 120_000);

// Found by seed 3 at 300 operations: Google keeps attendees' answers through the organiser's
// PATCH, so a decline given in Tandem came back from the organiser's copy after a Tandem move as
// an answer to the new time. The move now resets it there too (providers/google/provider.ts).
it('a Tandem answer is not read back as an answer to the new time after a Tandem move on Google', async () => {
  await runOps(t, [
    { t: 'create', tenant: 'google', who: ['learner'], day: 4, hour: 10 },
    { t: 'syncTenant', tenant: 'google' },
    { t: 'tandemAnswer', m: 0, who: 'learner', response: 'declined' },
    { t: 'syncTenant', tenant: 'google' },
    { t: 'tandemMove', m: 0, hours: 2 },
    { t: 'syncTenant', tenant: 'google' },
  ]);
}, 120_000);

// Every series operation once on each provider (the random run leaves them out until the bugs
// they found are fixed, ops.ts): one occurrence moved, cancelled and retitled in Tandem, one
// instance moved and one cancelled in the organiser's calendar, and this-and-following moved.
const SERIES_TENANTS = ['google', 'microsoft', 'caldav'] as const;
const syncAll = SERIES_TENANTS.map((tenant): Op => ({ t: 'syncTenant', tenant }));
const weeklySeries = SERIES_TENANTS.map((tenant): Op => ({
  t: 'create',
  tenant,
  who: ['learner', 'other'],
  day: 2,
  hour: 10,
  weeks: 4,
}));
const eachSeries = (op: (m: number) => Op): Op[] => SERIES_TENANTS.map((_, m) => op(m));

it('one occurrence changed in Tandem or in the organiser’s calendar reaches every copy, on each provider', async () => {
  await runOps(t, [
    ...weeklySeries,
    ...syncAll,
    ...eachSeries((m) => ({
      t: 'tandemOccurrence',
      m,
      o: 1,
      scope: 'occurrence',
      change: 'move',
      hours: 3,
      n: 0,
    })),
    ...eachSeries((m) => ({
      t: 'tandemOccurrence',
      m,
      o: 2,
      scope: 'occurrence',
      change: 'cancel',
      hours: 3,
      n: 0,
    })),
    ...eachSeries((m) => ({
      t: 'tandemOccurrence',
      m,
      o: 0,
      scope: 'occurrence',
      change: 'edit',
      hours: 3,
      n: 5,
    })),
    ...syncAll,
    ...eachSeries((m) => ({ t: 'organizerOccurrence', m, o: 2, change: 'move', hours: -2 })),
    ...syncAll,
    ...eachSeries((m) => ({ t: 'organizerOccurrence', m, o: 0, change: 'cancel', hours: -2 })),
    ...syncAll,
  ]);
}, 240_000);

it('this and following, moved in Tandem, reaches every copy, on each provider', async () => {
  await runOps(t, [
    ...weeklySeries,
    ...syncAll,
    ...eachSeries((m) => ({
      t: 'tandemOccurrence',
      m,
      o: 2,
      scope: 'following',
      change: 'move',
      hours: 2,
      n: 0,
    })),
    ...syncAll,
  ]);
}, 240_000);

// Found with FUZZ_SERIES=1, seed 12: the organiser deletes their whole series in Outlook;
// calendarView/delta reports only the removed occurrences, never the master. Tandem must cancel
// the meeting and tell the learner once. The second series has an exception (moved in Outlook),
// which the removal alone would leave as a cancelled exception of a master still mirrored.
it('a whole series deleted in Outlook by its organiser cancels the meeting', async () => {
  await runOps(t, [
    { t: 'create', tenant: 'microsoft', who: ['learner'], day: 2, hour: 10, weeks: 4 },
    { t: 'create', tenant: 'microsoft', who: ['learner', 'other'], day: 3, hour: 14, weeks: 3 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'organizerOccurrence', m: 1, o: 1, change: 'move', hours: 2 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'organizerDelete', m: 0 },
    { t: 'organizerDelete', m: 1 },
    { t: 'syncTenant', tenant: 'microsoft' },
  ]);
}, 120_000);

// Found with FUZZ_SERIES=1, seed 12: a Microsoft 365 series with an exception (one occurrence
// moved in Tandem), then cancelled whole in Tandem: the learner's Outlook copy must lose the
// exception too (a series cancellation cancels every instance, MS-OXOCAL 3.1.4.7.3.1).
it("a whole series cancelled in Tandem leaves no exception in the learner's Outlook copy", async () => {
  await runOps(t, [
    { t: 'create', tenant: 'microsoft', who: ['learner'], day: 2, hour: 10, weeks: 4 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'tandemOccurrence', m: 0, o: 1, scope: 'occurrence', change: 'move', hours: 3, n: 0 },
    { t: 'syncTenant', tenant: 'microsoft' },
    { t: 'tandemCancel', m: 0 },
    { t: 'syncTenant', tenant: 'microsoft' },
  ]);
}, 120_000);

it(
  `converges after ${OPS} operations on both sides (seed ${SEED})`,
  async () => {
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    const callsBefore = providerCalls(t);
    let last: Run | null = null;
    await fc.assert(
      fc.asyncProperty(opsArb(OPS), async (ops) => {
        last = await runOps(t, ops);
      }),
      {
        seed: SEED,
        numRuns: 1,
        endOnFailure: !process.env.FUZZ_SHRINK,
        reporter: (details) => {
          if (!details.failed) return;
          const ops = (details.counterexample?.[0] ?? []) as Op[];
          const file = join(tmpdir(), `convergence-fuzz-${SEED}.json`);
          writeFileSync(file, JSON.stringify(ops));
          throw new Error(
            `Convergence failed — replay with FUZZ_SEED=${SEED} FUZZ_OPS=${OPS} or FUZZ_OPS_FILE=${file}` +
              `${details.counterexamplePath ? ` (path ${details.counterexamplePath})` : ''}\n` +
              `${String(details.errorInstance)}\n${(details.errorInstance as Error)?.stack ?? ''}\ncause: ${String(((details.errorInstance as Error)?.cause as Error)?.cause ?? '')}\nops:\n${describeOps(ops)}`,
          );
        },
      },
    );
    const run = last as Run | null;
    const seconds = (performance.now() - startedAt) / 1000;
    // CPU time of this process (the wall time depends on what else the machine runs).
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const calls = providerCalls(t) - callsBefore;
    console.info(
      `convergence fuzz: seed ${SEED}, ${OPS} ops (${run?.applied ?? 0} applied, ${run?.model.meetings.length ?? 0} meetings, ` +
        `${run?.echoChecks ?? 0} echo checks, ${run?.notificationChecks ?? 0} notification checks, ${run?.failedRuns ?? 0} runs gave up to faults) in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s CPU); ` +
        `${calls} emulator calls = ${(calls / OPS).toFixed(2)} per operation (Radicale not counted)`,
    );
  },
  Math.max(600_000, OPS * 2_000),
);
