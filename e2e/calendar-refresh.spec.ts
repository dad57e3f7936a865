import { expect, type Page } from '@playwright/test';
import { thisWeekIn } from './connections-support';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

/*
 * Issue 16: a refresh that finds nothing changed redraws nothing (the grid counts its event
 * mounts in `data-event-mounts`; React's commits are counted through the hook its developer tools
 * use, which production builds call too), the now line is the page's own (FullCalendar's redrew
 * every event once a minute), a change made elsewhere shows without a reload (pushed over
 * /api/calendar/changes), and a crowded day stays short in Month view and whole in List view.
 */
const test = testWithTenant({
  name: 'E2E Calendar Speed Academy',
  people: { learner: { name: 'Lou Learner', role: 'learner' } },
});

/** A task as the signed-in person, through the API (superjson on the wire). */
async function createTask(page: Page, title: string, dueAt: Date): Promise<void> {
  const response = await page.request.post('/api/trpc/tasks.create', {
    data: {
      json: { title, dueAt: dueAt.toISOString(), durationMinutes: 30 },
      meta: { values: { dueAt: ['Date'] } },
    },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** Counts React commits (any component rendering anything) in `window.__reactCommits`. */
function countReactCommits(): void {
  const counted = window as unknown as { __reactCommits: number; __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown };
  counted.__reactCommits = 0;
  counted.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: () => {
      counted.__reactCommits += 1;
    },
  };
}

const reactCommits = (page: Page) =>
  page.evaluate(() => (window as unknown as { __reactCommits: number }).__reactCommits);

const eventMounts = async (page: Page) =>
  Number(await page.locator('[data-event-mounts]').getAttribute('data-event-mounts'));

test('an unchanged refresh mounts no event again; a change made elsewhere is pushed to the page', async ({
  page,
  tenant,
}) => {
  // Fake timers that run in real time, so the test can jump past the slow poll.
  await page.clock.install();
  await page.addInitScript(countReactCommits);
  await signIn(page, tenant.people.learner.email);
  const wednesday = thisWeekIn().plus({ days: 2, hours: 10 });
  await createTask(page, 'Draft the essay', wednesday.toJSDate());
  await createTask(page, 'Read chapter 2', wednesday.plus({ hours: 2 }).toJSDate());
  await page.reload();
  // Prefetched with the page: drawn on mount.
  const draft = page.getByRole('button', { name: /Task: Draft the essay/ });
  await expect(draft).toBeVisible();
  await expect(page.getByRole('button', { name: /Task: Read chapter 2/ })).toBeVisible();
  const drawn = await eventMounts(page);
  expect(drawn).toBeGreaterThanOrEqual(2);

  expect(await reactCommits(page)).toBeGreaterThan(0);
  const commits = await reactCommits(page);

  // The slow poll asks with the version it holds and is told "unchanged": nothing is mounted again,
  // and nothing on the page renders (the answer keeps the held data, and no observer is told).
  const polled = page.waitForResponse(
    (response) => response.url().includes('/api/trpc/calendar.feed') && response.request().method() === 'GET',
  );
  await page.clock.fastForward('01:05');
  expect(await (await polled).text()).toContain('"unchanged":true');
  // Time for the answer to reach React, were it to render anything (counted, not timed).
  await page.waitForTimeout(1_000);
  expect(await reactCommits(page)).toBe(commits);
  // Opening and closing an item redraws nothing either.
  await draft.click();
  await expect(page.getByRole('dialog', { name: 'Draft the essay' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await eventMounts(page)).toBe(drawn);

  // Made outside this page (as another tab or a sync would): shown without a reload or a poll.
  await createTask(page, 'Book the tutorial', wednesday.plus({ hours: 4 }).toJSDate());
  await expect(page.getByRole('button', { name: /Task: Book the tutorial/ })).toBeVisible({
    timeout: 15_000,
  });
  expect(await eventMounts(page)).toBeGreaterThan(drawn);
});

test('the now line sits in today’s column at the time, and moves with the minutes', async ({
  page,
  tenant,
}) => {
  // Wednesday of this week, 11:30 in the learner's zone (London, as the tenant's people are).
  const wednesday = thisWeekIn().plus({ days: 2, hours: 11, minutes: 30 });
  await page.clock.install({ time: wednesday.toJSDate() });
  await signIn(page, tenant.people.learner.email);
  // Every hour shown, so the line is drawn whatever the working day.
  await page.getByRole('button', { name: 'Whole day' }).click();
  const line = page.locator('[data-now-line]');
  await expect(line).toHaveCount(1);
  await expect(page.locator('.fc-timegrid-col.fc-day-today [data-now-line]')).toHaveCount(1);
  await expect(line).toHaveAttribute('style', /top: 47\.91/);
  // At the top edge of the 11:30 slot (the column spans the hours shown, every slot as tall).
  const top = async (selector: string) => (await page.locator(selector).boundingBox())?.y ?? NaN;
  const slotTop = await top('td.fc-timegrid-slot-lane[data-time="11:30:00"]');
  expect(Math.abs((await top('[data-now-line]')) - slotTop)).toBeLessThan(3);
  const drawn = await eventMounts(page);

  await page.clock.fastForward('01:30:00');
  await expect(line).toHaveAttribute('style', /top: 54\.16/);
  expect(await eventMounts(page)).toBe(drawn);
  // Not in Month view; back in its place in Week view.
  await page.getByRole('button', { name: 'Month', exact: true }).click();
  await expect(line).toHaveCount(0);
  await page.getByRole('button', { name: 'Week', exact: true }).click();
  await expect(page.locator('.fc-timegrid-col.fc-day-today [data-now-line]')).toHaveCount(1);
});

test('a crowded day shows "+N more" in Month view, reachable by keyboard, and every item in List view', async ({
  page,
  tenant,
}) => {
  await signIn(page, tenant.people.learner.email);
  const thursday = thisWeekIn().plus({ days: 3, hours: 9 });
  const titles = ['One', 'Two', 'Three', 'Four', 'Five', 'Six'].map((word) => `Crowded ${word}`);
  for (const [index, title] of titles.entries()) {
    await createTask(page, title, thursday.plus({ minutes: 30 * index }).toJSDate());
  }
  await page.reload();
  await page.getByRole('button', { name: 'Month', exact: true }).click();
  const more = page.getByText('+3 more', { exact: true });
  await expect(more).toBeVisible();
  await expect(page.getByRole('button', { name: /Task: Crowded/ })).toHaveCount(3);
  await expectAccessible(page);
  // By keyboard: "+3 more" opens that day, which shows all six; each opens by Enter.
  await page.getByRole('button', { name: '+3 more' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Day', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByRole('button', { name: /Task: Crowded/ })).toHaveCount(6);
  await page.getByRole('button', { name: /Task: Crowded Six/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Crowded Six' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'List', exact: true }).click();
  for (const title of titles) await expect(page.getByText(`Task: ${title}`, { exact: true })).toBeVisible();
});
