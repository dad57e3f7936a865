import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { signIn as signInToMicrosoft } from '@/emulators/microsoft/test-client';
import {
  connectGoogle,
  createGoogleEvent,
  expectUpToDate,
  openCalendarSettings,
} from './connections-support';
import { E2E_MICROSOFT_AUTHORITY_URL, E2E_MICROSOFT_URL } from './fixtures';
import { waitForEmail } from './mail-inbox';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * Issue 13 through the real pages: a tutor puts three learners on the Scheduling Assistant's grid
 * — one on Google, one on Outlook.com (both through the emulators), one with no calendar — sees
 * their busy time (never their titles) and why there is no information for the third, explores
 * and picks a suggested time with the keyboard alone; the meeting form warns when a time clashes
 * and takes the next free one it offers; the meeting is sent and the learner receives it.
 */
const SAM_GOOGLE = 'sam.taylor@gmail.test';
const AISHA_OUTLOOK = 'aisha.khan@outlook.test';
const MICROSOFT = 'Microsoft Outlook';

const test = testWithTenant({
  name: 'E2E Scheduling College',
  calendarIntegrationEnabled: true,
  people: {
    tutor: { name: 'Tara Tutor', role: 'tutor' },
    sam: { name: 'Sam Taylor', role: 'learner' },
    aisha: { name: 'Aisha Khan', role: 'learner' },
    noah: { name: 'Noah Williams', role: 'learner' },
  },
});

// Thursday of the week after next in London: in the future, inside the mirror's window, and clear
// of the emulators' seeded events and of the days other specs write to.
const thursday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 2, days: 3 });
const spokenDay = thursday.setLocale('en-GB').toFormat('cccc d LLLL');

