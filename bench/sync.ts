/**
 * `npm run bench`: the sync engine's figures (issue 5, "Speed").
 *
 *  (a) Initial import of 2,000 and 10,000 events (one in twenty a weekly series) from the Google
 *      emulator into the mirror: events/s, and peak heap / RSS while importing. The emulator runs in
 *      a child process so the memory figures are the sync's own; equal peaks for 2,000 and 10,000
 *      show that pages are streamed and writes batched. The emulator serves each page in time
 *      proportional to the page (listing-snapshots.ts), so events/s that stay flat from 2,000 to
 *      10,000 show that Tandem's own cost is linear. PGlite always; PostgreSQL when DATABASE_URL
 *      is set (goal ≥ 5,000 events/s there). Then the mirror writes alone, against bare inserts
 *      of the same rows into the same table (goal: at least half their rate).
 *  (b) Provider calls, from the emulator's request counters: an incremental sync with no change
 *      makes exactly one call; a Calendar feed read makes none.
 *  (c) Notification → mirror updated through the emulator's push and the inline driver: p50/p95
 *      (goal p95 under 500 ms); see push-latency.ts.
 *  (d)–(f) Delivery (issue 11): send → invitation in the attendee's calendar, an answer given in
 *      the provider → shown to the tutor, and provider calls per meeting; see delivery.ts.
 *      `npm run bench -- --only=delivery` runs these alone.
 *  (g)–(h) Convergence (issue 12): the organiser moves the meeting in their calendar → updated in
 *      Tandem and the attendee told, and provider calls per converged move; see convergence.ts.
 *      `npm run bench -- --only=convergence` runs these alone.
 *  (i) The Calendar page in Chromium against a production build (issue 16): opening a week of 100
 *      and 1,000 items, a click, an unchanged refresh, Month view, heap; see calendar-page.ts.
 *      `npm run bench -- --only=calendar-page` runs these alone (`--skip-build` reuses .next).
 *  (i) The Scheduling Assistant's grid, 31 rows × 5 days, time to interactive in Chromium (issue 13);
 *      see scheduling-grid.ts. `npm run bench -- --only=scheduling-grid` runs it alone.
 *  (j) Tenant administration (issue 14): a page of the connection health table with 5,000
 *      connections and of the audit log, p95; see health.ts. `--only=health` runs it alone.
 *  (k) Bulk add of 1,000 members through Google Workspace and Microsoft 365: members/s, calls per member,
 *      ratio to the quota-bound minimum; see bulk-add.ts.
 *      `--only=bulk-add` runs it alone (it is not part of the full run).
 *
 * Prints; asserts nothing (the tests do that). Exit code 1 only if (b) is not met.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { TESTBED_CLIENT, TESTBED_SCOPE } from '../emulators/google/testbed';
import { readCalendarFeed } from '../src/server/calendar/feed';
import type { DatabaseHandle } from '../src/server/db/client';
import { calendarConnections, calendars } from '../src/server/db/schema';
import type { EventChange } from '../src/server/providers/types';
import { applyChanges, sweepUnseenEvents, toMirrorRow } from '../src/server/sync/apply-changes';
import { refreshCalendarList } from '../src/server/sync/calendar-list';
import { syncWindowAt, type SyncDeps } from '../src/server/sync/deps';
import { syncCalendar } from '../src/server/sync/sync-calendar';
import { findActor } from '../src/server/tenants/actor';
import { provisionTenant } from '../src/server/tenants/provisioning';
import {
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
} from '../tests/support/emulator-registry';
import { bareInserts } from './bare-insert';
import { bulkAddOnly } from './bulk-add';
import { measureCalendarPage, printCalendarPage } from './calendar-page';
import { benchDatabases, type BenchDatabase } from './bench-databases';
import { BENCH_ACCOUNT, benchSeed } from './bench-seed';
import { measureConvergence, printConvergence, type MoveFigures } from './convergence';
import { measureDelivery, printDelivery, type DeliveryFigures } from './delivery';
import { measureScheduling, printScheduling, type SchedulingFigures } from './scheduling';
import { healthOnly, measureHealth, printHealth, type HealthFigures } from './health';
import { measurePushLatency, printPushLatency, type PushLatencyFigures } from './push-latency';
import { measureSchedulingGrid, printSchedulingGrid } from './scheduling-grid';

const SIZES = [2_000, 10_000];
/** Google's largest page, for speed; and a small one, so both sizes span several pages and the
 * memory comparison is like for like (at most two pages are held: one written, one read ahead). */
const PAGE_SIZES = [2_500, 500];
const MB = 1024 * 1024;
const WARM_UP_EVENTS = 1_000;

