/**
 * Recurring meetings for the occurrence tests, made directly in the database (the Tandem-side API
 * for series is built elsewhere): a weekly series delivered as such, and an occurrence exception
 * made in Tandem the way that API does it (row upserted at a new meeting version, job sent).
 */
import { and, eq, sql } from 'drizzle-orm';
import { seriesOccurrences } from '@/server/calendar/recurrence-expansion';
import { meetingOccurrences, meetings } from '@/server/db/schema';
import { keepSeriesCopiesCurrent } from '@/server/delivery/occurrence-writes';
import { createMeeting } from '@/server/meetings/schedule';
import type { Actor } from '@/server/tenants/actor';
import { meetingInput } from './delivery-checks';
import type { DeliveryTestbed } from './delivery-testbed';

export const WEEK = 7 * 86_400_000;

export async function sendWeeklySeries(
  t: DeliveryTestbed,
  organizer: Actor,
  attendeeIds: string[],
  count = 4,
) {
  const created = await createMeeting(
    { ...t.schedule, jobs: { send: async () => {} } },
    organizer,
    meetingInput(attendeeIds),
  );
  const [row] = await t.database.db
    .update(meetings)
    .set({ recurrence: [`RRULE:FREQ=WEEKLY;COUNT=${count}`] })
    .where(and(eq(meetings.tenantId, organizer.tenantId), eq(meetings.id, created.id)))
    .returning({ version: meetings.version });
  await t.driver.send({
    name: 'tandem/meeting.changed',
    data: { tenantId: organizer.tenantId, meetingId: created.id, version: row!.version },
  });
  await t.driver.idle();
  const [meeting] = await t.database.db.select().from(meetings).where(eq(meetings.id, created.id));
  return meeting!;
}

/** The `n`th start (0-based) of a series, in its own zone (DST-correct). */
export function nthStart(
  meeting: { startsAt: Date; timeZone: string; recurrence: string[] | null },
  n: number,
): Date {
  const starts = seriesOccurrences(
    {
      recurrence: meeting.recurrence ?? [],
      start: { kind: 'timed', start: meeting.startsAt, timeZone: meeting.timeZone },
    },
    meeting.startsAt,
    new Date(meeting.startsAt.getTime() + 60 * WEEK),
  );
  const start = starts[n];
  if (!start) throw new Error(`the series has no occurrence ${n}`);
  return start;
}

export async function changeOccurrenceInTandem(
  t: DeliveryTestbed,
  organizer: Actor,
  meetingId: string,
  originalStartsAt: Date,
  change: { status: 'scheduled' | 'cancelled'; startsAt: Date; endsAt: Date; title?: string | null },
  options: { deliver?: boolean } = {},
): Promise<number> {
  const version = await t.database.db.transaction(async (tx) => {
    const [bumped] = await tx
      .update(meetings)
      .set({ version: sql`${meetings.version} + 1`, updatedAt: new Date() })
      .where(and(eq(meetings.tenantId, organizer.tenantId), eq(meetings.id, meetingId)))
      .returning({ version: meetings.version });
    const values = {
      status: change.status,
      startsAt: change.startsAt,
      endsAt: change.endsAt,
      title: change.title ?? null,
      version: bumped!.version,
      sequence: sql`${meetingOccurrences.sequence} + 1`,
      updatedAt: new Date(),
      updatedBy: organizer.userId,
      changedIn: 'tandem',
    };
    await tx
      .insert(meetingOccurrences)
      .values({ tenantId: organizer.tenantId, meetingId, originalStartsAt, ...values, sequence: 1 })
      .onConflictDoUpdate({
        target: [meetingOccurrences.meetingId, meetingOccurrences.originalStartsAt],
        set: values,
      });
    await keepSeriesCopiesCurrent(
      tx,
      { tenantId: organizer.tenantId, meetingId },
      { previous: bumped!.version - 1, next: bumped!.version },
    );
    return bumped!.version;
  });
  if (options.deliver === false) return version;
  await t.driver.send({
    name: 'tandem/meeting.changed',
    data: { tenantId: organizer.tenantId, meetingId, version },
  });
  await t.driver.idle();
  return version;
}

export async function occurrenceRows(t: DeliveryTestbed, meetingId: string) {
  return t.database.db
    .select()
    .from(meetingOccurrences)
    .where(eq(meetingOccurrences.meetingId, meetingId))
    .orderBy(meetingOccurrences.originalStartsAt);
}
