import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { E2E_GOOGLE_URL, E2E_MICROSOFT_URL } from './fixtures';

/** The Monday of this week in London: the seed and the Calendar page's week view both start there. */
export function thisWeekIn(zone = 'Europe/London'): DateTime {
  return DateTime.now().setZone(zone).startOf('week');
}

export async function openCalendarSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendars' }).click();
  await expect(page.getByRole('heading', { name: 'Account settings · Calendars', level: 1 })).toBeVisible();
}

export async function openCalendarPage(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Calendar', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Calendar', level: 1 })).toBeVisible();
}

/** Connects an emulated Google account the way a person does: the link, then the consent page. */
export async function connectGoogle(page: Page, account: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('link', { name: 'Google Calendar' })
    .click();
  await expect(page.getByRole('heading', { name: 'Choose an account' })).toBeVisible();
  await page.getByRole('button', { name: new RegExp(`\\(${account.replaceAll('.', '\\.')}\\)`) }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Google Calendar is connected' })).toBeVisible();
}

export const MICROSOFT = 'Microsoft Outlook';

/**
 * Connects an emulated Microsoft account the way a person does: the link, then the emulator's
 * "Pick an account" page; returns once the connection is made, before its first sync ends.
 */
export async function connectMicrosoft(page: Page, account: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('link', { name: MICROSOFT })
    .click();
  await expect(page.getByRole('heading', { name: 'Pick an account' })).toBeVisible();
  await page.getByRole('button', { name: new RegExp(account.replaceAll('.', '\\.')) }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MICROSOFT} is connected` })).toBeVisible();
}

/** An event of someone's Outlook calendar as Graph's calendarView gives it (the fields the specs read). */
export interface OutlookEvent {
  id: string;
  subject: string;
  isCancelled?: boolean;
  start: { dateTime: string; timeZone: string };
  responseStatus: { response: string };
}

/** Someone's own Outlook calendar between two instants, read as their mail client would. */
export async function outlookCalendarView(
  graph: APIRequestContext,
  token: string,
  from: DateTime,
  to: DateTime,
): Promise<OutlookEvent[]> {
  const window = new URLSearchParams({
    startDateTime: from.toUTC().toISO() ?? '',
    endDateTime: to.toUTC().toISO() ?? '',
  });
  const response = await graph.get(`${E2E_MICROSOFT_URL}/v1.0/me/calendarView?${window.toString()}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { value: OutlookEvent[] }).value;
}

/** The connection's card in "Your connections". */
export function connectionCard(page: Page, provider: string) {
  return page
    .getByRole('region', { name: 'Your connections' })
    .getByRole('article', { name: new RegExp(provider) });
}

export async function expectUpToDate(page: Page, provider: string): Promise<void> {
  await expect(
    connectionCard(page, provider).getByText(/Status: Up to date — last synced at \d/),
  ).toBeVisible({ timeout: 60_000 });
}

/** Creates an event in an emulated Google calendar through the API, as another app of the user's would. */
export async function createGoogleEvent(
  request: APIRequestContext,
  account: string,
  event: { title: string; start: DateTime; minutes: number; location?: string },
): Promise<void> {
  const grant = await request.post(`${E2E_GOOGLE_URL}/__control/google/tokens`, { data: { email: account } });
  expect(grant.ok()).toBe(true);
  const { access_token: token } = (await grant.json()) as { access_token: string };
  const created = await request.post(`${E2E_GOOGLE_URL}/calendar/v3/calendars/primary/events`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      summary: event.title,
      location: event.location,
      start: { dateTime: event.start.toISO(), timeZone: event.start.zoneName },
      end: { dateTime: event.start.plus({ minutes: event.minutes }).toISO(), timeZone: event.start.zoneName },
    },
  });
  expect(created.status()).toBe(200);
}
