/**
 * Issue 13, "Speed": the Scheduling Assistant's reads, through the tRPC procedures as a tutor.
 *
 *  (s1) Availability for 1 tutor + 30 learners × 14 days over a mirror of 20,000 events (one in
 *       twenty a weekly series; a hidden-but-busy calendar each) and Tandem meetings: server time
 *       p50 / p95, goal p95 ≤ 25 ms. Providers are a counting registry: every call would be
 *       counted (goal 0). Printed beside it: the bare SQL that fetches the same rows' intervals,
 *       and the ratio.
 *  (s2) Suggested slots for the same people and range (availability included): p50 / p95, goal
 *       p95 ≤ 25 ms; and suggestSlots alone (the pure function).
 *
 * Series expansions are remembered (keyed by the series' own fields and the window, so a changed
 * row is a new key): "warm" is a read after the same one, "cold" forgets them first, as the first
 * read after a sync that changed the series would. The bare SQL is availability's own query (the
 * narrowed rows, unexpanded); "full rows" is the shared reader's (every column the Calendar page reads).
 *
 * `npm run bench -- --only=scheduling` runs these alone. Prints; asserts nothing.
 */
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { createCaller } from '../src/server/api/root';
import type { TrpcContext } from '../src/server/api/trpc';
import type { ProviderRegistry } from '../src/server/connections/provider-registry';
import { generateKeySpec, parseKeyRing } from '../src/server/crypto/secrets';
import type { Database } from '../src/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetings,
  syncCursors,
} from '../src/server/db/schema';
import { clearExpansionCache, readMirrorRows } from '../src/server/calendar/mirror-occurrences';
import { readAvailability } from '../src/server/scheduling/availability';
import { readBusyMirror } from '../src/server/scheduling/busy-mirror';
import { busyMirrorScope } from '../src/server/scheduling/mirror-blocks';
import { slotPersonOf } from '../src/server/scheduling/slot-people';
import { suggestSlots } from '../src/server/scheduling/suggest-slots';
import { findActor } from '../src/server/tenants/actor';
import { provisionTenant } from '../src/server/tenants/provisioning';
import { unlimitedCalls } from '../src/server/security/call-limits';
import type { BenchDatabase } from './bench-databases';
import { percentile } from './delivery-report';
import { createEnterpriseAccess } from '@/server/enterprise/access';

const LEARNERS = 30;
const EVENTS = 20_000;
const SAMPLES = Number(process.env.BENCH_SCHEDULING_SAMPLES ?? 60);
const WARM_UP = 5;
const GOAL_P95_MS = 25;
const DAY = 86_400_000;
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Europe/Berlin'];
const NOW = new Date('2026-03-02T07:00:00Z');
const FROM = new Date('2026-03-02T00:00:00Z');
const TO = new Date(FROM.getTime() + 14 * DAY);

export interface SchedulingFigures {
  database: string;
  events: number;
  availabilityP50: number;
  availabilityP95: number;
  availabilityColdP50: number;
  availabilityColdP95: number;
  fullRowsP50: number;
  fullRowsP95: number;
  bareSqlP50: number;
  bareSqlP95: number;
  suggestionsP50: number;
  suggestionsP95: number;
  suggestionsColdP50: number;
  suggestionsColdP95: number;
  suggestPureP50: number;
  suggestPureP95: number;
  providerCalls: number;
  intervals: number;
  slots: number;
  /** The machine's 1-minute load average as the timings began and as they ended (2 cores here). */
  loadBefore: number;
  loadAfter: number;
}

