import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { signIn as signInToMicrosoft } from '@/emulators/microsoft/test-client';
import {
  connectGoogle,
  connectMicrosoft,
  connectionCard,
  expectUpToDate,
  MICROSOFT,
  openCalendarPage,
  openCalendarSettings,
  outlookCalendarView,
  type OutlookEvent,
} from './connections-support';
import { E2E_GOOGLE_URL, E2E_MICROSOFT_AUTHORITY_URL } from './fixtures';
import { clickTimeSlot, expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * Changes from either side converge (issue 12), end to end through the real pages: a tutor on
 * Google moves a meeting in Tandem and the learner's own Outlook.com calendar shows the new time
 * (Google's iMIP update, relayed by the mail exchange); the tutor deletes it in Google and the
 * learner sees it cancelled in Tandem and in the bell.
 */
const test = testWithTenant({
  name: 'E2E Converge College',
  calendarIntegrationEnabled: true,
  people: {
    tutor: { name: 'Mia Chen', role: 'tutor' },
    learner: { name: 'Zoe Evans', role: 'learner' },
  },
});

// Next week's Wednesday in London: in the future and inside the mirror's window whatever today is.
const wednesday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 2 });
const dayLabel = wednesday.toFormat('LLLL d, yyyy');

/** The learner's own Outlook calendar around that Wednesday. */
function outlookEvents(graph: APIRequestContext, token: string): Promise<OutlookEvent[]> {
  return outlookCalendarView(graph, token, wednesday.minus({ days: 1 }), wednesday.plus({ days: 2 }));
}

/** When a Graph event starts, as an instant (Graph gives a wall time and its zone). */
function startOf(event: OutlookEvent | undefined): number | null {
  if (!event) return null;
  const zone = event.start.timeZone === 'UTC' ? 'utc' : event.start.timeZone;
  return DateTime.fromISO(event.start.dateTime, { zone }).toMillis();
}

/** The tutor sends a meeting to the learner from a free slot on Wednesday. */
async function sendMeeting(page: Page, title: string, learnerName: string, at: string): Promise<void> {
  await openCalendarPage(page);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await clickTimeSlot(page, dayLabel, at);
  const form = page.getByRole('dialog', { name: 'New item' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('checkbox', { name: new RegExp(learnerName) }).check();
  await form.getByRole('button', { name: 'Send meeting' }).click();
  await expect(form).toBeHidden();
  await expect(page.getByRole('button', { name: new RegExp(title) })).toHaveCount(1, { timeout: 30_000 });
}

test('a tutor on Google moves a meeting in Tandem; the learner’s Outlook shows the new time', async ({
  page,
  playwright,
  tenant,
}) => {
  const { tutor, learner } = tenant.people;
  const title = `Progress review ${Date.now().toString(36)}`;
  const learnerOutlook = 'zoe.evans@outlook.test';

  await signIn(page, learner.email);
  await openCalendarSettings(page);
  await connectMicrosoft(page, learnerOutlook);
  await expectUpToDate(page, MICROSOFT);
  await expect(connectionCard(page, MICROSOFT)).toBeVisible();
  await signOut(page);

  await signIn(page, tutor.email);
  await openCalendarSettings(page);
  await connectGoogle(page, 'mia.chen@gmail.test');
  await expectUpToDate(page, 'Google Calendar');
  await sendMeeting(page, title, learner.name, '14:00');

  const graph = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const { access_token: token } = await signInToMicrosoft(E2E_MICROSOFT_AUTHORITY_URL, learnerOutlook);
  const inOutlook = async () =>
    startOf(
      (await outlookEvents(graph, token)).find((event) => event.subject === title && !event.isCancelled),
    );
  const planned = wednesday.set({ hour: 14, minute: 0 });
  await expect
    .poll(inOutlook, { timeout: 30_000, message: 'the invitation in the learner’s Outlook' })
    .toBe(planned.toMillis());

  // The tutor moves it by the form, an hour later.
  await page.getByRole('button', { name: new RegExp(title) }).click();
  await page.getByRole('dialog', { name: title }).getByRole('button', { name: 'Edit' }).click();
  const editing = page.getByRole('dialog', { name: title });
  await editing.getByLabel('Start time').fill('15:00');
  await editing.getByLabel('End time').fill('15:30');
  await expectAccessible(page);
  await editing.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Changes to “${title}” saved` })).toBeVisible();

  await expect
    .poll(inOutlook, { timeout: 30_000, message: 'the new time in the learner’s Outlook' })
    .toBe(planned.plus({ hours: 1 }).toMillis());
  // One copy, moved: not a second one beside the first.
  expect((await outlookEvents(graph, token)).filter((event) => event.subject === title)).toHaveLength(1);
  await graph.dispose();
});

test('the tutor deletes the meeting in Google; the learner sees it cancelled in Tandem and in the bell', async ({
  page,
  request,
  tenant,
}) => {
  const { tutor, learner } = tenant.people;
  const title = `Mentor check-in ${Date.now().toString(36)}`;
  const tutorGoogle = 'sam.taylor@gmail.test';

  await signIn(page, tutor.email);
  await openCalendarSettings(page);
  await connectGoogle(page, tutorGoogle);
  await expectUpToDate(page, 'Google Calendar');
  await sendMeeting(page, title, learner.name, '11:00');
  await signOut(page);

  // The tutor deletes the event in their Google Calendar, as Google's own app would.
  const grant = await request.post(`${E2E_GOOGLE_URL}/__control/google/tokens`, {
    data: { email: tutorGoogle },
  });
  expect(grant.ok()).toBe(true);
  const { access_token: googleToken } = (await grant.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${googleToken}` };
  let eventId: string | undefined;
  await expect
    .poll(
      async () => {
        const listed = await request.get(
          `${E2E_GOOGLE_URL}/calendar/v3/calendars/primary/events?${new URLSearchParams({
            q: title,
            timeMin: wednesday.toUTC().toISO() ?? '',
            timeMax: wednesday.plus({ days: 1 }).toUTC().toISO() ?? '',
          }).toString()}`,
          { headers: auth },
        );
        const items = ((await listed.json()) as { items?: { id: string; summary?: string }[] }).items ?? [];
        eventId = items.find((item) => item.summary === title)?.id;
        return eventId ?? null;
      },
      { timeout: 30_000, message: 'the meeting in the tutor’s Google Calendar' },
    )
    .not.toBeNull();
  const deleted = await request.delete(
    `${E2E_GOOGLE_URL}/calendar/v3/calendars/primary/events/${encodeURIComponent(eventId ?? '')}`,
    { headers: auth },
  );
  expect(deleted.status()).toBe(204);

  await signIn(page, learner.email);
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  const cancelledItem = panel.getByRole('link', { name: new RegExp(`${title}.* was cancelled`) });
  // Push brings the deletion within seconds; the bell shows it by the page's own refresh.
  await expect(async () => {
    await page.reload();
    await page.getByRole('button', { name: /^Notifications, / }).click();
    await expect(cancelledItem).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expectAccessible(page);
  await cancelledItem.click();
  const details = page.getByRole('dialog', { name: title });
  await expect(details.getByText('This meeting was cancelled.')).toBeVisible();
  await expectAccessible(page);
});
