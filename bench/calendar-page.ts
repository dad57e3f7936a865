/**
 * The Calendar page in a browser (issue 16): Debian's Chromium through Playwright against a
 * production build (`next build`, `next start`) on PostgreSQL (DATABASE_URL, else the local
 * server at 127.0.0.1:5432), a database of its own, seeded with learners whose current week holds
 * 100 and 1,000 items (calendar-page-seed.ts). Medians of several runs, for each size:
 *   navigation → events painted, and → main thread idle (last long task over);
 *   click on an event → dialog painted; an unchanged refresh (the poll, fast-forwarded with
 *   Playwright's clock): main-thread time and events mounted again; Month view: click → painted,
 *   its tallest row and DOM size; JS heap after a GC; the feed's bytes, whole and "unchanged".
 * `npm run bench -- --only=calendar-page`; `--skip-build` reuses an existing `.next` build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { firstCalendarRange } from '../src/components/calendar/first-range';
import { generateKeySpec, parseKeyRing } from '../src/server/crypto/secrets';
import { openFreshPostgres } from './bench-databases';
import { seedPageBenchLearner, PAGE_BENCH_ZONE, type SeededLearner } from './calendar-page-seed';
import {
  eventsPaintedProbe,
  measureClick,
  measureMonth,
  settle,
  type ProbeWindow,
} from './calendar-page-probes';

const SIZES = [100, 1_000];
export const PORT = Number(process.env.PAGE_BENCH_PORT ?? 3290);
const APP_URL = `http://127.0.0.1:${PORT}`;
const RUNS = { navigation: 7, click: 7, month: 5, refresh: 3 };

export interface PageFigures {
  events: number;
  navigationPaintedMs: number;
  navigationIdleMs: number;
  clickMs: number;
  refreshMainThreadMs: number;
  /** The same window without a refresh (timers, the now indicator): what the page costs idle. */
  idleMainThreadMs: number;
  refreshEventMounts: number;
  monthMs: number;
  monthTallestRowPx: number;
  monthDomNodes: number;
  /** Items Month view built, and how many of them are hidden behind "+N more". */
  monthEvents: number;
  monthHiddenEvents: number;
  weekDomNodes: number;
  heapMb: number;
  feedKb: number;
  /** Exact, so two builds compare byte for byte (the seeded week is the same). */
  feedBytes: number;
  /** The server's HTML for /calendar, the dehydrated first feed included. */
  htmlBytes: number;
  unchangedFeedBytes: number;
}

export async function measureCalendarPage(): Promise<PageFigures[]> {
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const keySpec = generateKeySpec('pagebench');
  const database = await openFreshPostgres(baseUrl);
  const learners: SeededLearner[] = [];
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    for (const size of SIZES)
      learners.push(await seedPageBenchLearner(database.handle.db, parseKeyRing(keySpec), size));
    await database.handle.close();
    const env = appEnv(database.url, keySpec);
    if (!process.argv.includes('--skip-build') || !existsSync('.next/BUILD_ID')) build(env);
    server = await startApp(env);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const figures: PageFigures[] = [];
    for (const learner of learners) {
      figures.push(await measureLearner(browser, learner));
      console.log(`calendar page: measured ${learner.events} events`);
    }
    return figures;
  } finally {
    await browser?.close();
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
    await database.drop();
  }
}

/** What `next start` needs in production (src/env.ts); mail and jobs are not used by reads. */
export function appEnv(databaseUrl: string, keySpec: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: `page-bench-${crypto.randomUUID()}`,
    TANDEM_ENCRYPTION_KEYS: keySpec,
    SMTP_URL: 'smtp://127.0.0.1:9',
    APP_URL,
    NEXT_TELEMETRY_DISABLED: '1',
  };
}

