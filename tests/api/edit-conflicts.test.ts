import { beforeAll, describe, expect, it } from 'vitest';
import { MEETING_CHANGED_MEANWHILE } from '@/server/meetings/inputs';
import { TASK_CHANGED_MEANWHILE } from '@/server/tasks/inputs';
import { seedActivity, type TenantActivity } from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { postMutation } from '@/tests/support/http';
import { snapshotDatabase } from '@/tests/support/snapshot';

let database: TestDatabase;
let tenant: TestTenant;
let activity: TenantActivity;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'conflicts');
  activity = await seedActivity(database.db, tenant, 'conflicts');
});

/** Two editors opened the same row at `version`; the first saves, then the second. */
async function editTwice(
  path: string,
  session: { userId: string; tenantId: string },
  first: object,
  second: object,
) {
  const version = await currentVersion(path, session);
  const saved = await callProcedure(database.db, session, path, { ...first, version });
  expect(describeOutcome(saved)).toBe('ok');
  const before = await snapshotDatabase(database.db, tenant.tenantId);
  const stale = await postMutation(database.db, session, path, { ...second, version });
  expect(await snapshotDatabase(database.db, tenant.tenantId)).toEqual(before);
  return { saved, stale };
}

async function currentVersion(path: string, session: { userId: string; tenantId: string }): Promise<number> {
  if (path === 'meetings.update') {
    const meeting = await callProcedure(database.db, session, 'meetings.get', { id: activity.meetingId });
    return meeting.ok ? (meeting.value as { version: number }).version : 0;
  }
  const feed = await callProcedure(database.db, session, 'calendar.feed', {
    from: new Date('2026-03-02T00:00:00Z'),
    to: new Date('2026-03-09T00:00:00Z'),
  });
  const tasks = feed.ok ? (feed.value as { tasks: { id: string; version: number }[] }).tasks : [];
  return tasks.find((task) => task.id === activity.learnerTaskId)?.version ?? 0;
}

describe('an edit made from a version that changed since', () => {
  it('meetings.update answers 409 CONFLICT with a sentence the form can show, and changes nothing', async () => {
    const tutor = sessionOf(tenant.tutor);
    const { saved, stale } = await editTwice(
      'meetings.update',
      tutor,
      { id: activity.meetingId, title: 'Renamed by the first editor' },
      {
        id: activity.meetingId,
        startsAt: new Date('2026-03-05T10:00:00Z'),
        endsAt: new Date('2026-03-05T11:00:00Z'),
      },
    );
    expect(stale).toEqual({ status: 409, code: 'CONFLICT', message: MEETING_CHANGED_MEANWHILE });
    // Once reloaded, the second editor's change goes through from the version the first left.
    const reloaded = saved.ok ? (saved.value as { version: number }).version : 0;
    const retried = await callProcedure(database.db, tutor, 'meetings.update', {
      id: activity.meetingId,
      version: reloaded,
      startsAt: new Date('2026-03-05T10:00:00Z'),
      endsAt: new Date('2026-03-05T11:00:00Z'),
    });
    expect(retried.ok && (retried.value as { title: string; version: number })).toMatchObject({
      title: 'Renamed by the first editor',
      version: reloaded + 1,
    });
  });

  it('tasks.update answers 409 CONFLICT with a sentence the form can show, and changes nothing', async () => {
    const { stale } = await editTwice(
      'tasks.update',
      sessionOf(tenant.learner),
      { id: activity.learnerTaskId, title: 'Renamed in one tab' },
      { id: activity.learnerTaskId, notes: 'Written in another tab' },
    );
    expect(stale).toEqual({ status: 409, code: 'CONFLICT', message: TASK_CHANGED_MEANWHILE });
  });
});
