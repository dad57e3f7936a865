import { z } from 'zod';
import { MEETING_KINDS } from '@/server/db/schema';
import { instantSchema } from '@/server/time/range';
import { timeZoneSchema } from '@/server/time/zones';
import { storableText } from '@/server/validation/text';
import { editedVersionSchema } from '@/server/validation/version';

export const MAX_ATTENDEES = 50;
export const MAX_MEETING_HOURS = 24;
export const MEETING_TOO_LONG = `A meeting may last at most ${MAX_MEETING_HOURS} hours`;
export const MEETING_CHANGED_MEANWHILE =
  'Someone else changed this meeting while you were editing. Reload to see their change.';

const httpUrl = storableText()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'Enter a web address starting with https://' }));

const meetingTimesShape = {
  startsAt: instantSchema,
  endsAt: instantSchema,
};

function endsAfterStart(value: { startsAt?: Date; endsAt?: Date }): boolean {
  return !value.startsAt || !value.endsAt || value.endsAt > value.startsAt;
}

export function withinMaxLength(value: { startsAt?: Date; endsAt?: Date }): boolean {
  if (!value.startsAt || !value.endsAt) return true;
  return value.endsAt.getTime() - value.startsAt.getTime() <= MAX_MEETING_HOURS * 3_600_000;
}

export const meetingDetailsShape = {
  kind: z.enum(MEETING_KINDS).default('meeting'),
  title: storableText().trim().min(1, 'A title is required').max(200),
  description: storableText().trim().max(10_000).nullable().default(null),
  location: storableText().trim().max(500).nullable().default(null),
  onlineUrl: httpUrl.nullable().default(null),
  ...meetingTimesShape,
  timeZone: timeZoneSchema,
};

export const createMeetingSchema = z
  .strictObject({
    ...meetingDetailsShape,
    attendeeUserIds: z
      .array(storableText().min(1).max(100))
      .min(1, 'Invite at least one learner')
      .max(MAX_ATTENDEES, `At most ${MAX_ATTENDEES} attendees`),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: MEETING_TOO_LONG, path: ['endsAt'] });
export type CreateMeetingInput = z.output<typeof createMeetingSchema>;

export const updateMeetingSchema = z
  .strictObject({
    id: z.uuid(),
    version: editedVersionSchema,
    kind: z.enum(MEETING_KINDS).optional(),
    title: meetingDetailsShape.title.optional(),
    description: storableText().trim().max(10_000).nullable().optional(),
    location: storableText().trim().max(500).nullable().optional(),
    onlineUrl: httpUrl.nullable().optional(),
    startsAt: instantSchema.optional(),
    endsAt: instantSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    attendeeUserIds: z.array(storableText().min(1).max(100)).min(1).max(MAX_ATTENDEES).optional(),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: MEETING_TOO_LONG, path: ['endsAt'] });
export type UpdateMeetingInput = z.output<typeof updateMeetingSchema>;

export const respondSchema = z.strictObject({
  id: z.uuid(),
  response: z.enum(['accepted', 'declined', 'tentative']),
});
export type RespondInput = z.output<typeof respondSchema>;
