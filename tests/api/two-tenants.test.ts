import { beforeAll, describe, expect, it } from 'vitest';
import { memberships } from '@/server/db/schema';
import { createMeeting } from '@/server/meetings/schedule';
import { createTask } from '@/server/tasks/tasks';
import { findActor, type Actor } from '@/server/tenants/actor';
import { ACTIVITY_WEEK, meetingInput, scheduleDeps, seedActivity, taskInput } from '@/tests/support/activity';
import { callProcedure, describeOutcome, type Outcome } from '@/tests/support/api';
import {
  enableCalendarIntegration,
  seedConnection,
  type SeededConnection,
} from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { snapshotDatabase } from '@/tests/support/snapshot';

/**
 * One person in two tenants: a tutor in Alpha and a learner in Beta (a coach who is also on a
 * course elsewhere). Signed in to either, they see that tenant's data and act with that tenant's
 * role, and nothing of the other tenant: not its ids, not its titles.
 */

interface Side {
  tenant: TestTenant;
  /** The shared person, acting in this tenant. */
  member: Actor;
  meetingId: string;
  taskId: string;
  connection: SeededConnection;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
let database: TestDatabase;
let alpha: Side;
let beta: Side;
/** Per tenant, what the other side must never see: its ids (but the person's own) and its titles. */
const secretsOf = new Map<Side, string[]>();

beforeAll(async () => {
  database = await useTestDatabase();
  const alphaTenant = await createTestTenant(database.db, 'alpha');
  const betaTenant = await createTestTenant(database.db, 'beta');
  const person = alphaTenant.tutor;
  await database.db
    .insert(memberships)
    .values({ tenantId: betaTenant.tenantId, userId: person.userId, role: 'learner', permissions: [] });
  const inBeta = await findActor(database.db, { userId: person.userId, tenantId: betaTenant.tenantId });
  if (!inBeta) throw new Error('the second membership is missing');

  const side = async (tenant: TestTenant, member: Actor, label: string, organiser: Actor): Promise<Side> => {
    await enableCalendarIntegration(database.db, tenant.tenantId);
    await seedActivity(database.db, tenant, label);
    const meeting = await createMeeting(
      scheduleDeps(database.db),
      organiser,
      meetingInput(organiser === member ? [tenant.learner.userId] : [member.userId], `${label} meeting`),
    );
    const task = await createTask(database.db, member, taskInput(`${label} own task`));
    return {
      tenant,
      member,
      meetingId: meeting.id,
      taskId: task.id,
      connection: await seedConnection(database.db, member, label),
    };
  };
  // In Alpha they organise; in Beta, Beta's tutor invites them.
  alpha = await side(alphaTenant, person, 'alpha', person);
  beta = await side(betaTenant, inBeta, 'beta', betaTenant.tutor);
  for (const [mine, label] of [
    [alpha, 'alpha'],
    [beta, 'beta'],
  ] as const) {
    const ids = JSON.stringify(await snapshotDatabase(database.db, mine.tenant.tenantId)).match(UUID) ?? [];
    // The person's own name and email ("alpha tutor", tutor@alpha-…) rightly show in both tenants.
    const titles = [
      'meeting',
      'own task',
      'tutor task',
      'learner task',
      'dentist',
      'work',
      'holidays',
      'caldav',
      'tenant',
    ].map((what) => `${label} ${what}`);
    secretsOf.set(
      mine,
      [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => id !== person.userId).concat(titles),
    );
  }
});

function leaks(outcome: Outcome, from: Side): string[] {
  const text = JSON.stringify(outcome.ok ? outcome.value : outcome.error.message).toLowerCase();
  return (secretsOf.get(from) ?? []).filter((secret) => text.includes(secret));
}

function sides(): [string, Side, Side][] {
  return [
    ['Alpha', alpha, beta],
    ['Beta', beta, alpha],
  ];
}

const call = (side: Side, path: string, input?: unknown) =>
  callProcedure(database.db, side.member, path, input);

describe('a person who belongs to two tenants', () => {
  it.each(['Alpha', 'Beta'])('signed in to %s, reads only that tenant', async (name) => {
    const [, here, there] = sides().find(([label]) => label === name) ?? [];
    if (!here || !there) throw new Error('no such side');
    const feed = await call(here, 'calendar.feed', ACTIVITY_WEEK);
    expect(feed.ok && feed.value).toMatchObject({
      tasks: expect.arrayContaining([expect.objectContaining({ id: here.taskId })]),
      meetings: expect.arrayContaining([expect.objectContaining({ id: here.meetingId })]),
      externalEvents: [expect.objectContaining({ calendarId: here.connection.writableCalendarId })],
    });
    const reads = [
      feed,
      await call(here, 'connections.list'),
      await call(here, 'me.profile'),
      await call(here, 'me.members'),
    ];
    for (const outcome of reads) {
      expect(describeOutcome(outcome)).toBe('ok');
      expect(leaks(outcome, there)).toEqual([]);
    }
    const connections = reads[1];
    expect(connections?.ok && connections.value).toMatchObject({
      connections: [{ id: here.connection.connectionId }],
    });
    expect(reads[2]?.ok && reads[2].value).toMatchObject({
      tenant: { id: here.tenant.tenantId },
      role: here.member.role,
    });
  });

  it.each(['Alpha', 'Beta'])("signed in to %s, cannot reach the other tenant's items by id", async (name) => {
    const [, here, there] = sides().find(([label]) => label === name) ?? [];
    if (!here || !there) throw new Error('no such side');
    const before = await snapshotDatabase(database.db, there.tenant.tenantId);
    const attempts = [
      await call(here, 'meetings.get', { id: there.meetingId }),
      await call(here, 'meetings.respond', { id: there.meetingId, response: 'declined' }),
      await call(here, 'tasks.update', { id: there.taskId, version: 1, title: 'Moved across' }),
      await call(here, 'tasks.setDone', { id: there.taskId, done: true }),
      await call(here, 'connections.syncNow', { connectionId: there.connection.connectionId }),
      await call(here, 'connections.updateCalendar', {
        calendarId: there.connection.writableCalendarId,
        show: false,
      }),
      await call(here, 'connections.disconnect', { connectionId: there.connection.connectionId }),
    ];
    for (const outcome of attempts) {
      expect(describeOutcome(outcome)).toMatch(/^(NOT_FOUND|FORBIDDEN): /);
      expect(leaks(outcome, there)).toEqual([]);
    }
    expect(await snapshotDatabase(database.db, there.tenant.tenantId)).toEqual(before);
  });

  it("acts with each tenant's own role: organises in Alpha, only answers in Beta", async () => {
    const inAlpha = await call(
      alpha,
      'meetings.create',
      meetingInput([alpha.tenant.learner.userId], 'Alpha follow-up'),
    );
    expect(describeOutcome(inAlpha)).toBe('ok');
    const inBeta = await call(
      beta,
      'meetings.create',
      meetingInput([beta.tenant.learner.userId], 'Beta follow-up'),
    );
    expect(describeOutcome(inBeta)).toMatch(/^FORBIDDEN: /);
    const answered = await call(beta, 'meetings.respond', { id: beta.meetingId, response: 'accepted' });
    expect(answered.ok && answered.value).toMatchObject({
      id: beta.meetingId,
      myRole: 'attendee',
      myResponse: 'accepted',
    });
  });
});
