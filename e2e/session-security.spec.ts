import { expect } from '@playwright/test';
import { signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Session College',
  people: { learner: { name: 'Leo Learner', role: 'learner' } },
});

test('pages carry the security headers, and the app runs under its CSP', async ({ page, tenant }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/sign-in');
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  await signIn(page, tenant.people.learner.email);
  await page.goto('/settings/calendars');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
});

test('signing out ends the session: the old cookie is refused afterwards', async ({
  page,
  browser,
  tenant,
}) => {
  await signIn(page, tenant.people.learner.email);
  const cookies = await page.context().cookies();
  await signOut(page);
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const stolen = await replay.newPage();
  await stolen.goto('/calendar');
  await expect(stolen.getByRole('heading', { name: 'Sign in to Tandem' })).toBeVisible();
  await replay.close();
});

test('repeated wrong passwords are throttled with a plain message', async ({ page }) => {
  // An address nobody has: the message must be the same as for a real account.
  const email = `nobody-${Date.now().toString(36)}@session-security.e2e.test`;
  const submit = async (password: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    // The form posts a server action to the page itself; wait for its answer before reading the message.
    const answered = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().includes('/sign-in'),
    );
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await answered;
  };
  await page.goto('/sign-in');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await submit(`wrong-${attempt}`);
    await expect(page.getByText('The email or password is incorrect.')).toBeVisible();
  }
  await submit('wrong-again');
  await expect(page.getByText('Too many attempts. Try again in 1 minute.')).toBeVisible();
});
