import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { tasks } from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { TASK_CHANGED_MEANWHILE, type NewTask, type TaskUpdate } from './inputs';

export type Task = typeof tasks.$inferSelect;

/**
 * Tasks whose block on the calendar overlaps the range. Both are half-open, as for meetings: a
 * task that ends exactly when the range starts is not in it.
 */
export function listTasks(db: Executor, actor: Actor, range: DateRange): Promise<Task[]> {
  return db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.tenantId, actor.tenantId),
        eq(tasks.ownerId, actor.userId),
        lt(tasks.dueAt, range.to),
        // The column encodes the Date: next to a raw expression, postgres.js would get it unencoded.
        gt(
          sql`${tasks.dueAt} + make_interval(mins => ${tasks.durationMinutes})`,
          sql.param(range.from, tasks.dueAt),
        ),
      ),
    )
    .orderBy(asc(tasks.dueAt));
}

/** One of the actor's own tasks (its dialog: notes and all). */
export async function getTask(db: Executor, actor: Actor, id: string): Promise<Task> {
  const [task] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantId, actor.tenantId), eq(tasks.ownerId, actor.userId), eq(tasks.id, id)))
    .limit(1);
  if (!task) throw new NotFoundError('Task not found');
  return task;
}

export async function createTask(db: Executor, actor: Actor, fields: NewTask): Promise<Task> {
  const [task] = await db
    .insert(tasks)
    .values({ ...fields, tenantId: actor.tenantId, ownerId: actor.userId })
    .returning();
  if (!task) throw new Error('insert returned no row');
  return task;
}

/** Edits a task from the version the owner last saw; a stale edit is refused, not applied over a newer one. */
export async function updateTask(db: Executor, actor: Actor, update: TaskUpdate, now: Date): Promise<Task> {
  const { id, version, ...changes } = update;
  const [task] = await db
    .update(tasks)
    .set({ ...changes, version: version + 1, updatedAt: now })
    .where(and(ownTask(actor, id), eq(tasks.version, version)))
    .returning();
  if (task) return task;
  const [exists] = await db.select({ id: tasks.id }).from(tasks).where(ownTask(actor, id));
  throw exists ? new ConflictError(TASK_CHANGED_MEANWHILE) : new NotFoundError('Task not found');
}

export async function setTaskDone(
  db: Executor,
  actor: Actor,
  id: string,
  done: boolean,
  now: Date,
): Promise<Task> {
  const [task] = await db
    .update(tasks)
    .set({ doneAt: done ? now : null, version: sql`${tasks.version} + 1`, updatedAt: now })
    .where(ownTask(actor, id))
    .returning();
  if (!task) throw new NotFoundError('Task not found');
  return task;
}

export async function deleteTask(db: Executor, actor: Actor, id: string): Promise<void> {
  const deleted = await db.delete(tasks).where(ownTask(actor, id)).returning({ id: tasks.id });
  if (deleted.length === 0) throw new NotFoundError('Task not found');
}

function ownTask(actor: Actor, id: string) {
  return and(eq(tasks.tenantId, actor.tenantId), eq(tasks.ownerId, actor.userId), eq(tasks.id, id));
}
