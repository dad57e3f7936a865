/**
 * `npm run screenshots`: refreshes the README's pictures from a running demo
 * (start it with `npm run demo`; BASE_URL defaults to http://127.0.0.1:3000).
 */
import { chromium, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../src/server/demo/accounts';

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

async function signedIn(email: string, waitForMeetings = true): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1100 },
    timezoneId: 'Europe/London',
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
  if (waitForMeetings)
    await page
      .getByRole('button', { name: /Weekly check-in|Interview practice|Induction/ })
      .first()
      .waitFor();
  return page;
}

try {
  const tutor = await signedIn('tutor1@northbridge.test');
  await tutor.screenshot({
    // Playwright's hidden caret is a style on every input; mid-hydration React reports it as a mismatch.
    caret: 'initial',
    path: 'docs/screenshots/calendar-tutor.png',
    clip: { x: 0, y: 0, width: 1400, height: 1000 },
  });
  await tutor
    .getByRole('button', { name: /CV workshop review/ })
    .first()
    .click();
  await tutor.getByRole('dialog').waitFor();
  await tutor.screenshot({ caret: 'initial', path: 'docs/screenshots/meeting-answers.png' });

  const learner = await signedIn('learner4@northbridge.test');
  await learner
    .getByRole('button', { name: /reply needed/ })
    .first()
    .click();
  await learner.getByRole('dialog').waitFor();
  await learner.screenshot({ caret: 'initial', path: 'docs/screenshots/invitation-learner.png' });

  const admin = await signedIn('admin@northbridge.test', false);
  await admin.goto(`${baseUrl}/admin/calendar`);
  const integration = admin.getByRole('switch');
  await integration.waitFor();
  if ((await integration.getAttribute('aria-checked')) !== 'true') await integration.click();
  await admin.getByText(/On: members can connect/).waitFor();
  await admin.screenshot({ caret: 'initial', path: 'docs/screenshots/admin-calendar-integration.png' });
  // The demo sets up Northbridge's Microsoft 365 enterprise connection (its audit entry included).
  const region = (name: string | RegExp) => admin.getByRole('region', { name });
  await region('Microsoft 365 enterprise connection').screenshot({
    caret: 'initial',
    path: 'docs/screenshots/admin-enterprise-microsoft.png',
  });
  // The first row is the header; wait for the data rows.
  await region('Connection health').getByRole('row').nth(1).waitFor();
  await region('Connection health').screenshot({
    caret: 'initial',
    path: 'docs/screenshots/admin-connection-health.png',
  });
  await region('Audit log').getByRole('row').nth(1).waitFor();
  await region('Audit log').screenshot({ caret: 'initial', path: 'docs/screenshots/admin-audit-log.png' });

  // A learner connects the emulated Google account of the same name through the consent page.
  const learner1 = await signedIn('learner1@northbridge.test');
  await learner1.goto(`${baseUrl}/settings/calendars`);
  const connected = learner1.getByRole('article', { name: /Google Calendar/ });
  if ((await connected.count()) === 0) {
    await learner1
      .getByRole('region', { name: 'Connect a calendar' })
      .getByRole('link', { name: 'Google Calendar' })
      .click();
    await learner1.getByRole('button', { name: /\(learner1@northbridge\.test\)/ }).click();
  }
  await connected.getByText(/Up to date/).waitFor({ timeout: 60_000 });
  await learner1.screenshot({
    caret: 'initial',
    path: 'docs/screenshots/settings-calendars.png',
    fullPage: true,
  });
  await learner1.goto(`${baseUrl}/calendar`);
  await learner1
    .getByRole('button', { name: /GP appointment/ })
    .first()
    .waitFor();
  await learner1.screenshot({
    caret: 'initial',
    path: 'docs/screenshots/calendar-with-google.png',
    clip: { x: 0, y: 0, width: 1400, height: 1100 },
  });
  console.log('Screenshots written to docs/screenshots/.');
} finally {
  await browser.close();
}
