/**
 * Where an open Calendar page's main-thread time goes between refreshes (issue 16): one learner
 * with `--events=N` items (1,000 by default) on a production build, the slow poll fast-forwarded
 * with Playwright's clock as calendar-page.ts does: pairs of windows, 28 s without a poll, then
 * 31 s holding one. For each window: main-thread time (CDP TaskDuration, wall), its CPU time
 * (the trace's thread time of the renderer's top-level tasks: not inflated by a loaded machine),
 * JS allocated (sampling heap profiler, garbage included) and how much of it FullCalendar's time
 * grid drawing its events (`renderFgSegs`), and whether a minute boundary fell in it.
 * Run after `npm run bench` built `.next`:
 *   node --import tsx bench/calendar-refresh-profile.ts --events=1000 --pairs=5
 */
import { chromium, type Page } from '@playwright/test';
import { generateKeySpec, parseKeyRing } from '../src/server/crypto/secrets';
import { openFreshPostgres } from './bench-databases';
import { appEnv, newSignedInContext, startApp } from './calendar-page';
import { seedPageBenchLearner } from './calendar-page-seed';

interface HeapNode {
  callFrame: { functionName: string };
  selfSize: number;
  children: HeapNode[];
}
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];

async function main() {
  const events = Number(argument('events') ?? 1_000);
  const pairs = Number(argument('pairs') ?? 5);
  const keySpec = generateKeySpec('refreshprofile');
  const database = await openFreshPostgres(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const learner = await seedPageBenchLearner(database.handle.db, parseKeyRing(keySpec), events);
  await database.handle.close();
  const server = await startApp(appEnv(database.url, keySpec));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const { context, page } = await newSignedInContext(browser, learner, true);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');
    const taskMs = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
    };
    const polled = () =>
      page.waitForResponse(
        (response) =>
          response.url().includes('/api/trpc/calendar.feed') && response.request().method() === 'GET',
      );
    const first = polled();
    await page.clock.fastForward('01:01');
    await first;
    await page.waitForTimeout(1_500);
    const rows = [];
    for (let window = 0; window < pairs * 2; window += 1) {
      const poll = window % 2 === 1;
      const clockStart = await fakeNow(page);
      const taskStart = await taskMs();
      await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
      await cdp.send('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      } as never);
      const answered = poll ? polled() : null;
      await page.clock.fastForward(poll ? '00:31' : '00:28');
      await answered;
      await page.waitForTimeout(1_500);
      const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
      const cpuMs = mainThreadCpuMs(await browser.stopTracing());
      const wallMs = (await taskMs()) - taskStart;
      const clockEnd = await fakeNow(page);
      const allocated = allocatedKb(profile.head);
      rows.push({
        window: poll ? 'refresh' : 'idle',
        taskDurationMs: round(wallMs),
        cpuMs: round(cpuMs),
        allocatedKb: Math.round(allocated.total),
        timeGridEventsKb: Math.round(allocated.timeGrid),
        minuteBoundary: Math.floor(clockEnd / 60_000) > Math.floor(clockStart / 60_000),
      });
    }
    console.log(`${events} events: windows of 28 s (idle) and 31 s (holding the poll), in order`);
    console.table(rows);
    for (const window of ['idle', 'refresh']) {
      const of = rows.filter((row) => row.window === window);
      console.log(
        `${window}: median task duration ${median(of.map((row) => row.taskDurationMs))} ms, CPU ${median(of.map((row) => row.cpuMs))} ms`,
      );
    }
    await context.close();
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await database.drop();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const fakeNow = (page: Page) => page.evaluate(() => Date.now());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** KB allocated in all, and under FullCalendar's time grid drawing its events. */
function allocatedKb(head: HeapNode): { total: number; timeGrid: number } {
  let total = 0;
  let timeGrid = 0;
  const walk = (node: HeapNode, inTimeGrid: boolean) => {
    const here = inTimeGrid || node.callFrame.functionName === 'renderFgSegs';
    total += node.selfSize;
    if (here) timeGrid += node.selfSize;
    for (const child of node.children) walk(child, here);
  };
  walk(head, false);
  return { total: total / 1024, timeGrid: timeGrid / 1024 };
}

/** Thread (CPU) time of the top-level tasks on the busiest renderer main thread (the page's). */
function mainThreadCpuMs(buffer: Buffer): number {
  const { traceEvents } = JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] };
  const threads = traceEvents.filter(
    (event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  );
  let best = { cpu: 0 };
  for (const thread of threads) {
    const tasks = traceEvents
      .filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && e.dur !== undefined)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    let cpu = 0;
    let end = -1;
    for (const task of tasks) {
      if (task.ts < end) continue; // nested in the task before
      end = task.ts + (task.dur ?? 0);
      cpu += (task.tdur ?? task.dur ?? 0) / 1000;
    }
    if (cpu > best.cpu) best = { cpu };
  }
  return best.cpu;
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