interface ImportFigures {
  database: string;
  pageSize: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakHeapMb: number;
  peakRssMb: number;
}

interface WriteFigures {
  database: string;
  events: number;
  eventsPerSecond: number;
  bareValuesPerSecond: number;
  bareRecordsetPerSecond: number;
}

interface CallFigures {
  database: string;
  incrementalNoChange: number;
  feedRead: number;
}

async function main(): Promise<void> {
  if (process.argv.includes('--only=delivery')) return deliveryOnly();
  if (process.argv.includes('--only=convergence')) return convergenceOnly();
  if (process.argv.includes('--only=calendar-page')) return printCalendarPage(await measureCalendarPage());
  if (process.argv.includes('--only=scheduling')) return schedulingOnly();
  if (process.argv.includes('--only=scheduling-grid'))
    return printSchedulingGrid(await measureSchedulingGrid());
  if (process.argv.includes('--only=health')) return healthOnly();
  if (process.argv.includes('--only=bulk-add')) return bulkAddOnly();
  const emulator = await startEmulatorProcess();
  const imports: ImportFigures[] = [];
  const calls: CallFigures[] = [];
  const writes: WriteFigures[] = [];
  const pushes: PushLatencyFigures[] = [];
  const targets = benchDatabases();
  try {
    for (const target of targets) {
      await warmUp(target, emulator);
      for (const [pageSize, size] of PAGE_SIZES.flatMap((pageSize) =>
        SIZES.map((size) => [pageSize, size] as const),
      )) {
        const { handle, drop } = await target.open();
        try {
          const run = await importOnce(handle, emulator, size, pageSize);
          imports.push({ database: target.name, pageSize, ...run.figures });
          console.log(
            `${target.name}: imported ${size} events in pages of ${pageSize} in ${run.figures.seconds.toFixed(2)} s`,
          );
          if (size === SIZES.at(-1) && pageSize === PAGE_SIZES[0]) {
            calls.push({ database: target.name, ...(await countProviderCalls(run.deps, run.ids, emulator)) });
            writes.push({ database: target.name, ...(await mirrorWriteRate(handle, run.deps, run.ids)) });
          }
        } finally {
          await handle.close();
          await drop();
        }
      }
    }
  } finally {
    emulator.stop();
  }
  // After the imports, with the import emulator gone: the push bench runs its own emulator in-process.
  for (const target of targets) pushes.push(await measurePushLatency(target));
  const deliveries: DeliveryFigures[] = [];
  for (const target of targets) deliveries.push(await measureDelivery(target));
  const moves: MoveFigures[] = [];
  for (const target of targets) moves.push(...(await measureConvergence(target)));
  const scheduling: SchedulingFigures[] = [];
  for (const target of targets) scheduling.push(await measureScheduling(target));
  const health: HealthFigures[] = [];
  for (const target of targets) health.push(...(await measureHealth(target)));
  printSummary(imports, writes, calls);
  printPushLatency(pushes);
  printDeliveries(deliveries);
  printConvergence(moves);
  printCalendarPage(await measureCalendarPage());
  printScheduling(scheduling);
  printSchedulingGrid(await measureSchedulingGrid());
  printHealth(health);
  if (calls.some((row) => row.incrementalNoChange !== 1 || row.feedRead !== 0)) process.exitCode = 1;
}

async function schedulingOnly(): Promise<void> {
  const rows: SchedulingFigures[] = [];
  for (const target of benchDatabases()) rows.push(await measureScheduling(target));
  printScheduling(rows);
}

async function convergenceOnly(): Promise<void> {
  const moves: MoveFigures[] = [];
  for (const target of benchDatabases()) moves.push(...(await measureConvergence(target)));
  printConvergence(moves);
}

async function deliveryOnly(): Promise<void> {
  const deliveries: DeliveryFigures[] = [];
  for (const target of benchDatabases()) deliveries.push(await measureDelivery(target));
  printDeliveries(deliveries);
}

function printDeliveries(rows: DeliveryFigures[]): void {
  printDelivery({
    sends: rows.flatMap((row) => row.sends),
    answers: rows.flatMap((row) => row.answers),
    calls: rows.flatMap((row) => row.calls),
  });
}

/**
 * One untimed import first, so that the first measured size does not also pay for loading and
 * compiling the code paths (and the database's first queries); otherwise 2,000 events look slower
 * per event than 10,000.
 */
async function warmUp(target: BenchDatabase, emulator: EmulatorProcess): Promise<void> {
  const { handle, drop } = await target.open();
  try {
    await importOnce(handle, emulator, WARM_UP_EVENTS, PAGE_SIZES.at(-1) ?? 500);
  } finally {
    await handle.close();
    await drop();
  }
}

