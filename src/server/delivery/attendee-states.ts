import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingAttendees, type DeliveryMethod, type DeliveryState } from '@/server/db/schema';

/**
 * Where an invitation got to, per attendee, in plain words (queries.ts shows it on the meeting).
 * `sequence` records the SEQUENCE delivered, so a replay sends nothing twice.
 */
export async function setAttendeeDelivery(
  db: Executor,
  tenantId: string,
  attendeeIds: string[],
  update: {
    method: DeliveryMethod;
    state: DeliveryState;
    detail: string;
    /** Set when this delivery completed for the meeting's current SEQUENCE. */
    sequence?: number;
    at: Date;
    /** Keep a detail saying the copy was found in the person's own calendar ("in Outlook"). */
    keepFoundDetail?: boolean;
  },
): Promise<void> {
  if (attendeeIds.length === 0) return;
  const detail = update.keepFoundDetail
    ? sql`case when ${meetingAttendees.deliveryDetail} like 'in %' then ${meetingAttendees.deliveryDetail} else ${update.detail} end`
    : update.detail;
  await db
    .update(meetingAttendees)
    .set({
      deliveryMethod: update.method,
      deliveryState: update.state,
      deliveryDetail: detail,
      ...(update.sequence !== undefined
        ? { deliveredSequence: update.sequence, deliveredAt: update.at }
        : {}),
    })
    .where(and(eq(meetingAttendees.tenantId, tenantId), inArray(meetingAttendees.id, attendeeIds)));
}
