/**
 * The model of the randomized convergence run: what should be true of each meeting once
 * everything has synced.
 */
import type { AttendeeResponse } from '@/server/providers/types';
import { learnerCalendarKind, type LearnerRole, type TenantKind } from '@/tests/support/convergence-world';
import { seriesOrganizerSynced, type ModelSeries } from './series-model';

export interface Fields {
  title: string;
  location: string | null;
  startsAt: number;
  endsAt: number;
}

export interface ModelMeeting {
  id: string;
  icalUid: string;
  tenant: TenantKind;
  fields: Fields;
  status: 'scheduled' | 'cancelled';
  attendees: Set<LearnerRole>;
  /**
   * `unknown`: invited again after being removed — whether their earlier answer comes back from the
   * organiser's copy is an open question (see the report), so it is not asserted until they answer.
   */
  answers: Map<LearnerRole, AttendeeResponse | 'unknown'>;
  /** Learners removed from this meeting at some point. */
  everRemoved: Set<LearnerRole>;
  /** Learners who answered in their own calendar since it was last synced. */
  unsyncedAnswers: Set<LearnerRole>;
  /**
   * Learners who deleted their copy, or declined in Outlook (which removes it): shown declined;
   * whether a later update puts it back is not asserted.
   */
  removedCopy: Set<LearnerRole>;
  /** Learners whose Outlook copy a move gave back: not linked until their calendar syncs. */
  copyGivenBack: Set<LearnerRole>;
  /** A change the organiser made in their own calendar that no sync has brought in yet. */
  pending: { fields: Fields; deleted: boolean } | null;
  /** The operations that acted on it (index: kind), for the failure message. */
  history: string[];
  /** A recurring meeting's weekly starts and exceptions (series-model.ts); absent for a single one. */
  series?: ModelSeries;
}

export interface Model {
  meetings: ModelMeeting[];
  /** Attendee-side actions not synced yet, per tenant: a sync then is not an echo. */
  unsynced: Set<TenantKind>;
}

/**
 * Which meetings an operation picks among: `single` the ones that do not repeat (the operations a
 * series does not model: whole-series moves, attendee changes and answers), `series` the recurring
 * ones, `any` both.
 */
export type PickAmong = 'single' | 'series' | 'any';

export function live(model: Model, m: number, among: PickAmong = 'single'): ModelMeeting | null {
  const scheduled = model.meetings.filter(
    (meeting) =>
      meeting.status === 'scheduled' && (among === 'any' || (among === 'series') === Boolean(meeting.series)),
  );
  return scheduled.length === 0 ? null : scheduled[m % scheduled.length]!;
}

/** The organiser's calendar was synced: their unsynced changes become the meeting's. */
export function organizerSynced(model: Model, tenant: TenantKind) {
  for (const meeting of model.meetings) {
    if (meeting.tenant !== tenant) continue;
    seriesOrganizerSynced(meeting);
    if (!meeting.pending) continue;
    const { fields, deleted } = meeting.pending;
    if (deleted) {
      meeting.status = 'cancelled';
    } else {
      const moved = fields.startsAt !== meeting.fields.startsAt || fields.endsAt !== meeting.fields.endsAt;
      meeting.fields = fields;
      // A move there keeps the answers the organiser's copy still shows (the provider's word,
      // organizer-changes.ts): Google keeps them on the organiser's own move; Outlook's full update
      // clears them (MS-OXOCAL 3.1.4.7.3.2), so everyone answers again.
      if (moved && tenant === 'microsoft') askAgain(meeting);
    }
    meeting.pending = null;
  }
}

/**
 * The meeting moved: everyone is asked again. Outlook's full update also gives a decliner (whose
 * copy Outlook took away) a copy again, asking them too (MS-OXOCAL 3.1.4.7.4.2 treats an update
 * with no meeting in the calendar as a new request); elsewhere a removed copy keeps its decline.
 */
export function askAgain(meeting: ModelMeeting) {
  const before = new Map(meeting.answers);
  for (const who of meeting.attendees) {
    if (meeting.answers.get(who) === 'unknown') continue;
    if (learnerCalendarKind(meeting.tenant, who) === 'microsoft' && meeting.removedCopy.delete(who))
      meeting.copyGivenBack.add(who);
    if (!meeting.removedCopy.has(who)) meeting.answers.set(who, 'needs_action');
  }
  // Known gap (report): a Tandem-placed CalDAV copy keeps the learner's PARTSTAT through a move, and
  // a later sync can read it back as an answer to the new time. Not asserted.
  for (const who of meeting.attendees)
    if (learnerCalendarKind(meeting.tenant, who) === 'caldav' && before.get(who) !== 'needs_action')
      meeting.answers.set(who, 'unknown');
}
