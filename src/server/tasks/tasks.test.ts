import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '@/server/errors';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { TASK_CHANGED_MEANWHILE } from './inputs';
import { createTask, deleteTask, listTasks, setTaskDone, updateTask, type Task } from './tasks';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T08:00:00Z');
const at = (iso: string) => new Date(iso);
/** Tuesday 3 March 2026, 09:00–17:00 UTC. */
const workday = { from: at('2026-03-03T09:00:00Z'), to: at('2026-03-03T17:00:00Z') };

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

function task(title: string, dueAt: string, durationMinutes = 30) {
  return { title, notes: null, dueAt: at(dueAt), durationMinutes };
}

const titles = (tasks: Task[]) => tasks.map((t) => t.title);

describe('tasks', () => {
  it('are created for their owner in their tenant', async () => {
    const created = await createTask(
      database.db,
      north.learner,
      task('Write cover letter', '2026-03-03T10:00:00Z', 45),
    );
    expect(created).toMatchObject({
      tenantId: north.tenantId,
      ownerId: north.learner.userId,
      title: 'Write cover letter',
      durationMinutes: 45,
      doneAt: null,
    });
    expect(created.dueAt.toISOString()).toBe('2026-03-03T10:00:00.000Z');
  });

  it('are listed when their block overlaps the range, in order of time', async () => {
    const owner = north.tutor;
    for (const [title, dueAt, minutes] of [
      ['ends before', '2026-03-03T08:00:00Z', 30],
      ['ends as the range starts', '2026-03-03T08:30:00Z', 30],
      ['starts before, ends inside', '2026-03-03T08:45:00Z', 30],
      ['inside', '2026-03-03T12:00:00Z', 30],
      ['starts inside, ends after', '2026-03-03T16:45:00Z', 60],
      ['starts as the range ends', '2026-03-03T17:00:00Z', 30],
      ['spans the whole range', '2026-03-03T02:00:00Z', 24 * 60],
    ] as const) {
      await createTask(database.db, owner, task(title, dueAt, minutes));
    }
    expect(titles(await listTasks(database.db, owner, workday))).toEqual([
      'spans the whole range',
      'starts before, ends inside',
      'inside',
      'starts inside, ends after',
    ]);
  });

  it('are updated field by field, and only by their owner', async () => {
    const created = await createTask(database.db, north.learner, task('Draft', '2026-03-05T09:00:00Z'));
    const later = at('2026-03-02T09:00:00Z');
    const updated = await updateTask(
      database.db,
      north.learner,
      {
        id: created.id,
        version: created.version,
        title: 'Final',
        dueAt: at('2026-03-06T14:00:00Z'),
        durationMinutes: 90,
      },
      later,
    );
    expect(updated).toMatchObject({ title: 'Final', notes: null, durationMinutes: 90, updatedAt: later });
    expect(updated.dueAt.toISOString()).toBe('2026-03-06T14:00:00.000Z');
    const noted = await updateTask(
      database.db,
      north.learner,
      { id: created.id, version: updated.version, notes: 'Ask for feedback' },
      later,
    );
    expect(noted).toMatchObject({ title: 'Final', notes: 'Ask for feedback' });
    const mine = { id: created.id, version: noted.version, title: 'Mine' };
    await expect(updateTask(database.db, north.otherLearner, mine, now)).rejects.toThrow(NotFoundError);
  });

  it('refuse an edit made from a version that has changed since, keeping the newer change', async () => {
    const created = await createTask(database.db, north.learner, task('Portfolio', '2026-03-03T11:00:00Z'));
    const inFirstTab = await updateTask(
      database.db,
      north.learner,
      { id: created.id, version: created.version, title: 'Portfolio v2' },
      now,
    );
    expect(inFirstTab.version).toBe(created.version + 1);
    const stale = { id: created.id, version: created.version, notes: 'From the second tab' };
    await expect(updateTask(database.db, north.learner, stale, now)).rejects.toThrow(
      new ConflictError(TASK_CHANGED_MEANWHILE),
    );
    const [kept] = (await listTasks(database.db, north.learner, workday)).filter((t) => t.id === created.id);
    expect(kept).toMatchObject({ title: 'Portfolio v2', notes: null, version: inFirstTab.version });
    // Ticking it off is a change too: an edit begun before it is stale.
    const done = await setTaskDone(database.db, north.learner, created.id, true, now);
    expect(done.version).toBe(inFirstTab.version + 1);
    await expect(
      updateTask(
        database.db,
        north.learner,
        { id: created.id, version: inFirstTab.version, title: 'Late' },
        now,
      ),
    ).rejects.toThrow(ConflictError);
  });

  it('are completed and reopened', async () => {
    const created = await createTask(
      database.db,
      north.learner,
      task('Mock interview', '2026-03-04T11:00:00Z'),
    );
    const done = await setTaskDone(database.db, north.learner, created.id, true, now);
    expect(done.doneAt?.toISOString()).toBe(now.toISOString());
    const reopened = await setTaskDone(
      database.db,
      north.learner,
      created.id,
      false,
      at('2026-03-02T10:00:00Z'),
    );
    expect(reopened.doneAt).toBeNull();
    await expect(setTaskDone(database.db, south.learner, created.id, true, now)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('are deleted once, by their owner only', async () => {
    const created = await createTask(database.db, north.learner, task('Throw away', '2026-03-04T15:00:00Z'));
    await expect(deleteTask(database.db, north.tutor, created.id)).rejects.toThrow(NotFoundError);
    await deleteTask(database.db, north.learner, created.id);
    await expect(deleteTask(database.db, north.learner, created.id)).rejects.toThrow(NotFoundError);
    const day = { from: at('2026-03-04T00:00:00Z'), to: at('2026-03-05T00:00:00Z') };
    expect(titles(await listTasks(database.db, north.learner, day))).not.toContain('Throw away');
  });

  it("other users' tasks are invisible, in the same tenant and in another", async () => {
    const secret = await createTask(
      database.db,
      north.otherLearner,
      task('Private errand', '2026-03-03T13:00:00Z'),
    );
    for (const stranger of [north.learner, north.admin, south.otherLearner]) {
      expect(titles(await listTasks(database.db, stranger, workday))).not.toContain('Private errand');
    }
    expect(titles(await listTasks(database.db, north.otherLearner, workday))).toEqual(['Private errand']);
    await expect(
      updateTask(database.db, south.admin, { id: secret.id, version: 1, title: 'Taken' }, now),
    ).rejects.toThrow(NotFoundError);
  });
});
