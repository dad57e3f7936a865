import type { AccountRecord } from '../store-types';

/**
 * The sign-in and consent page of the emulated identity platform: one button per account the
 * tenant segment allows. Plain HTML form, labelled, keyboard-usable, no script.
 */

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

export function consentPage(options: {
  action: string;
  params: Record<string, string>;
  accounts: AccountRecord[];
  scope: string;
  clientId: string;
}): string {
  const hidden = Object.entries(options.params)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('\n      ');
  const buttons = options.accounts
    .map(
      (account) =>
        `<li><button type="submit" name="account" value="${escape(account.email)}">` +
        `<span class="name">${escape(account.displayName)}</span> <span class="email">${escape(account.email)}</span>` +
        `${account.kind === 'personal' ? ' <span class="kind">(personal account)</span>' : ''}</button></li>`,
    )
    .join('\n        ');
  const scopes = options.scope
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => `<li>${escape(s)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in to your account (Microsoft emulator)</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
    ul.accounts { list-style: none; padding: 0; }
    ul.accounts button { width: 100%; text-align: left; padding: .75rem; margin: .25rem 0; font-size: 1rem;
      border: 1px solid #8a8886; background: #fff; border-radius: 4px; cursor: pointer; }
    ul.accounts button:focus-visible { outline: 3px solid #0067b8; outline-offset: 2px; }
    .email { color: #323130; } .kind { color: #605e5c; }
  </style>
</head>
<body>
  <main>
    <h1>Pick an account</h1>
    <p>Emulated Microsoft identity platform. The app <strong>${escape(options.clientId)}</strong> asks for:</p>
    <ul>${scopes}</ul>
    <form method="post" action="${escape(options.action)}">
      ${hidden}
      <fieldset>
        <legend>Sign in and accept as</legend>
        <ul class="accounts">
        ${buttons}
        </ul>
      </fieldset>
      <button type="submit" name="deny" value="1">Cancel</button>
    </form>
  </main>
</body>
</html>`;
}

export function errorPage(message: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>` +
    `<body><main><h1>We couldn't sign you in</h1><p role="alert">${escape(message)}</p></main></body></html>`
  );
}
