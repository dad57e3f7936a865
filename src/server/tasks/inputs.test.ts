import { describe, expect, it } from 'vitest';
import { taskFieldsSchema, taskUpdateSchema } from './inputs';

const id = '6f1c1d9e-8f43-4a52-9b7e-0c6d2b1f4a11';
const dueAt = new Date('2026-03-03T10:00:00Z');

describe('task inputs', () => {
  it('fills in the notes and the length of a new task', () => {
    expect(taskFieldsSchema.parse({ title: 'CV', dueAt })).toEqual({
      title: 'CV',
      dueAt,
      notes: null,
      durationMinutes: 30,
    });
  });

  it('leaves what an update omits as it is, and checks what it gives by the creating rules', () => {
    expect(taskUpdateSchema.parse({ id, version: 1, title: 'CV v2' })).toEqual({
      id,
      version: 1,
      title: 'CV v2',
    });
    expect(taskUpdateSchema.safeParse({ id, version: 1, title: '  ' }).error?.issues[0]?.message).toBe(
      'A title is required',
    );
    expect(taskUpdateSchema.safeParse({ id, version: 1, ownerId: 'someone else' }).success).toBe(false);
  });
});
