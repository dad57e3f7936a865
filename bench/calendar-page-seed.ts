import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { createMeeting } from '../src/server/meetings/schedule';
import type { Database } from '../src/server/db/client';
import { externalEvents, users } from '../src/server/db/schema';
import { createTask } from '../src/server/tasks/tasks';
import type { KeyRing } from '../src/server/crypto/secrets';
import { meetingInput, scheduleDeps } from '../tests/support/activity';
import { enableCalendarIntegration, seedConnection } from '../tests/support/connections';
import { createTestTenant, TEST_PASSWORD } from '../tests/support/fixtures';

export const PAGE_BENCH_ZONE = 'Europe/London';

export interface SeededLearner {
  events: number;
  email: string;
  password: string;
}

/**
 * A learner whose current week holds `count` items, as issue 16 measured: 60 % mirrored events on
 * two connected calendars, 30 % their tasks, 10 % meetings a tutor invited them to; spread over
 * the seven days between 08:00 and 18:00 London time, so that many overlap.
 */
export async function seedPageBenchLearner(
  db: Database,
  keys: KeyRing,
  count: number,
): Promise<SeededLearner> {
  const tenant = await createTestTenant(db, `page-bench-${count}`, PAGE_BENCH_ZONE);
  await enableCalendarIntegration(db, tenant.tenantId);
  const connection = await seedConnection(db, tenant.learner, `bench${count}`, keys);
  const monday = DateTime.now().setZone(PAGE_BENCH_ZONE).startOf('week');
  // Item i: day i mod 7, at 08:00 plus a quarter-hour step that wraps within the working day.
  const slot = (index: number) =>
    monday.plus({ days: index % 7, hours: 8, minutes: 15 * (Math.floor(index / 7) % 36) });
  const mirrored = Math.round(count * 0.6);
  const tasks = Math.round(count * 0.3);
  const meetings = count - mirrored - tasks;
  const rows = Array.from({ length: mirrored }, (_, index) => {
    const start = slot(index);
    return {
      tenantId: tenant.tenantId,
      calendarId: index % 2 === 0 ? connection.writableCalendarId : connection.readOnlyCalendarId,
      externalId: `bench-${count}-${index}.ics`,
      status: 'confirmed' as const,
      title: `Mirrored ${index}`,
      location: index % 3 === 0 ? 'Room 4' : null,
      startAt: start.toJSDate(),
      endAt: start.plus({ minutes: 30 + (index % 4) * 15 }).toJSDate(),
    };
  });
  for (let index = 0; index < rows.length; index += 500) {
    await db.insert(externalEvents).values(rows.slice(index, index + 500));
  }
  for (let index = 0; index < tasks; index += 1) {
    await createTask(db, tenant.learner, {
      title: `Task ${index}`,
      notes: null,
      dueAt: slot(index + 3).toJSDate(),
      durationMinutes: 30,
    });
  }
  const deps = scheduleDeps(db, new Date());
  for (let index = 0; index < meetings; index += 1) {
    const start = slot(index + 5);
    await createMeeting(deps, tenant.tutor, {
      ...meetingInput([tenant.learner.userId], `Meeting ${index}`),
      startsAt: start.toJSDate(),
      endsAt: start.plus({ minutes: 45 }).toJSDate(),
    });
  }
  const email = await learnerEmail(db, tenant.learner.userId);
  return { events: count, email, password: TEST_PASSWORD };
}

async function learnerEmail(db: Database, userId: string): Promise<string> {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!row) throw new Error('no learner');
  return row.email;
}
