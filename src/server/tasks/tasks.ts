import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/server/db/client';
import { tasks } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { instantSchema, type DateRange } from '@/server/time/range';

export const taskFieldsSchema = z.object({
  title: z.string().trim().min(1, 'A title is required').max(200),
  notes: z.string().trim().max(5000).nullable().default(null),
  dueAt: instantSchema,
  durationMinutes: z.int().min(5).max(24 * 60).default(30),
});
export type TaskFields = z.input<typeof taskFieldsSchema>;

export const taskUpdateSchema = z.object({
  id: z.uuid(),
  title: z.string().trim().min(1, 'A title is required').max(200).optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  dueAt: instantSchema.optional(),
  durationMinutes: z.int().min(5).max(24 * 60).optional(),
});
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

export type Task = typeof tasks.$inferSelect;

/** Tasks whose block on the calendar overlaps the range. */
export function listTasks(db: Executor, actor: Actor, range: DateRange): Promise<Task[]> {
  return db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.tenantId, actor.tenantId),
        eq(tasks.ownerId, actor.userId),
        lt(tasks.dueAt, range.to),
        gte(sql`${tasks.dueAt} + make_interval(mins => ${tasks.durationMinutes})`, range.from),
      ),
    )
    .orderBy(asc(tasks.dueAt));
}

export async function createTask(db: Executor, actor: Actor, fields: z.output<typeof taskFieldsSchema>): Promise<Task> {
  const [task] = await db
    .insert(tasks)
    .values({ ...fields, tenantId: actor.tenantId, ownerId: actor.userId })
    .returning();
  if (!task) throw new Error('insert returned no row');
  return task;
}

export async function updateTask(db: Executor, actor: Actor, update: TaskUpdate, now: Date): Promise<Task> {
  const { id, ...changes } = update;
  const [task] = await db
    .update(tasks)
    .set({ ...changes, updatedAt: now })
    .where(ownTask(actor, id))
    .returning();
  if (!task) throw new NotFoundError('Task not found');
  return task;
}

export async function setTaskDone(db: Executor, actor: Actor, id: string, done: boolean, now: Date): Promise<Task> {
  const [task] = await db
    .update(tasks)
    .set({ doneAt: done ? now : null, updatedAt: now })
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
