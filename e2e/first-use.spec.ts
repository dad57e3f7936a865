import { expect, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { thisWeekIn } from './connections-support';
import { clickTimeSlot, expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E First Use Academy',
  people: {
    tutor: { name: 'Tara Tutor', role: 'tutor' },
    learner: { name: 'Liam Learner', role: 'learner' },
    otherLearner: { name: 'Lena Learner', role: 'learner' },
  },
});

// Next week's Thursday in London: free, in the future, and not the day meetings.spec.ts uses.
const thursday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 3 });

/** Console errors and uncaught exceptions, from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function dragEvent(page: Page, event: ReturnType<Page['getByRole']>, toTime: string): Promise<void> {
  const from = await event.boundingBox();
  const slot = await page.getByText(toTime, { exact: true }).first().boundingBox();
  if (!from || !slot) throw new Error(`Cannot drag to ${toTime}`);
  const x = from.x + from.width / 2;
  await page.mouse.move(x, from.y + 8);
  await page.mouse.down();
  await page.mouse.move(x, from.y + 30, { steps: 5 });
  await page.mouse.move(x, slot.y + 8, { steps: 10 });
  await page.mouse.up();
}

test('the sign-in page hydrates without errors: opened, redirected to, after a wrong password', async ({
  page,
  tenant,
}) => {
  const errors = collectErrors(page);
  await page.goto('/calendar');
  await expect(page.getByRole('heading', { name: 'Sign in to Tandem' })).toBeVisible();
  await page.getByLabel('Email').fill(tenant.people.learner.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The email or password is incorrect.')).toBeVisible();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(tenant.people.learner.email);
  // The form is interactive, so React has hydrated (or reported why not) by now.
  await expect(page.getByLabel('Email')).toHaveValue(tenant.people.learner.email);
  // The browser logs the refused sign-in's 200 with an error state as nothing; anything logged is a fault.
  expect(errors).toEqual([]);
});

test.describe('a UK browser', () => {
  test.use({ locale: 'en-GB' });

  test('sees day-first dates, and the week starts at the working day, the whole day a click away', async ({
    page,
    tenant,
  }) => {
    await signIn(page, tenant.people.learner.email);
    const monday = thisWeekIn();
    await expect(
      page.getByRole('columnheader').filter({ hasText: monday.toFormat('ccc dd/LL') }),
    ).toBeVisible();
    // The learner's week is empty: the grid is the default working day, 09:00–17:00.
    const grid = page.getByRole('grid').first();
    await expect(grid.getByText('09:00', { exact: true })).toBeVisible();
    await expect(grid.getByText('08:00', { exact: true })).toHaveCount(0);
    await page.getByRole('button', { name: 'Whole day' }).click();
    await expect(page.getByRole('button', { name: 'Whole day' })).toHaveAttribute('aria-pressed', 'true');
    await expect(grid.getByText('00:00', { exact: true })).toBeVisible();
    await expectAccessible(page);
  });
});

test('a date format chosen in Account settings wins over the browser’s language', async ({
  page,
  tenant,
}) => {
  // Playwright's browser asks for en-US: month first, unless the person chooses otherwise.
  await signIn(page, tenant.people.otherLearner.email);
  const monday = thisWeekIn();
  await expect(page.getByRole('columnheader').filter({ hasText: monday.toFormat('ccc L/d') })).toBeVisible();
  await page.getByRole('link', { name: 'Account settings' }).click();
  await page.getByLabel('Date format').selectOption('en-GB');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your settings are saved.' })).toBeVisible();
  await expectAccessible(page);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Calendar', exact: true })
    .click();
  await expect(
    page.getByRole('columnheader').filter({ hasText: monday.toFormat('ccc dd/LL') }),
  ).toBeVisible();
});

test.describe('on a 390 × 844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the calendar and its toolbar fit the width', async ({ page, tenant }) => {
    await signIn(page, tenant.people.tutor.email);
    await expect(page.getByRole('button', { name: 'Today' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const name of ['Previous', 'Next', 'Today', 'Month', 'Week', 'Day', 'List']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `${name} is on screen`).toBe(true);
    }
    await expectAccessible(page);
  });
});

test('a tutor is told what happened: sent, moved (after asking), and a stale edit is refused', async ({
  page,
  context,
  tenant,
}) => {
  const title = `Mock interview ${Date.now().toString(36)}`;
  const dayLabel = thursday.toFormat('LLLL d, yyyy');
  await signIn(page, tenant.people.tutor.email);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await clickTimeSlot(page, dayLabel, '10:00');
  const form = page.getByRole('dialog', { name: 'New item' });
  await expect(form.getByRole('checkbox', { name: new RegExp(tenant.people.learner.name) })).toBeVisible();
  // The organiser is never offered as their own invitee.
  await expect(form.getByRole('checkbox', { name: new RegExp(tenant.people.tutor.name) })).toHaveCount(0);
  await form.getByLabel('Title').fill(title);
  await form.getByRole('checkbox', { name: new RegExp(tenant.people.learner.name) }).check();
  await form.getByRole('button', { name: 'Send meeting' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Meeting “${title}” sent to the people invited.` }),
  ).toBeVisible();

  // A drag asks first; cancelling leaves the meeting where it was.
  const meeting = page.getByRole('button', { name: new RegExp(title) });
  await dragEvent(page, meeting, '13:00');
  const ask = page.getByRole('dialog', { name: `Move “${title}”?` });
  await expect(ask.getByText('Moving this meeting will ask everyone to answer again.')).toBeVisible();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  await meeting.click();
  await expect(page.getByRole('dialog', { name: title }).getByText(/10:00–10:30/)).toBeVisible();
  await page.keyboard.press('Escape');

  await dragEvent(page, meeting, '13:00');
  await page
    .getByRole('dialog', { name: `Move “${title}”?` })
    .getByRole('button', { name: 'Move' })
    .click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: `Moved “${title}”. Everyone invited was asked to answer again.` }),
  ).toBeVisible();
  await meeting.click();
  await expect(page.getByRole('dialog', { name: title }).getByText(/13:00–13:30/)).toBeVisible();

  // Two editors: this page opens the form, another tab saves first.
  await page.getByRole('dialog', { name: title }).getByRole('button', { name: 'Edit' }).click();
  const editing = page.getByRole('dialog', { name: title });
  await expect(editing.getByLabel('Title')).toHaveValue(title);
  const other = await context.newPage();
  await other.goto('/calendar');
  await other.getByRole('button', { name: 'Next', exact: true }).click();
  await other.getByRole('button', { name: new RegExp(title) }).click();
  await other.getByRole('dialog', { name: title }).getByRole('button', { name: 'Edit' }).click();
  await other.getByRole('dialog', { name: title }).getByLabel('Location').fill('Room 7');
  await other.getByRole('dialog', { name: title }).getByRole('button', { name: 'Save changes' }).click();
  await expect(other.getByRole('status').filter({ hasText: `Changes to “${title}” saved` })).toBeVisible();
  await other.close();

  // The change reaches this page (the change stream, then the open meeting read again): the form
  // says so and keeps what it opened with, so nothing shifts under the person typing.
  await expect(
    editing
      .getByRole('status')
      .filter({ hasText: 'This meeting was changed elsewhere after you opened it.' }),
  ).toBeVisible();
  await expect(editing.getByLabel('Location')).toHaveValue('');
  await editing.getByLabel('Location').fill('Room 9');
  await editing.getByRole('button', { name: 'Save changes' }).click();
  await expect(editing.getByRole('alert')).toContainText(
    'Someone else changed this meeting while you were editing. Reload to see their change.',
  );
  await expect(editing.getByLabel('Location')).toHaveValue('Room 9');
  await expectAccessible(page);
  await editing.getByRole('button', { name: 'Reload' }).click();
  await expect(editing.getByLabel('Location')).toHaveValue('Room 7');
  await expect(editing.getByRole('alert')).toHaveCount(0);
});
