import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calendars } from '@/server/db/schema';
import type {
  AvailabilityResult,
  ClashResult,
  PersonAvailability,
  SuggestedSlot,
} from '@/server/scheduling/contract';
import { seedActivity } from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf, TEST_NOW } from '@/tests/support/api';
import { seedConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

let database: TestDatabase;
let tenant: TestTenant;
let other: TestTenant;

/** Tuesday 3 March 2026 in London (GMT): the seeded learner's dentist is 09:00–10:00. */
const TUESDAY = { from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z' };

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'sched');
  other = await createTestTenant(database.db, 'elsewhere');
  await seedActivity(database.db, tenant, 'sched');
  const connection = await seedConnection(database.db, tenant.learner, 'sched-learner');
  await database.db
    .update(calendars)
    .set({ lastSyncedAt: TEST_NOW })
    .where(eq(calendars.connectionId, connection.connectionId));
});

async function call<T>(who: { userId: string; tenantId: string }, path: string, input: unknown): Promise<T> {
  const outcome = await callProcedure(database.db, sessionOf(who), path, input);
  if (!outcome.ok) throw new Error(describeOutcome(outcome));
  return outcome.value as T;
}

function stateAt(person: PersonAvailability | undefined, iso: string) {
  const at = Date.parse(iso);
  return person?.intervals.find((i) => Date.parse(i.start) <= at && Date.parse(i.end) > at);
}

describe('scheduling.availability', () => {
  it('puts the viewer first, shows the learner busy at their dentist without its title', async () => {
    const result = await call<AvailabilityResult>(tenant.tutor, 'scheduling.availability', {
      userIds: [tenant.learner.userId, tenant.otherLearner.userId],
      ...TUESDAY,
    });
    expect(result.people.map((p) => p.userId)).toEqual([
      tenant.tutor.userId,
      tenant.learner.userId,
      tenant.otherLearner.userId,
    ]);
    const [tutor, learner, without] = result.people;
    // The seeded meeting, 10:00–10:45: the tutor organises it and sees its title; the learner has not answered.
    expect(stateAt(tutor, '2026-03-03T10:15:00Z')).toMatchObject({ state: 'busy', title: 'sched meeting' });
    expect(stateAt(learner, '2026-03-03T09:30:00Z')?.state).toBe('busy');
    expect(stateAt(learner, '2026-03-03T10:15:00Z')?.state).toBe('tentative');
    expect(stateAt(learner, '2026-03-03T12:00:00Z')?.state).toBe('free');
    expect(stateAt(learner, '2026-03-03T20:00:00Z')?.state).toBe('outside_working_hours');
    expect(stateAt(without, '2026-03-03T12:00:00Z')).toMatchObject({
      state: 'unknown',
      reason: 'no_calendar_connected',
    });
    const othersText = JSON.stringify(result.people.slice(1));
    expect(othersText).not.toMatch(/dentist|sched meeting|learner task|"title"/);
  });

  it('refuses learners, and treats another tenant’s members as not found', async () => {
    const refused = await callProcedure(database.db, sessionOf(tenant.learner), 'scheduling.availability', {
      userIds: [tenant.otherLearner.userId],
      ...TUESDAY,
    });
    expect(describeOutcome(refused)).toMatch(/^FORBIDDEN: /);
    const foreign = await callProcedure(database.db, sessionOf(other.tutor), 'scheduling.availability', {
      userIds: [tenant.learner.userId],
      ...TUESDAY,
    });
    expect(describeOutcome(foreign)).toMatch(/^NOT_FOUND: /);
  });
});

describe('scheduling.suggestions and clashes', () => {
  it('suggests free times inside working hours and warns of the dentist', async () => {
    const slots = await call<SuggestedSlot[]>(tenant.tutor, 'scheduling.suggestions', {
      userIds: [tenant.learner.userId],
      durationMinutes: 60,
      ...TUESDAY,
    });
    expect(slots.length).toBeGreaterThan(0);
    expect(slots[0]?.summary).toMatch(/^Tuesday 3 March, \d\d:\d\d to \d\d:\d\d: /);
    for (const slot of slots)
      expect(
        Date.parse(slot.start) >= Date.parse('2026-03-03T10:55:00Z') ||
          Date.parse(slot.end) <= Date.parse('2026-03-03T08:50:00Z'),
      ).toBe(true);
    const clash = await call<ClashResult>(tenant.tutor, 'scheduling.clashes', {
      userIds: [tenant.learner.userId],
      start: '2026-03-03T09:00:00Z',
      end: '2026-03-03T09:30:00Z',
    });
    expect(clash.clashes).toEqual([{ userId: tenant.learner.userId, name: 'sched learner', state: 'busy' }]);
    expect(clash.nextFreeStart).toBe('2026-03-03T10:45:00.000Z');
  });
});

describe('scheduling.myAvailability', () => {
  it('gives a learner their own row as the tutor sees it, without titles', async () => {
    const mine = await call<PersonAvailability>(tenant.learner, 'scheduling.myAvailability', TUESDAY);
    expect(mine.userId).toBe(tenant.learner.userId);
    expect(stateAt(mine, '2026-03-03T09:30:00Z')?.state).toBe('busy');
    expect(JSON.stringify(mine)).not.toMatch(/"title"/);
  });
});

describe('scheduling.people', () => {
  it('lists own learners first, with whether they have a calendar', async () => {
    const people = await call<{ userId: string; isOwnLearner: boolean; hasCalendar: boolean }[]>(
      tenant.tutor,
      'scheduling.people',
      {},
    );
    expect(people[0]).toMatchObject({ userId: tenant.learner.userId, isOwnLearner: true, hasCalendar: true });
    expect(people.map((p) => p.userId)).not.toContain(tenant.tutor.userId);
    expect(people.map((p) => p.userId)).not.toContain(other.learner.userId);
  });
});
