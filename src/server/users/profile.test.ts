import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { profileUpdateSchema } from './inputs';
import { getProfile, updateProfile } from './profile';

let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'profile');
});

describe('the date format (locale) of a profile', () => {
  it('is unset at first, so the browser decides; it can be chosen, and unset again', async () => {
    expect((await getProfile(database.db, tenant.learner)).locale).toBeNull();
    const chosen = await updateProfile(
      database.db,
      tenant.learner,
      profileUpdateSchema.parse({ locale: 'en-GB' }),
    );
    expect(chosen.locale).toBe('en-GB');
    // Another member's choice is their own.
    expect((await getProfile(database.db, tenant.otherLearner)).locale).toBeNull();
    const unset = await updateProfile(
      database.db,
      tenant.learner,
      profileUpdateSchema.parse({ locale: null }),
    );
    expect(unset.locale).toBeNull();
  });

  it('is one of the offered formats', () => {
    expect(profileUpdateSchema.safeParse({ locale: 'en-US' }).success).toBe(true);
    expect(profileUpdateSchema.safeParse({ locale: 'klingon' }).success).toBe(false);
  });
});
