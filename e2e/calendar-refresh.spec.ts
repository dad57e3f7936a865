import { expect, type Page } from '@playwright/test';
import { thisWeekIn } from './connections-support';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

/*
 * Issue 16: a refresh that finds nothing changed redraws nothing (the grid counts its event
 * mounts in `data-event-mounts`), a change made elsewhere shows without a reload (pushed over
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

const eventMounts = async (page: Page) =>
  Number(await page.locator('[data-event-mounts]').getAttribute('data-event-mounts'));

test('an unchanged refresh mounts no event again; a change made elsewhere is pushed to the page', async ({
  page,
  tenant,
}) => {
  // Fake timers that run in real time, so the test can jump past the slow poll.
  await page.clock.install();
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

  // The slow poll asks with the version it holds and is told "unchanged": nothing is mounted again.
  const polled = page.waitForResponse(
    (response) => response.url().includes('/api/trpc/calendar.feed') && response.request().method() === 'GET',
  );
  await page.clock.fastForward('01:05');
  expect(await (await polled).text()).toContain('"unchanged":true');
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
  // By keyboard: the link opens the day's popover, which lists all six; each opens by Enter.
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /Task: Crowded/ })).toHaveCount(3 + 6);
  await page.getByRole('button', { name: /Task: Crowded Six/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Crowded Six' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'List', exact: true }).click();
  for (const title of titles) await expect(page.getByText(`Task: ${title}`, { exact: true })).toBeVisible();
});
