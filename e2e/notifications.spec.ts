import { expect } from '@playwright/test';
import { DateTime } from 'luxon';
import { clickTimeSlot, expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Notifications College',
  people: {
    tutor: { name: 'Nia Tutor', role: 'tutor' },
    learner: { name: 'Sam Taylor', role: 'learner' },
  },
});

// Next week's Thursday in London: free and in the future whatever today is.
const thursday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 3 });
const dayLabel = thursday.toFormat('LLLL d, yyyy');
const title = `Weekly check-in ${Date.now().toString(36)}`;

test('a learner’s answer reaches the tutor’s bell, which opens the meeting and marks all as read', async ({
  page,
  tenant: { people },
}) => {
  await signIn(page, people.tutor.email);
  await expect(page.getByRole('button', { name: 'Notifications, none unread' })).toBeVisible();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await clickTimeSlot(page, dayLabel, '10:00');
  const form = page.getByRole('dialog', { name: 'New item' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('checkbox', { name: new RegExp(people.learner.name) }).check();
  await form.getByRole('button', { name: 'Send meeting' }).click();
  await expect(form).toBeHidden();
  await signOut(page);

  // The learner's bell has the invitation; its link opens the meeting, wherever the calendar is.
  await signIn(page, people.learner.email);
  const learnerBell = page.getByRole('button', { name: 'Notifications, 1 unread' });
  await learnerBell.click();
  await page.getByRole('link', { name: new RegExp(`You are invited to ${title}`) }).click();
  const details = page.getByRole('dialog', { name: title });
  await expect(details.getByText('Your answer: No response yet')).toBeVisible();
  await details.getByRole('button', { name: 'Decline' }).click();
  await expect(details.getByRole('heading', { name: 'Your answer: Declined' })).toBeVisible();
  // Opening it marked it read (the header is hidden from the accessibility tree while the dialog is open).
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Notifications, none unread' })).toBeVisible();
  await signOut(page);

  await signIn(page, people.tutor.email);
  const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
  await expect(bell).toBeVisible();
  await bell.click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  const item = panel.getByRole('link', {
    name: new RegExp(`Unread: ${people.learner.name} declined ${title}`),
  });
  await expect(item).toBeVisible();
  await expectAccessible(page);
  await panel.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(page.getByRole('button', { name: 'Notifications, none unread' })).toBeVisible();
  await expect(
    panel.getByRole('link', { name: new RegExp(`^${people.learner.name} declined ${title}`) }),
  ).toBeVisible();
  // Keyboard: Escape closes the panel and gives focus back to the bell.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(page.getByRole('button', { name: 'Notifications, none unread' })).toBeFocused();

  // The tutor sees the answer on the meeting, with where it was given.
  await page.getByRole('button', { name: 'Notifications, none unread' }).click();
  await panel.getByRole('link', { name: new RegExp(`declined ${title}`) }).click();
  const meeting = page.getByRole('dialog', { name: title });
  await expect(meeting.getByLabel(`${people.learner.name}: Declined`)).toBeVisible();
  await expect(meeting.getByText(/^in Tandem/)).toBeVisible();
});

test('notification choices save in Account settings', async ({ page, tenant: { people } }) => {
  await signIn(page, people.tutor.email);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Notifications' });
  const answersByEmail = section.getByRole('checkbox', {
    name: 'Someone answers a meeting I organised: by email',
  });
  const invitationsInTandem = section.getByRole('checkbox', {
    name: 'Someone invites me to a meeting or review: in Tandem',
  });
  await expect(answersByEmail).not.toBeChecked();
  await expect(invitationsInTandem).toBeChecked();
  await expectAccessible(page);
  // Server-controlled boxes: click, then wait for the saved state.
  await answersByEmail.click();
  await expect(section.getByText('Your notification choices are saved.')).toBeVisible();
  await expect(answersByEmail).toBeChecked();
  await invitationsInTandem.click();
  await expect(invitationsInTandem).not.toBeChecked();
  await page.reload();
  await expect(answersByEmail).toBeChecked();
  await expect(invitationsInTandem).not.toBeChecked();
});
