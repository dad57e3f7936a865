import { expect, type Locator, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { clickTimeSlot, expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Recurring Academy',
  people: {
    tutor: { name: 'Rita Tutor', role: 'tutor' },
    learner: { name: 'Ravi Learner', role: 'learner' },
  },
});

// Next week's Tuesday in London: free and in the future whatever today is.
const tuesday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 1 });
const dayLabel = (weeksLater: number) => tuesday.plus({ weeks: weeksLater }).toFormat('LLLL d, yyyy');
const title = `Weekly check-in ${Date.now().toString(36)}`;

async function dragEvent(page: Page, event: Locator, toTime: string): Promise<void> {
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

const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();

test('a tutor makes a weekly meeting, moves one occurrence, cancels this and following', async ({
  page,
  tenant: { people },
}) => {
  await signIn(page, people.tutor.email);
  await next(page);
  await expect(page.getByRole('columnheader', { name: dayLabel(0) })).toBeVisible();

  await clickTimeSlot(page, dayLabel(0), '10:00');
  const form = page.getByRole('dialog', { name: 'New item' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('checkbox', { name: new RegExp(people.learner.name) }).check();
  // The Repeats control by keyboard: focus it, choose "Every week".
  const repeats = form.getByRole('combobox', { name: 'Repeats' });
  await repeats.focus();
  await repeats.selectOption({ label: 'Every week' });
  await form.getByRole('combobox', { name: 'Ends' }).selectOption({ label: 'After a number of times' });
  await form.getByRole('spinbutton', { name: 'Number of times' }).fill('3');
  await expectAccessible(page);
  await form.getByRole('button', { name: 'Send meeting' }).click();
  await expect(form).toBeHidden();

  const occurrence = page.getByRole('button', { name: new RegExp(title) });
  await expect(occurrence).toHaveCount(1);
  await dragEvent(page, occurrence, '12:00');
  const scope = page.getByRole('dialog', { name: `Move “${title}”?` });
  await expect(scope).toBeVisible();
  const choices = scope.getByRole('group', { name: 'Which occurrences move?' });
  await expect(choices.getByRole('radio', { name: 'This occurrence' })).toBeChecked();
  await expectAccessible(page);
  // Arrow keys move through the choices and back.
  await choices.getByRole('radio', { name: 'This occurrence' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(choices.getByRole('radio', { name: 'This and following' })).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(choices.getByRole('radio', { name: 'This occurrence' })).toBeChecked();
  await scope.getByRole('button', { name: 'Move' }).click();
  await expect(scope).toBeHidden();
  await expect(page.getByRole('status')).toContainText(`Moved “${title}”`);
  await expect(page.getByRole('button', { name: new RegExp(`12:00.*${title}`) })).toBeVisible();

  // The week after still has it at 10:00: only one occurrence moved.
  await next(page);
  await expect(page.getByRole('columnheader', { name: dayLabel(1) })).toBeVisible();
  const second = page.getByRole('button', { name: new RegExp(`10:00.*${title}`) });
  await expect(second).toBeVisible();
  await second.click();
  const details = page.getByRole('dialog', { name: title });
  await expect(details.getByText('Every week, 3 times')).toBeVisible();
  await details.getByRole('button', { name: 'Cancel meeting' }).click();
  await details
    .getByRole('group', { name: 'Cancel which occurrences?' })
    .getByRole('radio', { name: 'This and following' })
    .check();
  await expectAccessible(page);
  await details.getByRole('button', { name: 'Yes, cancel meeting' }).click();
  await expect(details).toBeHidden();
  await expect(page.getByRole('button', { name: new RegExp(title) })).toHaveCount(0);
  await next(page);
  await expect(page.getByRole('columnheader', { name: dayLabel(2) })).toBeVisible();
  await expect(page.getByRole('button', { name: new RegExp(title) })).toHaveCount(0);

  // The moved first occurrence stands.
  await page.getByRole('button', { name: 'Previous', exact: true }).click();
  await page.getByRole('button', { name: 'Previous', exact: true }).click();
  await expect(page.getByRole('button', { name: new RegExp(`12:00.*${title}`) })).toBeVisible();
});