interface EmulatorProcess {
  url: string;
  control(path: string, init?: RequestInit): Promise<unknown>;
  stop(): void;
}

async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/google-emulator-process.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator process exited (${code})`)));
  });
  const { url } = JSON.parse(firstLine) as { url: string };
  return {
    url,
    async control(path, init) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json' },
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    stop: () => child.stdin.end(),
  };
}

async function importOnce(handle: DatabaseHandle, emulator: EmulatorProcess, size: number, pageSize: number) {
  await emulator.control('/__control/seed', { method: 'POST', body: JSON.stringify(benchSeed(size)) });
  const tokens = (await emulator.control('/__control/google/tokens', {
    method: 'POST',
    body: JSON.stringify({ email: BENCH_ACCOUNT, scope: TESTBED_SCOPE, clientId: TESTBED_CLIENT.clientId }),
  })) as { access_token: string; refresh_token?: string; expires_in: number; scope: string };
  const registry = createEmulatorRegistry({ google: { url: emulator.url }, pageSize });
  const deps: SyncDeps = {
    db: handle.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 90, futureDays: 365 },
  };
  const { tenantId, userIds } = await provisionTenant(handle.db, {
    name: 'Bench',
    slug: `bench-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      {
        email: 'learner@bench.test',
        name: 'Bench Learner',
        role: 'learner',
        permissions: [],
        timeZone: 'Europe/London',
        passwordHash: 'unused',
      },
    ],
  });
  const userId = userIds.get('learner@bench.test') ?? '';
  const connection = await insertTestConnection(handle.db, registry, {
    tenantId,
    userId,
    provider: 'google',
    accountEmail: BENCH_ACCOUNT,
    credentials: oauthCredentials({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
      expiresAt: new Date(Date.now() + tokens.expires_in * 1000),
      scope: tokens.scope,
    }),
  });
  const { calendarIds } = await refreshCalendarList(deps, { tenantId, connectionId: connection.id });
  const calendarId = calendarIds[0] ?? '';

  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  }, 5);
  const started = performance.now();
  const result = await syncCalendar(deps, { tenantId, calendarId });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  peakRss = Math.max(peakRss, usage.rss);
  if (result.upserted !== size) console.warn(`expected ${size} events, imported ${result.upserted}`);
  return {
    deps,
    ids: { tenantId, userId, calendarId },
    figures: {
      events: result.upserted,
      seconds,
      eventsPerSecond: result.upserted / seconds,
      peakHeapMb: (peakHeap - baseline.heapUsed) / MB,
      peakRssMb: peakRss / MB,
    },
  };
}

async function countProviderCalls(
  deps: SyncDeps,
  ids: { tenantId: string; userId: string; calendarId: string },
  emulator: EmulatorProcess,
) {
  const calls = async (work: () => Promise<unknown>) => {
    await emulator.control('/__control/requests', { method: 'DELETE' });
    await work();
    const counts = (await emulator.control('/__control/requests')) as { total: number };
    return counts.total;
  };
  const incrementalNoChange = await calls(() =>
    syncCalendar(deps, { tenantId: ids.tenantId, calendarId: ids.calendarId }),
  );
  const actor = await findActor(deps.db, { userId: ids.userId, tenantId: ids.tenantId });
  if (!actor) throw new Error('bench actor missing');
  const weekStart = new Date(Date.now() - 3 * 86_400_000);
  const feedRead = await calls(() =>
    readCalendarFeed(deps.db, actor, { from: weekStart, to: new Date(weekStart.getTime() + 7 * 86_400_000) }),
  );
  return { incrementalNoChange, feedRead };
}

/** Rounds of each write measurement, interleaved so that load from elsewhere hits all alike; the best counts. */
const WRITE_ROUNDS = 3;

/**
 * The sync engine's own share: the same events, already read from the provider, written into a
 * fresh calendar's mirror page by page (upserts, then the sweep), without the emulator's time;
 * and, in the same rounds, the bare inserts of the same rows into the same table (bare-insert.ts).
 */
