import type { Page } from '@playwright/test';

/** What eventsPaintedProbe leaves on `window`. */
export interface ProbeWindow {
  /** performance.now() (ms since navigation start) at the frame after the first events were drawn. */
  __tandemPaint: Promise<number>;
  /** When the last long task (≥ 50 ms) ended, so far. */
  __tandemLastLongTaskEnd: number;
}

/**
 * An init script (runs in the page before its own scripts, so it must be self-contained): notes
 * when events first appear in the grid, and when long tasks end.
 */
export function eventsPaintedProbe(): void {
  const probe = window as unknown as ProbeWindow;
  probe.__tandemLastLongTaskEnd = 0;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.__tandemLastLongTaskEnd = Math.max(
          probe.__tandemLastLongTaskEnd,
          entry.startTime + entry.duration,
        );
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long task timing: the idle figure is then the paint figure
  }
  probe.__tandemPaint = new Promise<number>((resolve) => {
    const painted = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    const drawn = () => document.querySelector('.fc-event') !== null;
    const observer = new MutationObserver(() => {
      if (!drawn()) return;
      observer.disconnect();
      painted();
    });
    const start = () => {
      if (drawn()) painted();
      else observer.observe(document.documentElement, { childList: true, subtree: true });
    };
    if (document.documentElement) start();
    else document.addEventListener('DOMContentLoaded', start);
  });
}

/** Until the events are drawn, then a quiet moment (late chunks, the first poll's timers). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as ProbeWindow).__tandemPaint);
  await page.waitForTimeout(1_500);
}

/** Click on an event (one in the middle) → its dialog painted; then closed again. */
export async function measureClick(page: Page): Promise<number> {
  const ms = await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const events = [...document.querySelectorAll<HTMLElement>('.fc-event[role=button]')];
    const target = events[Math.floor(events.length / 2)];
    if (!target) throw new Error('no event to click');
    const start = performance.now();
    target.click();
    while (!document.querySelector('[role=dialog]')) await frame();
    await frame();
    return performance.now() - start;
  });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.waitForTimeout(300);
  return ms;
}

/** Week → Month: until the month's own feed is drawn (not the week's, shown while it loads). */
export async function measureMonth(
  page: Page,
): Promise<{ ms: number; tallestRowPx: number; domNodes: number; events: number; hiddenEvents: number }> {
  return page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const busy = () => document.querySelector('[aria-busy="true"]') !== null;
    const month = [...document.querySelectorAll('button')].find((button) => button.textContent === 'Month');
    if (!month) throw new Error('no Month button');
    const start = performance.now();
    month.click();
    let seenBusy = false;
    while (!seenBusy && performance.now() - start < 2_000) {
      seenBusy = busy();
      if (!seenBusy) await frame();
    }
    while (busy() || !document.querySelector('.fc-daygrid-event')) await frame();
    await frame();
    const ms = performance.now() - start;
    const rows = [...document.querySelectorAll('.fc-daygrid-body tr')].map(
      (row) => row.getBoundingClientRect().height,
    );
    // FullCalendar builds the items behind "+N more" too, invisible: how many of the nodes they are.
    const harnesses = [
      ...document.querySelectorAll<HTMLElement>('.fc-daygrid-body .fc-daygrid-event-harness'),
    ];
    return {
      ms,
      tallestRowPx: Math.max(0, ...rows),
      domNodes: document.getElementsByTagName('*').length,
      events: harnesses.length,
      hiddenEvents: harnesses.filter((harness) => harness.style.visibility === 'hidden').length,
    };
  });
}
