import type { Role } from '@/server/db/schema';

/*
 * Who may send meetings and reviews: the one rule the router, the service and the Calendar page
 * all ask. No server-only imports here, so client components can import it as well.
 */

export const ORGANIZER_REFUSAL = 'Only tutors and admins can send meetings and reviews.';

export function canOrganize(role: Role): boolean {
  return role === 'tutor' || role === 'admin';
}
