/**
 * The emulator's "Choose an account" consent page: one labelled button per seeded account and a
 * Cancel button, in a plain accessible form (landmarks, a heading, a described list of scopes),
 * so that people in the demo and Playwright tests can sign in by role and name.
 */

export interface ConsentAccount {
  email: string;
  name: string;
}

export interface ConsentPage {
  requestId: string;
  clientId: string;
  scopes: string[];
  accounts: ConsentAccount[];
  loginHint: string | undefined;
}

const SCOPE_LABELS: Record<string, string> = {
  'https://www.googleapis.com/auth/calendar':
    'See, edit, share and permanently delete all the calendars you can access',
  'https://www.googleapis.com/auth/calendar.events': 'View and edit events on all your calendars',
  'https://www.googleapis.com/auth/calendar.readonly': 'See and download any calendar you can access',
  'https://www.googleapis.com/auth/calendar.events.readonly': 'View events on all your calendars',
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: 'See your personal info',
};

export function renderConsentPage(page: ConsentPage): string {
  const accounts = [...page.accounts].sort((a, b) =>
    a.email === page.loginHint ? -1 : b.email === page.loginHint ? 1 : a.email.localeCompare(b.email),
  );
  const buttons = accounts
    .map(
      (account) => `      <li>
        <button type="submit" name="account" value="${escape(account.email)}" aria-label="Continue as ${escape(account.name)} (${escape(account.email)})">
          <span class="name">${escape(account.name)}</span> <span class="email">${escape(account.email)}</span>
        </button>
      </li>`,
    )
    .join('\n');
  const scopes = page.scopes
    .map((scope) => `      <li>${escape(SCOPE_LABELS[scope] ?? scope)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in – Google Accounts (emulator)</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 0; background: #f8f9fa; color: #202124; }
    main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; border: 1px solid #dadce0; }
    ul { list-style: none; padding: 0; }
    button { width: 100%; text-align: left; padding: .75rem 1rem; margin: .25rem 0; border: 1px solid #dadce0; border-radius: 4px; background: #fff; font: inherit; cursor: pointer; }
    button:hover, button:focus-visible { background: #e8f0fe; outline: 2px solid #1a73e8; }
    .email { color: #5f6368; display: block; font-size: .9em; }
    .cancel { text-align: center; color: #1a73e8; }
  </style>
</head>
<body>
  <main>
    <h1 id="title">Choose an account</h1>
    <p>to continue to <strong>${escape(page.clientId)}</strong></p>
    <form method="post" action="/o/oauth2/v2/auth/decision" aria-labelledby="title">
      <input type="hidden" name="request" value="${escape(page.requestId)}">
      <ul aria-label="Accounts">
${buttons}
      </ul>
      <section aria-labelledby="scopes-title">
        <h2 id="scopes-title">This app will be able to</h2>
        <ul>
${scopes}
        </ul>
      </section>
      <button type="submit" name="decision" value="deny" class="cancel">Cancel</button>
    </form>
  </main>
</body>
</html>`;
}

export function renderErrorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1><p>${escape(detail)}</p></main></body></html>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
