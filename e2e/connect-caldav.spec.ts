import { expect } from '@playwright/test';
import { basicAuth, startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import {
  connectionCard,
  expectUpToDate,
  openCalendarPage,
  openCalendarSettings,
  thisWeekIn,
} from './connections-support';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Connections School',
  calendarIntegrationEnabled: true,
  people: { tutor: { name: 'Theo Tutor', role: 'tutor' } },
});

const account = { username: 'theo', password: 'radicale-e2e-password' };
let radicale: RadicaleServer;

/** An event on Thursday of this week, 11:00–11:30 in London, written as UTC. */
function dentistEvent(): string {
  const start = thisWeekIn().plus({ days: 3, hours: 11 }).toUTC();
  const stamp = (value: typeof start) => value.toFormat("yyyyLLdd'T'HHmmss'Z'");
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem e2e//EN',
    'BEGIN:VEVENT',
    'UID:e2e-dentist@tandem.test',
    `DTSTAMP:${stamp(start)}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(start.plus({ minutes: 30 }))}`,
    'SUMMARY:Dentist',
    'LOCATION:High Street Dental',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

test.beforeAll(async () => {
  radicale = await startRadicale({ users: [{ ...account, calendars: ['work'] }] });
  const put = await fetch(`${radicale.calendarUrl(account.username, 'work')}dentist.ics`, {
    method: 'PUT',
    headers: { authorization: basicAuth(account), 'content-type': 'text/calendar; charset=utf-8' },
    body: dentistEvent(),
  });
  expect(put.status).toBe(201);
});

test.afterAll(async () => {
  await radicale?.close();
});

test('a tutor connects a CalDAV server and sees its events, then disconnects it', async ({
  page,
  tenant,
}) => {
  await signIn(page, tenant.people.tutor.email);
  await openCalendarSettings(page);
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('button', { name: 'CalDAV' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Connect a CalDAV server' });
  await dialog.getByLabel('Server URL').fill(radicale.url);
  await dialog.getByLabel('User name').fill(account.username);
  await dialog.getByLabel('Password').fill('not-the-password');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/refused the user name or password/);
  await expectAccessible(page);

  await dialog.getByLabel('Password').fill(account.password);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await expectUpToDate(page, 'CalDAV');
  await expect(connectionCard(page, 'CalDAV').getByRole('group', { name: 'work' })).toBeVisible();
  await expectAccessible(page);

  await openCalendarPage(page);
  const dentist = page.getByRole('button', { name: /Dentist · work/ });
  await expect(dentist).toBeVisible();
  await expectAccessible(page);
  await dentist.click();
  const details = page.getByRole('dialog', { name: 'Dentist' });
  await expect(details.getByText('High Street Dental')).toBeVisible();
  await expect(details.getByText(/11:00–11:30 \(Europe\/London\)/)).toBeVisible();
  await page.keyboard.press('Escape');

  await openCalendarSettings(page);
  await connectionCard(page, 'CalDAV')
    .getByRole('button', { name: /^Disconnect/ })
    .click();
  const confirm = page.getByRole('dialog', { name: /^Disconnect/ });
  await expect(confirm.getByText(/Your Tandem meetings and tasks stay as they are/)).toBeVisible();
  await confirm.getByRole('button', { name: 'Disconnect' }).click();
  await expect(page.getByText('You have not connected any calendars.')).toBeVisible();
  await openCalendarPage(page);
  await expect(page.getByRole('button', { name: /Dentist/ })).toHaveCount(0);
});
