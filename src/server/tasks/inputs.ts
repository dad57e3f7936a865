import { z } from 'zod';
import { instantSchema } from '@/server/time/range';
import { storableText } from '@/server/validation/text';
import { editedVersionSchema } from '@/server/validation/version';

export const TASK_CHANGED_MEANWHILE =
  'This task was changed somewhere else (another tab or device) while you were editing. Reload to see that change.';

export const taskIdSchema = z.strictObject({ id: z.uuid() });

/**
 * A task's fields without defaults: creating fills the blanks in, while an update leaves an
 * omitted field as it is (a default there would overwrite it).
 */
const taskDetailsSchema = z.strictObject({
  title: storableText().trim().min(1, 'A title is required').max(200),
  notes: storableText().trim().max(5000).nullable(),
  dueAt: instantSchema,
  durationMinutes: z
    .int()
    .min(5)
    .max(24 * 60),
});

export const taskFieldsSchema = taskDetailsSchema.extend({
  notes: taskDetailsSchema.shape.notes.default(null),
  durationMinutes: taskDetailsSchema.shape.durationMinutes.default(30),
});
export type NewTask = z.output<typeof taskFieldsSchema>;

export const taskUpdateSchema = taskIdSchema.extend({
  version: editedVersionSchema,
  ...taskDetailsSchema.partial().shape,
});
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

export const taskDoneSchema = taskIdSchema.extend({ done: z.boolean() });
