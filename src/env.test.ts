import { describe, expect, it } from 'vitest';
import { DEV_AUTH_SECRET, InvalidEnvironmentError, parseEnv } from './env';

const GOOD_SECRET = 'k3Jx9dQ2mV7pL0sT5wZ8bN4cR6yH1fA2';
const GOOD_URL = 'postgres://tandem:secret@db.internal:5432/tandem';
const GOOD_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
/** What production needs besides the setting a test is about. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: GOOD_URL,
  AUTH_SECRET: GOOD_SECRET,
  TANDEM_ENCRYPTION_KEYS: GOOD_KEYS,
  SMTP_URL: 'smtps://tandem:secret@smtp.example.org:465',
};

/** The message parseEnv stops the app with; fails the test when it does not throw. */
function refusal(env: Record<string, string | undefined>): string {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as Error).message;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(env)}`);
}

/** The settings a refusal names, one per line ("  - NAME: why"). */
function namedSettings(message: string): string[] {
  return [...message.matchAll(/^ {2}- ([A-Z_]+):/gm)].map((match) => match[1] ?? '');
}

describe('parseEnv', () => {
  it('parses a good development environment, with defaults', () => {
    expect(parseEnv({ AUTH_SECRET: GOOD_SECRET })).toEqual({
      NODE_ENV: 'development',
      PGLITE_DATA_DIR: '.data/pglite',
      AUTH_SECRET: GOOD_SECRET,
      TANDEM_DEMO: false,
      APP_URL: 'http://localhost:3000',
      MICROSOFT_TENANT: 'common',
      SYNC_WINDOW_PAST_DAYS: 90,
      SYNC_WINDOW_FUTURE_DAYS: 365,
      SYNC_POLL_MINUTES: 5,
      MAIL_FROM: 'Tandem <tandem@localhost>',
      IMIP_REPLY_ADDRESS: 'meetings@replies.tandem.test',
      INBOUND_SMTP_HOST: '127.0.0.1',
    });
    expect(parseEnv({ AUTH_SECRET: DEV_AUTH_SECRET, TANDEM_DEMO: '1' }).TANDEM_DEMO).toBe(true);
  });

  it('parses a good production environment', () => {
    const env = parseEnv({ ...PRODUCTION, TANDEM_DEMO: '0' });
    expect(env).toMatchObject({ NODE_ENV: 'production', DATABASE_URL: GOOD_URL, TANDEM_DEMO: false });
  });

  it('names AUTH_SECRET when it is missing or too short', () => {
    expect(namedSettings(refusal({}))).toEqual(['AUTH_SECRET']);
    expect(refusal({})).toMatch(/AUTH_SECRET: is required/);
    expect(namedSettings(refusal({ AUTH_SECRET: 'short' }))).toEqual(['AUTH_SECRET']);
  });

  it('names DATABASE_URL when it is not a PostgreSQL URL', () => {
    const message = refusal({ AUTH_SECRET: GOOD_SECRET, DATABASE_URL: 'mysql://root@localhost/tandem' });
    expect(namedSettings(message)).toEqual(['DATABASE_URL']);
    expect(message).toMatch(/postgres/);
  });

  it('refuses production without DATABASE_URL', () => {
    expect(namedSettings(refusal({ ...PRODUCTION, DATABASE_URL: undefined }))).toEqual(['DATABASE_URL']);
  });

  it('refuses production with the development secret', () => {
    const message = refusal({ ...PRODUCTION, AUTH_SECRET: DEV_AUTH_SECRET });
    expect(namedSettings(message)).toEqual(['AUTH_SECRET']);
    expect(message).toMatch(/development secret/);
  });

  it('refuses production with the demo switched on', () => {
    const env = { ...PRODUCTION, TANDEM_DEMO: 'true' };
    expect(namedSettings(refusal(env))).toEqual(['TANDEM_DEMO']);
  });

  it('refuses production with the test provisioning route turned on', () => {
    const env = { ...PRODUCTION, TANDEM_TEST_PROVISIONING_TOKEN: 'e2e-provisioning-token-0123456789abcdef' };
    expect(namedSettings(refusal(env))).toEqual(['TANDEM_TEST_PROVISIONING_TOKEN']);
  });

  it('names every bad setting at once', () => {
    const message = refusal({
      NODE_ENV: 'production',
      AUTH_SECRET: DEV_AUTH_SECRET,
      TANDEM_DEMO: '1',
      TANDEM_JOBS: 'inline',
    });
    expect(namedSettings(message).sort()).toEqual([
      'AUTH_SECRET',
      'DATABASE_URL',
      'SMTP_URL',
      'TANDEM_DEMO',
      'TANDEM_ENCRYPTION_KEYS',
      'TANDEM_JOBS',
    ]);
  });

  it('names NODE_ENV and TANDEM_DEMO when they hold unknown values', () => {
    expect(namedSettings(refusal({ AUTH_SECRET: GOOD_SECRET, NODE_ENV: 'staging' }))).toEqual(['NODE_ENV']);
    expect(namedSettings(refusal({ AUTH_SECRET: GOOD_SECRET, TANDEM_DEMO: 'yes' }))).toEqual(['TANDEM_DEMO']);
  });

  it('names TANDEM_ENCRYPTION_KEYS when a key is malformed', () => {
    const message = refusal({ AUTH_SECRET: GOOD_SECRET, TANDEM_ENCRYPTION_KEYS: 'k1:dG9vIHNob3J0' });
    expect(namedSettings(message)).toEqual(['TANDEM_ENCRYPTION_KEYS']);
    expect(message).toMatch(/32 bytes/);
  });
});
