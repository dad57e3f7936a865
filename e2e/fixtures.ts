/** Where the app under test, its database and the emulators run, and what the specs sign in with. */
export const E2E_PASSWORD = 'e2e-password-1';

/** Opens the app's test-only tenant route (src/server/testing/tenant-provisioning.ts); never used outside e2e. */
export const E2E_PROVISIONING_TOKEN = 'e2e-provisioning-token-0123456789abcdef';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PGLITE_DIR = '.data/e2e-pglite';
export const E2E_APP_URL = `http://127.0.0.1:${E2E_PORT}`;

// The emulators get ports of their own, so a demo running on 4501/4502 does not get in the way.
export const E2E_GOOGLE_PORT = Number(process.env.E2E_GOOGLE_PORT ?? 4511);
export const E2E_MICROSOFT_PORT = Number(process.env.E2E_MICROSOFT_PORT ?? 4512);
export const E2E_GOOGLE_URL = `http://127.0.0.1:${E2E_GOOGLE_PORT}`;
export const E2E_MICROSOFT_URL = `https://127.0.0.1:${E2E_MICROSOFT_PORT}`;
/** The Microsoft emulator's sign-in pages, over plain HTTP (as in the demo). */
export const E2E_MICROSOFT_AUTHORITY_PORT = Number(
  process.env.E2E_MICROSOFT_AUTHORITY_PORT ?? E2E_MICROSOFT_PORT + 1,
);
/** The emulators' inbound iMIP SMTP listeners (a thousand above their HTTP ports unless given). */
export const E2E_GOOGLE_SMTP_PORT = Number(process.env.E2E_GOOGLE_SMTP_PORT ?? E2E_GOOGLE_PORT + 1000);
export const E2E_MICROSOFT_SMTP_PORT = Number(
  process.env.E2E_MICROSOFT_SMTP_PORT ?? E2E_MICROSOFT_PORT + 1000,
);
/** The Exchange Server (EWS) emulator, beside Microsoft's (its authority takes the port before). */
export const E2E_EWS_PORT = Number(process.env.E2E_EWS_PORT ?? E2E_MICROSOFT_PORT + 2);
export const E2E_EWS_URL = `https://127.0.0.1:${E2E_EWS_PORT}`;
/** The EWS emulator's inbound iMIP SMTP listener, a thousand above its HTTPS port like the others. */
export const E2E_EWS_SMTP_PORT = Number(process.env.E2E_EWS_SMTP_PORT ?? E2E_EWS_PORT + 1000);
export const E2E_MICROSOFT_AUTHORITY_URL = `http://127.0.0.1:${E2E_MICROSOFT_AUTHORITY_PORT}`;

/** A fixed key ring for the app under test (32 bytes 0x00…0x1f); never used outside e2e. */
export const E2E_ENCRYPTION_KEYS = `e2e:${Buffer.from(Array.from({ length: 32 }, (_, index) => index)).toString('base64')}`;

// The mail world (mail-world.md) on ports of its own, next to the app's: E2E_MAIL_PORT and the three after it.
const E2E_MAIL_PORT = Number(process.env.E2E_MAIL_PORT ?? E2E_PORT + 10);
/** The mail exchange: Tandem's SMTP_URL and the emulators' relay. */
export const E2E_MAIL_EXCHANGE_PORT = E2E_MAIL_PORT;
/** Tandem's inbound iMIP listener (INBOUND_SMTP_PORT). */
export const E2E_INBOUND_SMTP_PORT = E2E_MAIL_PORT + 1;
/** maildev: the inbox for every address no emulator hosts; specs read it over its REST API. */
export const E2E_INBOX_SMTP_PORT = E2E_MAIL_PORT + 2;
export const E2E_INBOX_WEB_PORT = E2E_MAIL_PORT + 3;
export const E2E_INBOX_URL = `http://127.0.0.1:${E2E_INBOX_WEB_PORT}`;
export const E2E_SMTP_URL = `smtp://127.0.0.1:${E2E_MAIL_EXCHANGE_PORT}`;
/** Opens /api/inbound/email in the app under test; never used outside e2e. */
export const E2E_INBOUND_EMAIL_SECRET = 'e2e-inbound-email-secret-0123456789abcdef';
