import { expect, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { answerLinkKey, createAnswerToken } from '@/server/answers/answer-token';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Answer Links Academy',
  people: {
    tutor: { name: 'Tess Tutor', role: 'tutor' },
    learner: { name: 'Luca Learner', role: 'learner' },
  },
});

/** The app's AUTH_SECRET in the e2e run (playwright.config.ts): answer links are signed with a key from it. */
const E2E_AUTH_SECRET = 'e2e-only-secret-0123456789abcdef0123456789';

interface AttendeeView {
  id: string;
  userId: string | null;
  response: string;
  respondedVia: string | null;
  comment: string | null;
}

/** A tRPC mutation as the signed-in person (superjson on the wire). */
async function mutate<T>(page: Page, path: string, json: unknown, dates: string[]): Promise<T> {
  const meta = { values: Object.fromEntries(dates.map((key) => [key, ['Date']])) };
  const response = await page.request.post(`/api/trpc/${path}`, { data: { json, meta } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** A tRPC query as the signed-in person. */
async function query<T>(page: Page, path: string, json: unknown): Promise<T> {
  const input = encodeURIComponent(JSON.stringify({ json }));
  const response = await page.request.get(`/api/trpc/${path}?input=${input}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

test('an invitee answers by the email link without signing in; opening it changes nothing', async ({
  page,
  browser,
  tenant: { tenantId, people },
}) => {
  await signIn(page, people.tutor.email);
  const start = DateTime.now().setZone('Europe/London').startOf('day').plus({ days: 3, hours: 11 });
  const meeting = await mutate<{ id: string; attendees: AttendeeView[] }>(
    page,
    'meetings.create',
    {
      title: 'Portfolio review',
      startsAt: start.toUTC().toISO(),
      endsAt: start.plus({ minutes: 45 }).toUTC().toISO(),
      timeZone: 'Europe/London',
      location: 'Room 7',
      attendeeUserIds: [people.learner.userId],
    },
    ['startsAt', 'endsAt'],
  );
  const attendee = meeting.attendees[0];
  const token = createAnswerToken(
    answerLinkKey(E2E_AUTH_SECRET),
    { tenantId, meetingId: meeting.id, attendeeId: attendee?.id ?? '' },
    new Date(Date.now() + 7 * 86_400_000),
  );

  // The invitee's browser: no session at all.
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(`/answer/${token}?response=declined`);
  await expect(guest.getByRole('heading', { name: 'Portfolio review', level: 1 })).toBeVisible();
  await expect(guest.getByText('Tess Tutor')).toBeVisible();
  await expect(guest.getByRole('radio', { name: 'Decline' })).toBeChecked();
  await expectAccessible(guest);
  const unchanged = await query<{ attendees: AttendeeView[] }>(page, 'meetings.get', { id: meeting.id });
  expect(unchanged.attendees[0]?.response).toBe('needs_action');

  await guest.getByLabel('Comment (optional)').fill('I have an exam that morning');
  await guest.getByRole('button', { name: 'Send my answer' }).click();
  await expect(guest.getByRole('status')).toHaveText(/You declined/);
  await expectAccessible(guest);
  const answered = await query<{ attendees: AttendeeView[] }>(page, 'meetings.get', { id: meeting.id });
  expect(answered.attendees[0]).toMatchObject({
    response: 'declined',
    respondedVia: 'email_link',
    comment: 'I have an exam that morning',
  });

  await guest.goto(`/answer/${token.slice(0, -4)}AAAA`);
  await expect(guest.getByRole('main').getByRole('alert')).toHaveText(/This answer link is not valid/);
  await expectAccessible(guest);
});
