import type { Database } from '@/server/db/client';
import type { CreateMeetingInput } from '@/server/meetings/inputs';
import { createMeeting, type ScheduleDeps } from '@/server/meetings/schedule';
import { createTask } from '@/server/tasks/tasks';
import type { Actor } from '@/server/tenants/actor';
import type { TestTenant } from './fixtures';
import { RecordingDispatcher } from './recording-dispatcher';

/** Scheduling's parts for tests that do not run the delivery job: its events are only recorded. */
export function scheduleDeps(db: Database, now: Date = new Date('2026-03-02T08:00:00Z')): ScheduleDeps {
  return { db, now: () => now, jobs: new RecordingDispatcher() };
}

/** The week the seeded activity falls in (Monday 2 March 2026, UTC). */
export const ACTIVITY_WEEK = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') };

export function meetingInput(attendeeUserIds: string[], title = 'Weekly check-in'): CreateMeetingInput {
  return {
    kind: 'meeting',
    title,
    description: 'Notes for the session',
    location: 'Room 2',
    onlineUrl: null,
    startsAt: new Date('2026-03-03T10:00:00Z'),
    endsAt: new Date('2026-03-03T10:45:00Z'),
    timeZone: 'Europe/London',
    attendeeUserIds,
    guests: [],
  };
}

export function taskInput(title = 'Update CV') {
  return { title, notes: 'Before Friday', dueAt: new Date('2026-03-04T09:00:00Z'), durationMinutes: 30 };
}

export interface TenantActivity {
  /** Organised by the tutor, the learner invited. */
  meetingId: string;
  /** The learner's meeting_attendees row on that meeting. */
  learnerAttendeeId: string;
  /** The tutor's own task, and the learner's. */
  tutorTaskId: string;
  learnerTaskId: string;
}

/** A meeting and tasks in `tenant`, all titled with `label` so that leaks are easy to spot. */
export async function seedActivity(db: Database, tenant: TestTenant, label: string): Promise<TenantActivity> {
  const meeting = await createMeeting(
    scheduleDeps(db),
    tenant.tutor,
    meetingInput([tenant.learner.userId], `${label} meeting`),
  );
  const task = (owner: Actor, what: string) => createTask(db, owner, { ...taskInput(`${label} ${what}`) });
  const [tutorTask, learnerTask] = await Promise.all([
    task(tenant.tutor, 'tutor task'),
    task(tenant.learner, 'learner task'),
  ]);
  const learnerAttendeeId = meeting.attendees.find((a) => a.userId === tenant.learner.userId)?.id ?? '';
  return {
    meetingId: meeting.id,
    learnerAttendeeId,
    tutorTaskId: tutorTask.id,
    learnerTaskId: learnerTask.id,
  };
}
