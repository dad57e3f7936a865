import type { AttendeeResponseValue } from '@/server/db/schema';

export const RESPONSE_LABELS: Record<AttendeeResponseValue, string> = {
  needs_action: 'No response yet',
  accepted: 'Accepted',
  declined: 'Declined',
  tentative: 'Tentative',
};

export const KIND_LABELS = { meeting: 'Meeting', review: 'Review', task: 'Task' } as const;
