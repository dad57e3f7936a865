/**
 * Sign-in brute force: failures per account and per address are throttled with a growing block,
 * held in the database; a blocked attempt costs no argon2 hash; unknown accounts answer exactly
 * like real ones; the right password keeps working for people who type it.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInThrottles, users } from '@/server/db/schema';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, TEST_PASSWORD, type TestTenant } from '@/tests/support/fixtures';
import { attemptSignIn } from './credentials';
import { verifyPassword } from './passwords';
import { FIRST_BLOCK_MS, SIGN_IN_RULES, throttledMessage } from './sign-in-throttle';

vi.mock('./passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./passwords')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

let database: TestDatabase;
let tenant: TestTenant;
let email: string;
let address = 0;
/** A fresh client address per test, so address counts do not leak between tests. */
let from: string;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'throttle');
  const [row] = await database.db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, tenant.tutor.userId));
  email = row?.email ?? '';
});

beforeEach(async () => {
  address += 1;
  from = `198.51.100.${address}`;
  await database.db.delete(signInThrottles).where(eq(signInThrottles.scope, 'account'));
  vi.mocked(verifyPassword).mockClear();
});

const minute = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes));
const attempt = (password: string, at: Date, who = email, ip = from) =>
  attemptSignIn(database.db, { email: who, password }, ip, at);

async function failTimes(count: number, at: Date, who = email, ip = from) {
  for (let index = 0; index < count; index += 1)
    expect((await attempt('wrong password', at, who, ip)).status).toBe('refused');
}

describe('per account', () => {
  it(`after ${SIGN_IN_RULES.account.attempts} wrong passwords even the right one is refused, without hashing`, async () => {
    await failTimes(SIGN_IN_RULES.account.attempts, minute(0));
    vi.mocked(verifyPassword).mockClear();
    expect(await attempt(TEST_PASSWORD, minute(0))).toEqual({
      status: 'throttled',
      retryAfterSeconds: FIRST_BLOCK_MS / 1000,
    });
    expect(await attempt('wrong password', minute(0))).toMatchObject({ status: 'throttled' });
    expect(verifyPassword).not.toHaveBeenCalled();
  });

  it('the block grows with each round of failures, and the right password works once it ends', async () => {
    const { attempts } = SIGN_IN_RULES.account;
    await failTimes(attempts, minute(0));
    expect(await attempt('wrong password', minute(0))).toEqual({
      status: 'throttled',
      retryAfterSeconds: 60,
    });
    await failTimes(attempts, minute(1));
    expect(await attempt('wrong password', minute(1))).toEqual({
      status: 'throttled',
      retryAfterSeconds: 120,
    });
    await failTimes(attempts, minute(3));
    expect(await attempt('wrong password', minute(3))).toEqual({
      status: 'throttled',
      retryAfterSeconds: 240,
    });
    expect((await attempt(TEST_PASSWORD, minute(7))).status).toBe('signed_in');
  });

  it('is keyed on the account whatever the address, and kept in the database', async () => {
    for (let index = 0; index < SIGN_IN_RULES.account.attempts; index += 1)
      await failTimes(1, minute(0), email, `203.0.113.${index}`);
    const rows = await database.db.select().from(signInThrottles).where(eq(signInThrottles.key, email));
    expect(rows).toHaveLength(1);
    expect((await attempt(TEST_PASSWORD, minute(0), email, '203.0.113.200')).status).toBe('throttled');
  });

  it('an unknown account is throttled and worded exactly like a real one', async () => {
    const unknown = 'nobody@throttle.test';
    await failTimes(SIGN_IN_RULES.account.attempts, minute(0), unknown);
    await failTimes(SIGN_IN_RULES.account.attempts, minute(0), email, `${from}0`);
    const [real, fake] = [
      await attempt('x', minute(0), email, `${from}0`),
      await attempt('x', minute(0), unknown),
    ];
    expect(real).toEqual(fake);
    expect(throttledMessage(60)).toBe('Too many attempts. Try again in 1 minute.');
    expect(throttledMessage(121)).toBe('Too many attempts. Try again in 3 minutes.');
  });

  it('successes are not counted: people who type the right password are never throttled', async () => {
    for (let index = 0; index < 3 * SIGN_IN_RULES.account.attempts; index += 1) {
      expect((await attempt(TEST_PASSWORD, minute(0))).status).toBe('signed_in');
    }
    await failTimes(SIGN_IN_RULES.account.attempts - 1, minute(0));
    expect((await attempt(TEST_PASSWORD, minute(0))).status).toBe('signed_in');
    // The success cleared the account's count.
    await failTimes(SIGN_IN_RULES.account.attempts, minute(0));
  });

  it('counts attempts in flight at once (50 parallel guesses hash at most the allowance)', async () => {
    const guesses = await Promise.all(Array.from({ length: 50 }, () => attempt('wrong password', minute(0))));
    expect(guesses.filter((outcome) => outcome.status === 'refused')).toHaveLength(
      SIGN_IN_RULES.account.attempts,
    );
    expect(verifyPassword).toHaveBeenCalledTimes(SIGN_IN_RULES.account.attempts);
  });
});

describe('per address', () => {
  it(`one address spraying many accounts is blocked after ${SIGN_IN_RULES.address.attempts} failures`, async () => {
    for (let index = 0; index < SIGN_IN_RULES.address.attempts; index += 1) {
      expect((await attempt('guess', minute(0), `spray-${index}@throttle.test`)).status).toBe('refused');
    }
    expect(await attempt(TEST_PASSWORD, minute(0))).toMatchObject({ status: 'throttled' });
    expect((await attempt(TEST_PASSWORD, minute(0), email, `${from}9`)).status).toBe('signed_in');
  });
});
