import { and, eq, or } from 'drizzle-orm';
import { seriesOccurrences } from '@/server/calendar/recurrence-expansion';
import type { Database } from '@/server/db/client';
import { externalEvents, meetings } from '@/server/db/schema';

/** One occurrence as a calendar shows it. */
export interface OccurrenceShape {
  status: 'scheduled' | 'cancelled';
  startsAt: Date;
  endsAt: Date;
  title: string | null;
  location: string | null;
}

export interface ProviderOccurrence extends OccurrenceShape {
  originalStartsAt: Date;
  externalId: string | null;
  etag: string | null;
  changedAt: Date | null;
}

type Meeting = typeof meetings.$inferSelect;

/** How far ahead an EXDATE on the organiser's series is looked for. */
const EXCLUSION_HORIZON_MS = 2 * 366 * 86_400_000;
/** The series' exceptions as the organiser's mirror holds them: exception rows, then EXDATEs. */
export async function providerOccurrences(
  deps: { db: Database },
  ref: { tenantId: string; calendarId: string },
  meeting: Meeting,
  seriesExternalId: string,
): Promise<ProviderOccurrence[]> {
  const rows = await deps.db
    .select()
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, ref.tenantId),
        eq(externalEvents.calendarId, ref.calendarId),
        or(
          eq(externalEvents.externalId, seriesExternalId),
          eq(externalEvents.seriesExternalId, seriesExternalId),
        ),
      ),
    );
  const found: ProviderOccurrence[] = [];
  const seen = new Set<number>();
  for (const row of rows) {
    if (row.externalId === seriesExternalId || !row.originalStartAt || row.allDay) continue;
    seen.add(row.originalStartAt.getTime());
    found.push({
      originalStartsAt: row.originalStartAt,
      status: row.status === 'cancelled' ? 'cancelled' : 'scheduled',
      startsAt: row.startAt,
      endsAt: row.endAt,
      title: row.title?.trim() ? row.title : null,
      location: (row.location ?? '').trim() || null,
      externalId: row.externalId,
      etag: row.etag,
      changedAt: row.providerUpdatedAt,
    });
  }
  const master = rows.find((row) => row.externalId === seriesExternalId);
  const exdates = (master?.recurrence ?? []).filter((line) => /^EXDATE[;:]/i.test(line.trim()));
  if (master && exdates.length > 0) {
    const start = { kind: 'timed' as const, start: meeting.startsAt, timeZone: meeting.timeZone };
    const until = new Date(meeting.startsAt.getTime() + EXCLUSION_HORIZON_MS);
    const tandem = seriesOccurrences({ recurrence: meeting.recurrence!, start }, meeting.startsAt, until);
    const there = new Set(
      seriesOccurrences(
        { recurrence: [...meeting.recurrence!, ...exdates], start },
        meeting.startsAt,
        until,
      ).map((instant) => instant.getTime()),
    );
    const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
    for (const instant of tandem) {
      if (there.has(instant.getTime()) || seen.has(instant.getTime())) continue;
      found.push({
        originalStartsAt: instant,
        status: 'cancelled',
        startsAt: instant,
        endsAt: new Date(instant.getTime() + length),
        title: null,
        location: null,
        externalId: null,
        etag: null,
        changedAt: master.providerUpdatedAt,
      });
    }
  }
  return found;
}