export async function measureScheduling(target: BenchDatabase): Promise<SchedulingFigures> {
  const fresh = await target.open();
  try {
    const db = fresh.handle.db;
    const world = await seedWorld(db);
    let providerCalls = 0;
    const counting: ProviderRegistry = {
      forConnection: () => {
        providerCalls += 1;
        return Promise.reject(new Error('the Scheduling Assistant must not call a provider'));
      },
    };
    const keyRing = parseKeyRing(generateKeySpec('bench'));
    const context: TrpcContext = {
      db,
      session: { userId: world.tutorId, tenantId: world.tenantId },
      now: () => NOW,
      jobs: { send: () => Promise.resolve() } as unknown as TrpcContext['jobs'],
      providers: counting,
      keyRing: () => keyRing,
      oauthApps: { google: null, microsoft: null },
      allowLoopbackServers: false,
      hideInternalErrors: false,
      callLimits: unlimitedCalls,
      // Closed local ports: the Scheduling Assistant reaches no enterprise access either.
      enterprise: createEnterpriseAccess({
        microsoft: { graphBaseUrl: 'https://127.0.0.1:9', authorityBaseUrl: 'https://127.0.0.1:9' },
      }),
      appUrl: 'http://127.0.0.1:3000',
    };
    const caller = createCaller(context);
    const input = {
      userIds: world.learnerIds,
      optionalUserIds: [],
      from: FROM.toISOString(),
      to: TO.toISOString(),
    };

    const suggestionsInput = { ...input, durationMinutes: 60, bufferMinutes: 10, limit: 10 };
    const loadBefore = loadavg()[0] ?? 0;
    const availability = await timed(() => caller.scheduling.availability(input));
    const availabilityCold = await timed(() => {
      clearExpansionCache();
      return caller.scheduling.availability(input);
    });
    const suggestions = await timed(() => caller.scheduling.suggestions(suggestionsInput));
    const suggestionsCold = await timed(() => {
      clearExpansionCache();
      return caller.scheduling.suggestions(suggestionsInput);
    });
    const people = [world.tutorId, ...world.learnerIds];
    const bare = await timed(() => bareIntervals(db, world.tenantId, people));
    const fullRows = await timed(() => readMirrorRows(db, busyMirrorScope(world.tenantId, people), FROM, TO));

    const actor = await findActor(db, { userId: world.tutorId, tenantId: world.tenantId });
    if (!actor) throw new Error('no tutor');
    const read = await readAvailability({ db, now: () => NOW }, actor, input, { ownTitles: false });
    const slotPeople = read.timelines.map((t) => slotPersonOf(t.person, t.working));
    const pure = await timed(() =>
      Promise.resolve(
        suggestSlots(slotPeople, {
          from: FROM.getTime(),
          to: TO.getTime(),
          now: NOW.getTime(),
          durationMinutes: 60,
          bufferMinutes: 10,
          limit: 10,
          viewerZone: actor.timeZone,
        }),
      ),
    );
    const loadAfter = loadavg()[0] ?? 0;
    return {
      loadBefore,
      loadAfter,
      database: target.name,
      events: EVENTS,
      availabilityP50: availability.p50,
      availabilityP95: availability.p95,
      availabilityColdP50: availabilityCold.p50,
      availabilityColdP95: availabilityCold.p95,
      fullRowsP50: fullRows.p50,
      fullRowsP95: fullRows.p95,
      bareSqlP50: bare.p50,
      bareSqlP95: bare.p95,
      suggestionsP50: suggestions.p50,
      suggestionsP95: suggestions.p95,
      suggestionsColdP50: suggestionsCold.p50,
      suggestionsColdP95: suggestionsCold.p95,
      suggestPureP50: pure.p50,
      suggestPureP95: pure.p95,
      providerCalls,
      intervals: availability.last.people.reduce((sum, p) => sum + p.intervals.length, 0),
      slots: suggestions.last.length,
    };
  } finally {
    await fresh.handle.close();
    await fresh.drop();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ p50: number; p95: number; last: T }> {
  let last = await run();
  for (let i = 1; i < WARM_UP; i += 1) last = await run();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const started = performance.now();
    last = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), last };
}

/**
 * The same rows, straight from the table through availability's own statement (the people's busy
 * calendars, their rows' narrowed columns and the series' exceptions; series unexpanded, nothing
 * worked out): what any availability read must at least fetch.
 */
