import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { E2E_PASSWORD } from './fixtures';

export async function signIn(page: Page, email: string, password = E2E_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The first sign-in of a run also compiles the Calendar page in `next dev`: slow on a loaded machine.
  await expect(page.getByRole('heading', { name: 'Calendar', level: 1 })).toBeVisible({ timeout: 90_000 });
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Tandem' })).toBeVisible();
}

/** No serious or critical WCAG violations on what the page shows now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    blocking.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

/**
 * Clicks an empty time slot the way a person does: in the column of the day (by its header) at
 * the height of the time (by its label on the axis), until the "New item" form opens. A click that
 * lands while the calendar is still laying out (hydration, a refetch redrawing the week) is lost,
 * as it would be for a person, who clicks again: so does this, re-measuring the slot each time.
 */
export async function clickTimeSlot(page: Page, dayLabel: string, time: string): Promise<void> {
  const form = page.getByRole('dialog', { name: 'New item' });
  await expect(async () => {
    const timeLabel = page.getByText(time, { exact: true }).first();
    await timeLabel.scrollIntoViewIfNeeded();
    const header = await page.getByRole('columnheader', { name: dayLabel }).boundingBox();
    const label = await timeLabel.boundingBox();
    if (!header || !label) throw new Error(`No slot for ${dayLabel} ${time} on screen`);
    await page.mouse.click(header.x + header.width / 2, label.y + 6);
    await expect(form).toBeVisible({ timeout: 8_000 });
  }).toPass({ timeout: 60_000 });
}