/** An event in the learner's own Outlook.com calendar, made as their mail app would (Graph). */
async function createOutlookEvent(
  request: APIRequestContext,
  account: string,
  event: { title: string; start: DateTime; minutes: number },
): Promise<void> {
  const { access_token: token } = await signInToMicrosoft(E2E_MICROSOFT_AUTHORITY_URL, account);
  const wall = (at: DateTime) => at.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  const created = await request.post(`${E2E_MICROSOFT_URL}/v1.0/me/events`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      subject: event.title,
      start: { dateTime: wall(event.start), timeZone: 'Europe/London' },
      end: { dateTime: wall(event.start.plus({ minutes: event.minutes })), timeZone: 'Europe/London' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
}

async function connectOutlook(page: Page, account: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('link', { name: MICROSOFT })
    .click();
  await expect(page.getByRole('heading', { name: 'Pick an account' })).toBeVisible();
  await page.getByRole('button', { name: new RegExp(account.replaceAll('.', '\\.')) }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MICROSOFT} is connected` })).toBeVisible();
}

/** Tabs forward (keyboard only) until the control named `name` has the focus. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let presses = 0; presses < 60; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '',
    );
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

// Under E2E_NEXT_DEV=1, `next dev` compiles each page on its first visit; on a loaded machine that can outlast an
// expectation's timeout, so the pages this spec visits are compiled before it starts.
test.beforeAll(async ({ request }) => {
  test.setTimeout(300_000);
  for (const path of ['/sign-in', '/calendar', '/settings/calendars', '/scheduling'])
    await request.get(path, { timeout: 240_000, maxRedirects: 0 });
});

test('a tutor sees three learners’ availability, picks a suggested time with the keyboard and sends it', async ({
  page,
  playwright,
  tenant,
}) => {
  // Two learners connect calendars through consent pages, then the whole flow: a long test.
  test.setTimeout(300_000);
  const { tutor, sam, aisha, noah } = tenant.people;
  const title = `Progress review ${Date.now().toString(36)}`;
  const emulators = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  await createGoogleEvent(emulators, SAM_GOOGLE, {
    title: 'Hospital appointment',
    start: thursday.set({ hour: 10 }),
    minutes: 60,
  });
  await createOutlookEvent(emulators, AISHA_OUTLOOK, {
    title: 'Driving lesson',
    start: thursday.set({ hour: 13 }),
    minutes: 60,
  });
  await emulators.dispose();

  // Two learners connect their calendars; the third has none.
  await signIn(page, sam.email);
  await openCalendarSettings(page);
  await connectGoogle(page, SAM_GOOGLE);
  await expectUpToDate(page, 'Google Calendar');
  await signOut(page);
  await signIn(page, aisha.email);
  await openCalendarSettings(page);
  await connectOutlook(page, AISHA_OUTLOOK);
  await expectUpToDate(page, MICROSOFT);
  await signOut(page);

  await signIn(page, tutor.email);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Scheduling Assistant' })
    .click();
  await expect(page.getByRole('heading', { name: 'Scheduling Assistant', level: 1 })).toBeVisible();
  for (const learner of [sam, aisha, noah]) {
    await page.getByLabel('Find a learner or colleague').fill(learner.name.split(' ')[0] ?? '');
    await page.getByRole('button', { name: `Add ${learner.name}` }).click();
    await expect(
      page.getByRole('list', { name: 'Attendees' }).getByRole('button', { name: `Remove ${learner.name}` }),
    ).toBeVisible();
  }

  // Suggested times for that Thursday, asked for and chosen with the keyboard only.
  await page.getByLabel('From').fill(thursday.toISODate() ?? '');
  await page.getByLabel('To').fill(thursday.toISODate() ?? '');
  // (Tab inside a date input moves between its day, month and year, so start from the button.)
  await page.getByRole('button', { name: 'Find times' }).focus();
  await page.keyboard.press('Enter');
  const suggestions = page.getByRole('list', { name: 'Suggested times' });
  await expect(suggestions.getByRole('button').first()).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const first = suggestions.getByRole('button').first();
  await expect(first).toHaveAttribute('aria-pressed', 'true');
  const picked = /^(\w+ \d+ \w+, \d\d:\d\d to \d\d:\d\d)/.exec((await first.textContent()) ?? '')?.[1] ?? '';
  expect(picked.startsWith(spokenDay), `${picked} is on ${spokenDay}`).toBe(true);
  const live = page.locator('[aria-live="polite"]').filter({ hasText: /^Picked / });
  await expect(live).toContainText(`Picked ${picked}`);

  // The grid shows that Thursday: busy blocks without titles, and why Noah's time is unknown.
  const grid = page.getByRole('application', { name: 'Availability grid: choose a time' });
  await expect(grid.getByText('Busy', { exact: true }).first()).toBeVisible();
  await expect(grid.getByText('No information — no calendar connected').first()).toBeVisible();
  await expect(page.getByText('Hospital appointment')).toHaveCount(0);
  await expect(page.getByText('Driving lesson')).toHaveCount(0);
  await expectAccessible(page);
  // The README's picture of the grid (set E2E_SCREENSHOTS=1 to refresh docs/screenshots/).
  if (process.env.E2E_SCREENSHOTS === '1')
    await page.screenshot({ path: 'docs/screenshots/scheduling-assistant.png', fullPage: true });

  // On the grid the arrow keys walk the day; the busy blocks are where the learners' events are.
  await tabTo(page, /^Availability grid/);
  const cursor = page.locator('[aria-live="polite"]').filter({ hasText: spokenDay });
  await page.keyboard.press('Home');
  await expect(cursor).toContainText(`${spokenDay}, 08:00 to 09:00`);
  for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowRight');
  await expect(cursor).toContainText(
    `${spokenDay}, 10:00 to 11:00: Sam Taylor busy, Tara Tutor no information (no calendar connected), Noah Williams no information (no calendar connected); 1 free`,
  );
  for (let step = 0; step < 6; step += 1) await page.keyboard.press('ArrowRight');
  await expect(cursor).toContainText(`${spokenDay}, 13:00 to 14:00: Aisha Khan busy`);

  // Back to the suggestion, Enter, then Send: the meeting form, filled in.
  for (let presses = 0; presses < 20; presses += 1) {
    await page.keyboard.press('Shift+Tab');
    if (await first.evaluate((button) => button === document.activeElement)) break;
  }
  await page.keyboard.press('Enter');
  await expect(live).toContainText(`Picked ${picked}`);
  await tabTo(page, /^Send$/);
  await page.keyboard.press('Enter');
  const form = page.getByRole('dialog', { name: 'New meeting' });
  await expect(form).toBeVisible();
  for (const learner of [sam, aisha, noah])
    await expect(form.getByRole('checkbox', { name: new RegExp(learner.name) })).toBeChecked();
  const [, from, to] = /(\d\d:\d\d) to (\d\d:\d\d)/.exec(picked) ?? [];
  await expect(form.getByLabel('Date')).toHaveValue(thursday.toISODate() ?? '');
  await expect(form.getByLabel('Start time')).toHaveValue(from ?? '');
  await expect(form.getByLabel('End time')).toHaveValue(to ?? '');

  // The form warns when the time clashes for someone: moved onto Sam's appointment, it says so
  // and offers the next time everyone is free; taking it moves the meeting there.
  await form.getByLabel('Start time').fill('10:00');
  await form.getByLabel('End time').fill('11:00');
  const clash = form.getByRole('status').filter({ hasText: 'Sam Taylor is busy then.' });
  await expect(clash).toBeVisible();
  const offer = clash.getByRole('button', { name: /^Use the next free time: / });
  const [, offeredDay, offeredTime] =
    /: (\w+ \d+ \w+), (\d\d:\d\d)$/.exec((await offer.textContent()) ?? '') ?? [];
  expect(offeredDay, 'the next free time is that Thursday').toBe(spokenDay);
  expect(
    offeredTime !== undefined && offeredTime >= '11:00',
    `${offeredTime} is after Sam's appointment`,
  ).toBe(true);
  await offer.click();
  await expect(form.getByLabel('Start time')).toHaveValue(offeredTime ?? '');
  await expect(form.getByLabel('Date')).toHaveValue(thursday.toISODate() ?? '');
  await expect(form.getByRole('status').filter({ hasText: /is busy then/ })).toHaveCount(0);

  await form.getByLabel('Title').focus();
  await page.keyboard.type(title);
  await page.keyboard.press('Enter');
  await expect(form).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `“${title}” sent` })).toBeVisible();

  // Noah, with no calendar, receives the invitation by email.
  await waitForEmail(noah.email, title);

  // Usable on a phone: the page does not scroll sideways; the grid's rows do, under its header.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Scheduling Assistant', level: 1 })).toBeVisible();
  await expect(page.getByText('People', { exact: true }).last()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const rowsScroll = await page
    .locator('.fc-timeline-body')
    .first()
    .evaluate((body) => {
      const scroller = body.closest('.fc-scroller');
      return scroller ? scroller.scrollWidth > scroller.clientWidth : false;
    });
  expect(rowsScroll).toBe(true);
  await expectAccessible(page);
});
