/**
 * Issue 13, "Speed": the Scheduling Assistant's grid with 31 rows × 5 days, drawn in Chromium.
 * The real AvailabilityGrid (bench/scheduling-grid-harness.tsx, bundled by esbuild as a production
 * build) in Debian's Chromium through Playwright; time to interactive from the Performance API
 * marks the page sets (React render start → every row's blocks painted and the main thread free),
 * and one arrow-key move redrawn across every row. The first load is reported on its own (cold:
 * nothing compiled yet); goal p95 < 1 s. Prints; asserts nothing.
 */
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';

const SAMPLES = 15;
const ORIGIN = 'http://grid-bench.test';

interface PageFigures {
  tti: number;
  move: number;
  rows: number;
  blocks: number;
}

const FIGURES_IN_PAGE = `(() => {
  const measure = (start, end) => {
    const [from] = performance.getEntriesByName(start);
    const [to] = performance.getEntriesByName(end);
    return from && to ? to.startTime - from.startTime : Number.NaN;
  };
  return {
    tti: measure('grid:start', 'grid:interactive'),
    move: measure('slot:keydown', 'slot:drawn'),
    rows: document.querySelectorAll('.fc-timeline-body .fc-timeline-lane[data-resource-id]').length,
    blocks: document.querySelectorAll('.fc-timeline-body .avail').length,
  };
})()`;

export interface GridFigures {
  rows: number;
  days: number;
  blocks: number;
  coldMs: number;
  ttiP50: number;
  ttiP95: number;
  moveP50: number;
  moveP95: number;
  load: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function bundle(): Promise<{ js: string; css: string }> {
  const result = await build({
    entryPoints: ['bench/scheduling-grid-harness.tsx'],
    bundle: true,
    write: false,
    outdir: 'bench-out',
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const text = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

export async function measureSchedulingGrid(): Promise<GridFigures> {
  const { js, css } = await bundle();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Grid bench</title>
<link rel="stylesheet" href="/grid.css"></head><body><div id="root"></div><script type="module" src="/grid.js"></script></body></html>`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const tti: number[] = [];
  const moves: number[] = [];
  let rows = 0;
  let blocks = 0;
  try {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      timezoneId: 'Europe/London',
    });
    await context.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/grid.js') return route.fulfill({ body: js, contentType: 'text/javascript' });
      if (path === '/grid.css') return route.fulfill({ body: css, contentType: 'text/css' });
      return route.fulfill({ body: html, contentType: 'text/html' });
    });
    for (let sample = 0; sample <= SAMPLES; sample += 1) {
      const page = await context.newPage();
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction('window.benchDone === true', undefined, { timeout: 30_000 });
      // A string, not a function: tsx would add its name helpers, which the page does not have.
      const figures = (await page.evaluate(FIGURES_IN_PAGE)) as PageFigures;
      await page.close();
      rows = figures.rows;
      blocks = figures.blocks;
      tti.push(figures.tti);
      moves.push(figures.move);
    }
  } finally {
    await browser.close();
  }
  const [coldMs = Number.NaN, ...warm] = tti;
  return {
    rows,
    days: 5,
    blocks,
    coldMs,
    ttiP50: percentile(warm, 50),
    ttiP95: percentile(warm, 95),
    moveP50: percentile(moves.slice(1), 50),
    moveP95: percentile(moves.slice(1), 95),
    load: loadavg()[0] ?? 0,
  };
}

export function printSchedulingGrid(figures: GridFigures): void {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log('\nScheduling Assistant grid in Chromium (31 people × 5 days; goal: interactive < 1 s)');
  console.log(
    `  ${figures.rows} rows (All attendees + people), ${figures.blocks} blocks drawn; ${SAMPLES} loads after a cold one`,
  );
  console.log(
    `  time to interactive: cold ${ms(figures.coldMs)}, p50 ${ms(figures.ttiP50)}, p95 ${ms(figures.ttiP95)}`,
  );
  // The machine's load while measuring: on a shared machine the figures scale with it.
  console.log(`  load average while measuring: ${figures.load.toFixed(1)} (cores shared)`);
  console.log(
    `  arrow-key move redrawn on every row: p50 ${ms(figures.moveP50)}, p95 ${ms(figures.moveP95)}`,
  );
}
