/**
 * Who the randomized convergence run's Tandem-side operations told: the notifications about one
 * meeting, and the check that an operation told exactly the right people, once each.
 */
import { and, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { notifications } from '@/server/db/schema';
import { LEARNERS, type WorldTenant } from '@/tests/support/convergence-world';
import type { ModelMeeting } from './model';
import type { Run } from './run';

/** The notifications about one meeting so far, by id: who (tutor / learner / other) and what. */
export async function toldAbout(
  run: Run,
  tenant: WorldTenant,
  meetingId: string,
): Promise<Map<string, string>> {
  const roleOf = new Map<string, string>([[tenant.tutor.userId, 'tutor']]);
  for (const who of LEARNERS) roleOf.set(tenant.learners[who].userId, who);
  const rows = await run.t.database.db
    .select({ id: notifications.id, userId: notifications.userId, kind: notifications.kind })
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenant.tenantId),
        sql`${notifications.payload}->>'meetingId' = ${meetingId}`,
      ),
    );
  return new Map(rows.map((row) => [row.id, `${roleOf.get(row.userId) ?? row.userId}:${row.kind}`]));
}

/**
 * A Tandem-side operation told exactly the right people, once each (issue 12): `expected` lists
 * the learners' (and, for an answer, the tutor's) notifications. The tutor may also hear that
 * their unsynced change in the calendar lost (the conflict rule) — once at most, never twice.
 */
export async function expectTold(
  run: Run,
  tenant: WorldTenant,
  meeting: ModelMeeting,
  before: Map<string, string>,
  expected: string[],
  options: { tutor: boolean } = { tutor: false },
) {
  const told = [...(await toldAbout(run, tenant, meeting.id))]
    .filter(([id]) => !before.has(id))
    .map(([, label]) => label);
  const checked = told.filter((label) => options.tutor || !label.startsWith('tutor:')).sort();
  expect(
    checked,
    `meeting ${meeting.id}: who op ${run.index} told (ops ${meeting.history.join(' ')})`,
  ).toEqual([...expected].sort());
  const tutorKinds = told.filter((label) => label.startsWith('tutor:'));
  expect(tutorKinds.length, `op ${run.index} told the tutor twice: ${tutorKinds.join(', ')}`).toBe(
    new Set(tutorKinds).size,
  );
  run.notificationChecks += 1;
}