async function bareIntervals(db: Database, tenantId: string, userIds: string[]) {
  const mirror = await readBusyMirror(db, busyMirrorScope(tenantId, userIds), FROM, TO);
  return mirror.rows;
}

export interface World {
  tenantId: string;
  tutorId: string;
  learnerIds: string[];
}

/** 31 people, each with two busy calendars (one hidden), 20,000 events over ±60 days, and meetings. */
export async function seedWorld(db: Database): Promise<World> {
  const slug = `sched-bench-${crypto.randomUUID().slice(0, 8)}`;
  const members = [
    {
      email: `tutor@${slug}.test`,
      name: 'Bench tutor',
      role: 'tutor' as const,
      timeZone: 'Europe/London',
      passwordHash: 'x',
    },
    ...Array.from({ length: LEARNERS }, (_, i) => ({
      email: `learner${i}@${slug}.test`,
      name: `Learner ${i}`,
      role: 'learner' as const,
      timeZone: ZONES[i % ZONES.length] ?? 'UTC',
      passwordHash: 'x',
    })),
  ];
  const { tenantId, userIds } = await provisionTenant(db, {
    name: 'Scheduling bench',
    slug,
    calendarIntegrationEnabled: true,
    members,
  });
  const ids = members.map((m) => userIds.get(m.email) ?? '');
  const calendarIds: string[] = [];
  for (const [index, userId] of ids.entries()) {
    const [connection] = await db
      .insert(calendarConnections)
      .values({
        tenantId,
        userId,
        provider: index % 2 === 0 ? 'google' : 'microsoft',
        accountEmail: `${index}@bench.test`,
        encryptedCredentials: 'not-a-credential: the bench must never decrypt it',
        lastSyncedAt: NOW,
      })
      .returning({ id: calendarConnections.id });
    if (!connection) throw new Error('no connection');
    const rows = await db
      .insert(calendars)
      .values([
        {
          tenantId,
          connectionId: connection.id,
          externalId: 'primary',
          name: 'Work',
          isPrimary: true,
          syncState: 'ready' as const,
          lastSyncedAt: NOW,
        },
        {
          tenantId,
          connectionId: connection.id,
          externalId: 'personal',
          name: 'Personal',
          show: false,
          syncState: 'ready' as const,
          lastSyncedAt: NOW,
        },
      ])
      .returning({ id: calendars.id });
    for (const row of rows) {
      calendarIds.push(row.id);
      await db.insert(syncCursors).values({
        calendarId: row.id,
        tenantId,
        cursor: 'bench',
        windowStart: new Date(NOW.getTime() - 60 * DAY),
        windowEnd: new Date(NOW.getTime() + 120 * DAY),
      });
    }
  }
  // Deterministic pseudo-random events: mostly 30–120 minute meetings in the day, some all-day.
  let seed = 13;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const batch: (typeof externalEvents.$inferInsert)[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const calendarId = calendarIds[i % calendarIds.length] ?? '';
    const day = Math.floor(random() * 120) - 60;
    const start = new Date(
      Date.UTC(2026, 2, 2 + day, 6 + Math.floor(random() * 12), Math.floor(random() * 4) * 15),
    );
    const allDay = i % 50 === 7;
    const series = i % 20 === 3;
    const length = (1 + Math.floor(random() * 4)) * 30 * 60_000;
    const date = start.toISOString().slice(0, 10);
    batch.push({
      tenantId,
      calendarId,
      externalId: `event-${i}`,
      status: 'confirmed',
      title: `Event ${i}`,
      startAt: allDay ? new Date(`${date}T00:00:00Z`) : start,
      endAt: allDay
        ? new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY)
        : new Date(start.getTime() + length),
      allDay,
      startDate: allDay ? date : null,
      endDate: allDay
        ? new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10)
        : null,
      timeZone: 'Europe/London',
      recurrence: series ? ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE'] : null,
      showAs: i % 9 === 0 ? 'tentative' : i % 31 === 0 ? 'oof' : 'busy',
      transparency: i % 17 === 0 ? 'transparent' : 'opaque',
    });
    if (batch.length === 1000) await db.insert(externalEvents).values(batch.splice(0));
  }
  if (batch.length > 0) await db.insert(externalEvents).values(batch);
  // Tandem meetings: the tutor with each learner twice in the fortnight, one weekly series.
  for (const [i, learnerId] of ids.slice(1).entries()) {
    for (const week of [0, 1]) {
      const startsAt = new Date(Date.UTC(2026, 2, 3 + week * 7 + (i % 4), 10 + (i % 5)));
      const [meeting] = await db
        .insert(meetings)
        .values({
          tenantId,
          organizerId: ids[0] ?? '',
          title: `Check-in ${i}`,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 45 * 60_000),
          timeZone: 'Europe/London',
          recurrence: week === 1 && i % 10 === 0 ? ['RRULE:FREQ=WEEKLY'] : null,
          icalUid: `bench-${i}-${week}@tandem`,
        })
        .returning({ id: meetings.id });
      if (!meeting) throw new Error('no meeting');
      await db.insert(meetingAttendees).values({
        tenantId,
        meetingId: meeting.id,
        userId: learnerId,
        email: `learner${i}@${slug}.test`,
        response: i % 3 === 0 ? 'needs_action' : 'accepted',
      });
    }
  }
  await db.execute(sql`analyze`);
  return { tenantId, tutorId: ids[0] ?? '', learnerIds: ids.slice(1) };
}