async function mirrorWriteRate(
  handle: DatabaseHandle,
  deps: SyncDeps,
  ids: { tenantId: string; calendarId: string },
) {
  const [source] = await deps.db.select().from(calendars).where(eq(calendars.id, ids.calendarId));
  if (!source) throw new Error('bench calendar missing');
  const provider = await deps.providers.forConnection(
    deps.db,
    (
      await deps.db.select().from(calendarConnections).where(eq(calendarConnections.id, source.connectionId))
    )[0]!,
  );
  const pages: EventChange[][] = [];
  for await (const page of provider.readChanges(
    source.externalId,
    null,
    syncWindowAt(deps.now(), deps.window),
  ))
    pages.push(page.changes);
  let copies = 0;
  const freshCalendar = async () => {
    copies += 1;
    const [copy] = await deps.db
      .insert(calendars)
      .values({
        tenantId: ids.tenantId,
        connectionId: source.connectionId,
        externalId: `${source.externalId}#copy${copies}`,
        name: `Bench copy ${copies}`,
      })
      .returning();
    return copy?.id ?? '';
  };
  const timed = async (work: () => Promise<void>) => {
    const started = performance.now();
    await work();
    return (performance.now() - started) / 1000;
  };
  const bare = bareInserts(handle);
  const best = { mirror: Infinity, values: Infinity, recordset: Infinity };
  let events = 0;
  for (let round = 0; round < WRITE_ROUNDS; round += 1) {
    const target = {
      tenantId: ids.tenantId,
      calendarId: await freshCalendar(),
      generation: 1,
      syncedAt: new Date(),
    };
    let written = 0;
    best.mirror = Math.min(
      best.mirror,
      await timed(async () => {
        for (const changes of pages) written += (await applyChanges(deps.db, target, changes)).upserted;
        await sweepUnseenEvents(deps.db, target);
      }),
    );
    events = written;
    // The rows the mirror wrote, converted outside the timing: the bare inserts get them ready-made.
    for (const kind of ['values', 'recordset'] as const) {
      const bareTarget = { ...target, calendarId: await freshCalendar() };
      const rows = pages.map((changes) =>
        changes.flatMap((change) =>
          change.type === 'upsert' ? [toMirrorRow(bareTarget, change.event)] : [],
        ),
      );
      best[kind] = Math.min(
        best[kind],
        await timed(async () => {
          for (const page of rows) await bare[kind](page);
        }),
      );
    }
  }
  return {
    events,
    eventsPerSecond: events / best.mirror,
    bareValuesPerSecond: events / best.values,
    bareRecordsetPerSecond: events / best.recordset,
  };
}

function printSummary(imports: ImportFigures[], writes: WriteFigures[], calls: CallFigures[]): void {
  console.log(
    '\n(a) Initial import from the Google emulator into the mirror (end to end, emulator included)',
  );
  console.table(
    imports.map((row) => ({
      database: row.database,
      'page size': row.pageSize,
      events: row.events,
      seconds: Number(row.seconds.toFixed(2)),
      'events/s': Math.round(row.eventsPerSecond),
      'peak heap above start (MB)': Number(row.peakHeapMb.toFixed(1)),
      'peak RSS (MB)': Number(row.peakRssMb.toFixed(0)),
    })),
  );
  for (const database of new Set(imports.map((row) => row.database))) {
    for (const pageSize of PAGE_SIZES) {
      const [small, large] = SIZES.map((size) =>
        imports.find((row) => row.database === database && row.pageSize === pageSize && row.events === size),
      );
      if (!small || !large) continue;
      console.log(
        `${database}, pages of ${pageSize}: ${large.events / small.events}× the events → peak heap ×${(large.peakHeapMb / small.peakHeapMb).toFixed(2)}, ` +
          `events/s ×${(large.eventsPerSecond / small.eventsPerSecond).toFixed(2)}`,
      );
    }
  }
  console.log(
    `\nMirror writes alone (pages already read; what the sync engine itself costs), against bare inserts of the same rows into the same table (best of ${WRITE_ROUNDS} interleaved rounds)`,
  );
  console.table(
    writes.map((row) => {
      const bare = Math.max(row.bareValuesPerSecond, row.bareRecordsetPerSecond);
      return {
        database: row.database,
        events: row.events,
        'mirror events/s': Math.round(row.eventsPerSecond),
        'bare VALUES, 1,000 rows a statement': Math.round(row.bareValuesPerSecond),
        'bare jsonb_to_recordset, a page a statement': Math.round(row.bareRecordsetPerSecond),
        'mirror ÷ faster bare (goal ≥ 0.5)': Number((row.eventsPerSecond / bare).toFixed(2)),
        ...(row.database === 'PostgreSQL'
          ? { 'goal ≥ 5,000 events/s': row.eventsPerSecond >= 5000 ? 'met' : 'NOT met' }
          : {}),
      };
    }),
  );
  console.log('\n(b) Provider calls (emulator request counters)');
  console.table(
    calls.map((row) => ({
      database: row.database,
      'incremental sync, no change (goal 1)': row.incrementalNoChange,
      'Calendar feed read (goal 0)': row.feedRead,
    })),
  );
}

await main();
