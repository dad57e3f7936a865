import type { LinkResult } from '@/server/delivery/link-copies';
import { recordRemovedAttendeeCopies } from './attendee-copies';
import {
  applyOrganizerCopyChanges,
  type ConvergeDeps,
  type OrganizerChangeResult,
} from './organizer-changes';
import { findVanishedCopies } from './vanished-copies';

export interface ConvergeResult extends OrganizerChangeResult {
  /** Attendees who deleted their copy, recorded as declined. */
  removedByAttendees: number;
}

/**
 * After a calendar's sync (DESIGN.md §4 rule 5): copies of Tandem meetings that changed or
 * vanished in it update the meetings — the organiser's copy moves, renames, re-places or
 * cancels the meeting; an attendee's deleted copy is their decline.
 */
export async function convergeMeetingCopies(
  deps: ConvergeDeps,
  ref: { tenantId: string; calendarId: string },
  links: LinkResult | undefined,
): Promise<ConvergeResult> {
  const vanished = await findVanishedCopies(deps.db, ref);
  const organizer = await applyOrganizerCopyChanges(
    deps,
    ref,
    links?.changedOrganizerCopies ?? [],
    vanished.filter((copy) => copy.role === 'organizer'),
  );
  const { declined } = await recordRemovedAttendeeCopies(deps, ref, vanished);
  return { ...organizer, removedByAttendees: declined };
}
