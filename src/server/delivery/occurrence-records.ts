import { and, eq, gte, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingLinks, meetingOccurrences, meetingOccurrenceWrites } from '@/server/db/schema';

/**
 * What delivery wrote of each occurrence exception, where (meeting_occurrence_writes), and the
 * series copies an occurrence-only change leaves as they are.
 */

export type Occurrence = typeof meetingOccurrences.$inferSelect;

/**
 * Written at the occurrence's version, and after the series was last written there: a calendar
 * that rewrites the whole series (Graph's pattern, a CalDAV master) may have dropped the exception.
 */
export function isCurrent(
  record: OccurrenceWrite | undefined,
  occurrence: Occurrence,
  seriesWrittenAt?: Date,
): boolean {
  if (!record || record.writtenVersion < occurrence.version) return false;
  return !seriesWrittenAt || record.writtenAt.getTime() >= seriesWrittenAt.getTime();
}

/** When the series was last written or seen in each calendar, by calendar id. */
export async function seriesWrites(
  db: Executor,
  tenantId: string,
  meetingId: string,
): Promise<Map<string, Date>> {
  const links = await db
    .select({
      calendarId: meetingLinks.calendarId,
      updatedAt: meetingLinks.updatedAt,
      state: meetingLinks.state,
    })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.meetingId, meetingId)));
  return new Map(
    links.filter((link) => link.state === 'written').map((link) => [link.calendarId, link.updatedAt]),
  );
}

/**
 * A change to occurrences only leaves the series as each calendar holds it: copies written at the
 * version before are marked as holding the new one, so delivery does not rewrite (and re-announce)
 * the whole series; the occurrence step writes just the instance. For whoever changes an
 * occurrence (Tandem's API, or sync bringing the organiser's), inside their transaction.
 */
export async function keepSeriesCopiesCurrent(
  tx: Executor,
  ref: { tenantId: string; meetingId: string },
  versions: { previous: number; next: number },
): Promise<void> {
  await tx
    .update(meetingLinks)
    .set({ writtenVersion: versions.next })
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, ref.meetingId),
        eq(meetingLinks.state, 'written'),
        gte(meetingLinks.writtenVersion, versions.previous),
      ),
    );
}

export async function occurrencesOf(
  db: Executor,
  tenantId: string,
  meetingId: string,
): Promise<Occurrence[]> {
  return db
    .select()
    .from(meetingOccurrences)
    .where(and(eq(meetingOccurrences.tenantId, tenantId), eq(meetingOccurrences.meetingId, meetingId)));
}

export type OccurrenceWrite = typeof meetingOccurrenceWrites.$inferSelect;

/** Write records by `<occurrenceId>|<target>`. */
export async function writesOf(
  db: Executor,
  tenantId: string,
  occurrenceIds: string[],
): Promise<Map<string, OccurrenceWrite>> {
  if (occurrenceIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(meetingOccurrenceWrites)
    .where(
      and(
        eq(meetingOccurrenceWrites.tenantId, tenantId),
        inArray(meetingOccurrenceWrites.occurrenceId, occurrenceIds),
      ),
    );
  return new Map(rows.map((row) => [`${row.occurrenceId}|${row.target}`, row]));
}

/** The occurrence at its version is in `target`: recorded after the write, so a crash between writes again. */
export async function recordOccurrenceWrite(
  db: Executor,
  occurrence: Pick<Occurrence, 'id' | 'tenantId' | 'version'>,
  target: string,
  written: { externalId: string | null; etag: string | null; at: Date },
): Promise<void> {
  const values = {
    externalId: written.externalId,
    etag: written.etag,
    writtenVersion: occurrence.version,
    writtenAt: written.at,
  };
  await db
    .insert(meetingOccurrenceWrites)
    .values({ tenantId: occurrence.tenantId, occurrenceId: occurrence.id, target, ...values })
    .onConflictDoUpdate({
      target: [meetingOccurrenceWrites.occurrenceId, meetingOccurrenceWrites.target],
      set: values,
    });
}

/**
 * The instance as the calendar shows it now was seen (a change there that lost to Tandem's later
 * one): its etag is kept, so the next sync does not weigh it again; the written version stays.
 */
export async function markInstanceSeen(
  db: Executor,
  occurrence: Pick<Occurrence, 'id' | 'tenantId'>,
  target: string,
  seen: { externalId: string | null; etag: string },
): Promise<void> {
  await db
    .insert(meetingOccurrenceWrites)
    .values({
      tenantId: occurrence.tenantId,
      occurrenceId: occurrence.id,
      target,
      externalId: seen.externalId,
      etag: seen.etag,
      writtenVersion: 0,
    })
    .onConflictDoUpdate({
      target: [meetingOccurrenceWrites.occurrenceId, meetingOccurrenceWrites.target],
      set: { etag: seen.etag },
    });
}
