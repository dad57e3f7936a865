/**
 * Where the Calendar page's time goes (issue 16): one learner with `--events=N` items (1,000 by
 * default) on a production build, as calendar-page.ts measures it, and for one navigation after two
 * warm-ups: the navigation timing (server answer, HTML bytes, DOM ready, events painted) and
 * Chromium's CPU profile, summed per function (self time) and per script. `--month` profiles the
 * click on Month instead. The profile is written to the temporary directory (open it in
 * Chromium's DevTools, Performance panel). Run with `--skip-build` after `npm run bench` built `.next`:
 *   node --import tsx bench/calendar-page-profile.ts --events=1000
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { generateKeySpec, parseKeyRing } from '../src/server/crypto/secrets';
import { openFreshPostgres } from './bench-databases';
import { appEnv, newSignedInContext, startApp } from './calendar-page';
import { measureMonth, settle, type ProbeWindow } from './calendar-page-probes';
import { seedPageBenchLearner } from './calendar-page-seed';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];

async function main() {
  const events = Number(argument('events') ?? 1_000);
  const keySpec = generateKeySpec('pageprofile');
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
    const { context, page } = await newSignedInContext(browser, learner);
    for (let warm = 0; warm < 2; warm += 1) {
      await page.goto('/calendar');
      await settle(page);
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const month = process.argv.includes('--month');
    let timing: Record<string, number> = {};
    if (month) {
      await page.goto('/calendar');
      await settle(page);
      await cdp.send('Profiler.start');
      timing = { monthMs: (await measureMonth(page)).ms };
    } else {
      await cdp.send('Profiler.start');
      await page.goto('/calendar');
      const painted = await page.evaluate(() => (window as unknown as ProbeWindow).__tandemPaint);
      timing = await page.evaluate((paintedMs) => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        const scripts = performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('.js')) as PerformanceResourceTiming[];
        return {
          requestStart: nav?.requestStart ?? NaN,
          responseStart: nav?.responseStart ?? NaN,
          responseEnd: nav?.responseEnd ?? NaN,
          htmlKb: (nav?.decodedBodySize ?? NaN) / 1024,
          domInteractive: nav?.domInteractive ?? NaN,
          domContentLoadedEnd: nav?.domContentLoadedEventEnd ?? NaN,
          lastScriptEnd: Math.max(0, ...scripts.map((entry) => entry.responseEnd)),
          painted: paintedMs,
        };
      }, painted);
    }
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const file = join(tmpdir(), `calendar-page-${events}${month ? '-month' : ''}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`CPU profile: ${file}`);
    console.log(`${events} events`, month ? 'Month click' : 'navigation', timing);
    summarise(profile);
    if (!month) {
      await browser.startTracing(page, { categories: ['devtools.timeline'] });
      await page.goto('/calendar');
      await settle(page);
      summariseTrace(await browser.stopTracing());
    }
    await context.close();
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await database.drop();
  }
}

/** Self time per function and per script, the largest first. */
function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perFunction = new Map<string, number>();
  const perScript = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const script = node.callFrame.url.split('/').pop() || '(native)';
    const name = `${node.callFrame.functionName || '(anonymous)'} ${script}:${node.callFrame.lineNumber}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + ms);
    perScript.set(script, (perScript.get(script) ?? 0) + ms);
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  console.table(top(perScript, 12));
  console.table(top(perFunction, 30));
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  args?: { name?: string };
}

/** The renderer main thread's time per kind of work (Layout, style, script…), nested ones included. */
function summariseTrace(buffer: Buffer) {
  const { traceEvents } = JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] };
  const main = traceEvents.find(
    (event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  );
  const perName = new Map<string, number>();
  for (const event of traceEvents) {
    if (event.tid !== main?.tid || event.ph !== 'X' || !event.dur) continue;
    perName.set(event.name, (perName.get(event.name) ?? 0) + event.dur / 1000);
  }
  console.table(
    [...perName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, ms]) => ({ name, ms: Math.round(ms) })),
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