function build(env: NodeJS.ProcessEnv): void {
  console.log('calendar page: next build (a few minutes)…');
  const result = spawnSync('npx', ['next', 'build'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`next build failed (${result.status})`);
}

export async function startApp(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn('npx', ['next', 'start', '--port', String(PORT), '--hostname', '127.0.0.1'], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 120; attempt += 1) {
    try {
      if ((await fetch(`${APP_URL}/sign-in`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('next start did not answer');
}

export async function newSignedInContext(browser: Browser, learner: SeededLearner, fakeClock = false) {
  const context = await browser.newContext({
    baseURL: APP_URL,
    viewport: { width: 1400, height: 1000 },
    timezoneId: PAGE_BENCH_ZONE,
    locale: 'en-GB',
  });
  if (fakeClock) await context.clock.install();
  // tsx (esbuild, keepNames) wraps named functions in `__name(…)`; the page needs the helper too.
  await context.addInitScript({ content: 'window.__name = (target) => target;' });
  await context.addInitScript(eventsPaintedProbe);
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(learner.email);
  await page.getByLabel('Password').fill(learner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
  await settle(page);
  return { context, page };
}

async function measureLearner(browser: Browser, learner: SeededLearner): Promise<PageFigures> {
  const { context, page } = await newSignedInContext(browser, learner);
  const painted: number[] = [];
  const idle: number[] = [];
  for (let run = 0; run < RUNS.navigation; run += 1) {
    await page.goto('/calendar');
    const times = await page.evaluate(() => (window as unknown as ProbeWindow).__tandemPaint);
    await settle(page);
    const lastLongTask = await page.evaluate(
      () => (window as unknown as ProbeWindow).__tandemLastLongTaskEnd,
    );
    painted.push(times);
    idle.push(Math.max(times, lastLongTask));
  }
  const weekDomNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const clicks: number[] = [];
  for (let run = 0; run < RUNS.click; run += 1) clicks.push(await measureClick(page));
  const months: Awaited<ReturnType<typeof measureMonth>>[] = [];
  for (let run = 0; run < RUNS.month; run += 1) {
    await page.goto('/calendar');
    await page.evaluate(() => (window as unknown as ProbeWindow).__tandemPaint);
    await settle(page);
    months.push(await measureMonth(page));
  }
  const feed = await feedBytes(page);
  await context.close();
  const refresh = await measureRefresh(browser, learner);
  return {
    events: learner.events,
    navigationPaintedMs: median(painted),
    navigationIdleMs: median(idle),
    clickMs: median(clicks),
    ...refresh,
    monthMs: median(months.map((month) => month.ms)),
    monthTallestRowPx: Math.max(...months.map((month) => month.tallestRowPx)),
    monthDomNodes: median(months.map((month) => month.domNodes)),
    monthEvents: median(months.map((month) => month.events)),
    monthHiddenEvents: median(months.map((month) => month.hiddenEvents)),
    weekDomNodes,
    heapMb: heap.usedSize / 1024 / 1024,
    ...feed,
  };
}

/** Main-thread time (CDP TaskDuration) around the slow poll, fast-forwarded; and a window without it. */
async function measureRefresh(browser: Browser, learner: SeededLearner) {
  const { context, page } = await newSignedInContext(browser, learner, true);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
  };
  // NaN where the page does not count them (the code before issue 16).
  const mounts = () =>
    page.evaluate(() =>
      Number(document.querySelector('[data-event-mounts]')?.getAttribute('data-event-mounts')),
    );
  const polled = () =>
    page.waitForResponse(
      (response) =>
        response.url().includes('/api/trpc/calendar.feed') && response.request().method() === 'GET',
    );
  // Windows of equal length (the bell's 10 s polls fall in both), in step with the 60 s poll: the
  // first poll sets the phase; then 28 s without a poll, then 31 s holding the next one.
  const first = polled();
  await page.clock.fastForward('01:01');
  await first;
  await page.waitForTimeout(1_500);
  const refreshes: number[] = [];
  const idles: number[] = [];
  let mounted = 0;
  for (let run = 0; run < RUNS.refresh; run += 1) {
    const idleStart = await taskSeconds();
    await page.clock.fastForward('00:28');
    await page.waitForTimeout(1_500);
    idles.push((await taskSeconds()) - idleStart);
    const before = await mounts();
    const start = await taskSeconds();
    const answered = polled();
    await page.clock.fastForward('00:31');
    await answered;
    await page.waitForTimeout(1_500);
    refreshes.push((await taskSeconds()) - start);
    mounted += (await mounts()) - before;
  }
  await context.close();
  return {
    refreshMainThreadMs: median(refreshes) * 1000,
    idleMainThreadMs: median(idles) * 1000,
    refreshEventMounts: mounted,
  };
}

/**
 * The week's feed as the page first gets it (its range: the seeded Monday-to-Monday week), the
 * answer to a refresh holding its version, and the page's HTML with that feed dehydrated in it.
 */
async function feedBytes(page: Page) {
  const range = firstCalendarRange(new Date(), PAGE_BENCH_ZONE);
  const [from, to] = [range.from.toISOString(), range.to.toISOString()];
  const get = async (input: Record<string, unknown>) => {
    const json = encodeURIComponent(
      JSON.stringify({ json: input, meta: { values: { from: ['Date'], to: ['Date'] } } }),
    );
    return page.request.get(`/api/trpc/calendar.feed?input=${json}`);
  };
  const whole = await get({ from, to });
  const body = await whole.body();
  const version = (JSON.parse(body.toString()) as { result: { data: { json: { version: string } } } }).result
    .data.json.version;
  const unchanged = await (await get({ from, to, knownVersion: version })).body();
  const html = await (await page.request.get('/calendar')).body();
  return {
    feedKb: body.length / 1024,
    feedBytes: body.length,
    htmlBytes: html.length,
    unchangedFeedBytes: unchanged.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function printCalendarPage(figures: PageFigures[]): void {
  const [small, large] = figures;
  const rows: [string, (row: PageFigures) => number, string][] = [
    ['navigation → events painted (ms, median)', (row) => row.navigationPaintedMs, '< 1,000 to interactive'],
    ['navigation → main thread idle (ms, median)', (row) => row.navigationIdleMs, '< 1,000'],
    ['click on an event → dialog painted (ms, median)', (row) => row.clickMs, '< 100'],
    [
      'unchanged refresh: main thread (ms, median)',
      (row) => row.refreshMainThreadMs,
      '< 10 (idle window subtracted)',
    ],
    ['  same window, no refresh (ms, median)', (row) => row.idleMainThreadMs, ''],
    ['unchanged refreshes: events mounted again', (row) => row.refreshEventMounts, '0'],
    ['Month view: click → painted (ms, median)', (row) => row.monthMs, ''],
    ['Month view: tallest row (px)', (row) => row.monthTallestRowPx, ''],
    ['Month view: DOM nodes', (row) => row.monthDomNodes, ''],
    ['Month view: items built', (row) => row.monthEvents, ''],
    ['  of which hidden behind "+N more"', (row) => row.monthHiddenEvents, ''],
    ['Week view: DOM nodes', (row) => row.weekDomNodes, ''],
    ['JS heap after GC (MB)', (row) => row.heapMb, ''],
    ['week feed (KB)', (row) => row.feedKb, ''],
    ['week feed (bytes)', (row) => row.feedBytes, ''],
    ['server HTML of /calendar (bytes)', (row) => row.htmlBytes, ''],
    ['unchanged refresh answer (bytes)', (row) => row.unchangedFeedBytes, ''],
  ];
  console.log('\nCalendar page (issue 16): production build, PostgreSQL, Chromium');
  console.table(
    rows.map(([label, value, goal]) => {
      const a = small ? value(small) : NaN;
      const b = large ? value(large) : NaN;
      return {
        figure: label,
        [`${small?.events ?? '?'} events`]: Number(a.toFixed(1)),
        [`${large?.events ?? '?'} events`]: Number(b.toFixed(1)),
        ratio: a > 0 ? Number((b / a).toFixed(2)) : '—',
        goal,
      };
    }),
  );
}
