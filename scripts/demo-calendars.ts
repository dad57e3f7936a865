/**
 * What `npm run demo` does once the emulators and the app answer, so the demo works without a
 * person setting it up first: each demo person with a `calendar` (src/server/demo/accounts.ts)
 * connects it through the app's own routes, as a browser would — sign in, /api/connections/…/start,
 * the emulator's consent page, the callback — and the app's jobs then import and sync it. The
 * emulators keep their grants in memory, so this runs on every start; the app stores a repeated
 * consent for the same account as a reconnect of the one connection (no duplicates).
 */
import { DEMO_PASSWORD, type DemoAccount, type DemoCalendar } from '../src/server/demo/accounts';
import type { DemoWorkspace } from '../src/server/demo/enterprise';

type Jar = Map<string, string>;

function remember(jar: Jar, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ''] = cookie.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

function cookieHeader(jar: Jar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** One request as a browser would make it: cookies for the app's origin, redirects not followed. */
async function visit(
  jar: Jar | null,
  url: string,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {},
): Promise<Response> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: jar && jar.size > 0 ? { cookie: cookieHeader(jar) } : {},
    ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
  });
  if (jar) remember(jar, response);
  return response;
}

function redirectOf(response: Response, what: string): string {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || !location)
    throw new Error(`${what} answered ${response.status} without a redirect`);
  return new URL(location, response.url).toString();
}

/** Polls until `url` answers at all (`next dev` compiles a route on its first visit). */
export async function waitUntilAnswering(url: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: 'manual' });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function signIn(appUrl: string, jar: Jar, email: string): Promise<void> {
  const csrf = await visit(jar, `${appUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const answer = await visit(jar, `${appUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    form: { email, password: DEMO_PASSWORD, csrfToken, callbackUrl: `${appUrl}/calendar` },
  });
  const next = new URL(redirectOf(answer, 'sign-in'));
  if (next.searchParams.has('error')) throw new Error(`sign-in refused (${next.searchParams.get('error')})`);
}

async function signOut(appUrl: string, jar: Jar): Promise<void> {
  const csrf = await visit(jar, `${appUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  await visit(jar, `${appUrl}/api/auth/signout`, { method: 'POST', form: { csrfToken } });
}

/** The emulator's consent page, answered by choosing `account`: returns the app's callback URL. */
async function consent(authorizationUrl: string, calendar: DemoCalendar): Promise<string> {
  const url = new URL(authorizationUrl);
  if (calendar.provider === 'google') {
    // Google's "Choose an account" form carries the pending request's id.
    const page = await visit(null, authorizationUrl);
    const html = await page.text();
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
    if (!request) throw new Error(`the Google consent page answered ${page.status} without a form`);
    const decision = await visit(null, `${url.origin}/o/oauth2/v2/auth/decision`, {
      method: 'POST',
      form: { request, account: calendar.account },
    });
    return redirectOf(decision, 'the Google consent page');
  }
  // Microsoft's "Pick an account" form posts the authorize parameters back with the account.
  const decision = await visit(null, `${url.origin}${url.pathname}`, {
    method: 'POST',
    form: { ...Object.fromEntries(url.searchParams), account: calendar.account },
  });
  return redirectOf(decision, 'the Microsoft sign-in page');
}

/** Connects one person's calendar through the app; throws with the reason when it does not. */
async function connectCalendar(appUrl: string, person: DemoAccount, calendar: DemoCalendar): Promise<void> {
  const jar: Jar = new Map();
  await signIn(appUrl, jar, person.email);
  try {
    const start = new URL(`${appUrl}/api/connections/${calendar.provider}/start`);
    if (calendar.personal) start.searchParams.set('account', 'personal');
    const authorizationUrl = redirectOf(await visit(jar, start.toString()), 'connect');
    if (authorizationUrl.startsWith(appUrl))
      throw new Error(`the app refused to start (${new URL(authorizationUrl).search})`);
    const callback = await consent(authorizationUrl, calendar);
    const settled = new URL(redirectOf(await visit(jar, callback), 'the callback'));
    if (settled.searchParams.get('connected') !== calendar.provider)
      throw new Error(`the app did not connect it (${settled.search})`);
  } finally {
    await signOut(appUrl, jar);
  }
}

/** Connects every demo person's calendar; one failure is reported and does not stop the others. */
export async function connectDemoCalendars(
  appUrl: string,
  people: DemoAccount[],
  log: (line: string) => void,
): Promise<{ connected: number; failed: number }> {
  let connected = 0;
  let failed = 0;
  for (const person of people) {
    const { calendar } = person;
    if (!calendar) continue;
    const what = `${person.name}'s ${calendar.provider === 'google' ? 'Google' : 'Microsoft'} calendar (${calendar.account})`;
    try {
      await connectCalendar(appUrl, person, calendar);
      connected += 1;
      log(`Connected ${what}.`);
    } catch (error) {
      failed += 1;
      log(`Could not connect ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { connected, failed };
}

/**
 * Tells the Google emulator what Google Cloud (the service account's public key) and the
 * Workspace Admin console (the directory, domain-wide delegation) would remember.
 */
export async function registerDemoWorkspace(googleBaseUrl: string, workspace: DemoWorkspace): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${googleBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  };
  await post('/__control/google/workspace', {
    domain: workspace.domain,
    users: workspace.users,
    serviceAccount: workspace.serviceAccount,
  });
  await post('/__control/google/delegation', {
    domain: workspace.domain,
    clientId: workspace.serviceAccount.clientId,
    scopes: workspace.scopes,
  });
}
