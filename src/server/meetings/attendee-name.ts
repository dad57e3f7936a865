import { sql } from 'drizzle-orm';
import { meetingAttendees, users } from '@/server/db/schema';

/**
 * An attendee's name in a query that left-joins `users` on `meeting_attendees.user_id`: a
 * member's own name, else the name the organiser typed for an outside guest.
 */
export const attendeeDisplayName = sql<string | null>`coalesce(${users.name}, ${meetingAttendees.name})`;