export function printScheduling(rows: SchedulingFigures[]): void {
  if (rows.length === 0) return;
  console.log(
    `\n(s) Scheduling Assistant: 1 tutor + ${LEARNERS} learners × 14 days, ${EVENTS} mirrored events (5% series)`,
  );
  console.table(
    rows.map((row) => ({
      database: row.database,
      'availability warm p50 / p95 (ms)': pair(row.availabilityP50, row.availabilityP95),
      'availability cold p50 / p95 (ms)': pair(row.availabilityColdP50, row.availabilityColdP95),
      'bare SQL p50 / p95 (ms)': pair(row.bareSqlP50, row.bareSqlP95),
      'ratio to bare SQL, warm / cold (p50)': `${ratio(row.availabilityP50, row.bareSqlP50)} / ${ratio(
        row.availabilityColdP50,
        row.bareSqlP50,
      )}`,
      'ratio to bare SQL, warm / cold (p95)': `${ratio(row.availabilityP95, row.bareSqlP95)} / ${ratio(
        row.availabilityColdP95,
        row.bareSqlP95,
      )}`,
      'full rows p50 / p95 (ms)': pair(row.fullRowsP50, row.fullRowsP95),
      'suggestions warm p50 / p95 (ms)': pair(row.suggestionsP50, row.suggestionsP95),
      'suggestions cold p50 / p95 (ms)': pair(row.suggestionsColdP50, row.suggestionsColdP95),
      'suggestSlots alone p95 (ms)': row.suggestPureP95.toFixed(2),
      'provider calls': row.providerCalls,
      intervals: row.intervals,
      slots: row.slots,
      'load (1 min) before / after': `${row.loadBefore.toFixed(1)} / ${row.loadAfter.toFixed(1)}`,
      [`goal p95 ≤ ${GOAL_P95_MS} ms`]:
        Math.max(row.availabilityP95, row.availabilityColdP95, row.suggestionsP95, row.suggestionsColdP95) <=
          GOAL_P95_MS && row.providerCalls === 0
          ? 'met'
          : 'NOT met',
    })),
  );
}

function ratio(time: number, bare: number): string {
  return (time / Math.max(bare, 0.001)).toFixed(1);
}

function pair(p50: number, p95: number): string {
  return `${p50.toFixed(1)} / ${p95.toFixed(1)}`;
}
