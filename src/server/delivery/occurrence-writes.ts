import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingOccurrences } from '@/server/db/schema';
import { loadDeliveryState, type DeliveryState, type MeetingRef } from './meeting-state';
import { occurrenceItipMail } from './occurrence-email';
import { writeInstance } from './occurrence-instance';
import {
  isCurrent,
  occurrencesOf,
  recordOccurrenceWrite,
  seriesWrites,
  writesOf,
} from './occurrence-records';
import type { DeliveryDeps } from './organizer-copy';

export {
  keepSeriesCopiesCurrent,
  markInstanceSeen,
  recordOccurrenceWrite,
  writesOf,
} from './occurrence-records';

/** Where one occurrence exception goes: the organiser's instance, placed copies, Tandem's emails. */
export interface OccurrenceTarget {
  /** A calendar id, or `email:<attendeeId>`. */
  key: string;
  kind: 'organizer' | 'placed_copy' | 'email';
  calendarId: string | null;
  attendeeId: string | null;
}

export function emailTarget(attendeeId: string): string {
  return `email:${attendeeId}`;
}

/** The places an occurrence change reaches, from the meeting's delivery plan. */
export function occurrenceTargets(state: DeliveryState): OccurrenceTarget[] {
  const { plan } = state;
  const targets: OccurrenceTarget[] = [];
  if (plan.organizerCopy && !plan.organizerCopy.target.needsReconnect) {
    const calendarId = plan.organizerCopy.target.calendarId;
    targets.push({ key: calendarId, kind: 'organizer', calendarId, attendeeId: null });
  }
  for (const attendee of plan.attendees) {
    if (attendee.copyTarget) {
      const calendarId = attendee.copyTarget.calendarId;
      targets.push({ key: calendarId, kind: 'placed_copy', calendarId, attendeeId: attendee.attendeeId });
    }
    if (attendee.tandemSendsItip) {
      const key = emailTarget(attendee.attendeeId);
      targets.push({ key, kind: 'email', calendarId: null, attendeeId: attendee.attendeeId });
    }
  }
  return targets;
}

/**
 * Occurrence exceptions some place has not got at their version yet (planDeliveryWork): a series
 * that is cancelled as a whole needs none, its CANCEL covers every occurrence.
 */
export async function occurrencesBehind(db: Executor, state: DeliveryState): Promise<string[]> {
  const { meeting } = state;
  if (meeting.status === 'cancelled' || !meeting.recurrence?.length) return [];
  const rows = await occurrencesOf(db, meeting.tenantId, meeting.id);
  if (rows.length === 0) return [];
  const targets = occurrenceTargets(state);
  const written = await writesOf(
    db,
    meeting.tenantId,
    rows.map((row) => row.id),
  );
  const series = await seriesWrites(db, meeting.tenantId, meeting.id);
  return rows
    .filter((row) => row.version > 0)
    .filter((row) =>
      targets.some(
        (target) => !isCurrent(written.get(`${row.id}|${target.key}`), row, series.get(target.key)),
      ),
    )
    .map((row) => row.id);
}

export type OccurrenceOutcome = Record<string, 'written' | 'up_to_date' | 'not_found' | 'sent'>;

/**
 * Takes one occurrence exception everywhere the meeting is (DESIGN.md §4 rule 5, recurring): the
 * organiser's instance of the series is updated or cancelled with its etag, and their provider tells
 * the attendees; the instances in copies Tandem placed get the override; those Tandem emails get an
 * iMIP REQUEST or CANCEL with RECURRENCE-ID and the occurrence's SEQUENCE. Each place is recorded
 * once written, so a replayed step writes nothing twice.
 */
export async function deliverOccurrence(
  deps: DeliveryDeps,
  ref: MeetingRef & { occurrenceId: string },
): Promise<OccurrenceOutcome> {
  const state = await loadDeliveryState(deps.db, ref);
  const [occurrence] = await deps.db
    .select()
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, ref.tenantId),
        eq(meetingOccurrences.meetingId, ref.meetingId),
        eq(meetingOccurrences.id, ref.occurrenceId),
      ),
    );
  const outcome: OccurrenceOutcome = {};
  // Version 0: a row that only holds answers to an occurrence nobody changed (answers/occurrence-answers.ts).
  if (!occurrence || occurrence.version === 0 || state.meeting.status === 'cancelled') return outcome;
  const written = await writesOf(deps.db, ref.tenantId, [occurrence.id]);
  const series = await seriesWrites(deps.db, ref.tenantId, ref.meetingId);
  for (const target of occurrenceTargets(state)) {
    const record = written.get(`${occurrence.id}|${target.key}`);
    if (isCurrent(record, occurrence, series.get(target.key))) {
      outcome[target.key] = 'up_to_date';
      continue;
    }
    if (target.kind === 'email' && target.attendeeId) {
      const mail = occurrenceItipMail(deps, state, occurrence, target.attendeeId);
      if (mail) await deps.mailer.send(mail);
      await recordOccurrenceWrite(deps.db, occurrence, target.key, {
        externalId: null,
        etag: null,
        at: deps.now(),
      });
      outcome[target.key] = 'sent';
      continue;
    }
    if (!target.calendarId) continue;
    outcome[target.key] = await writeInstance(deps, state, occurrence, target, record?.externalId ?? null);
  }
  return outcome;
}
