import { z } from 'zod';
import { MEETING_KINDS } from '@/server/db/schema';
import { instantSchema } from '@/server/time/range';
import { timeZoneSchema } from '@/server/time/zones';

export const MAX_ATTENDEES = 50;
const MAX_MEETING_HOURS = 24;

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a web address starting with https://' })
  .max(2000);

const meetingTimesShape = {
  startsAt: instantSchema,
  endsAt: instantSchema,
};

function endsAfterStart(value: { startsAt?: Date; endsAt?: Date }): boolean {
  return !value.startsAt || !value.endsAt || value.endsAt > value.startsAt;
}

function withinMaxLength(value: { startsAt?: Date; endsAt?: Date }): boolean {
  if (!value.startsAt || !value.endsAt) return true;
  return value.endsAt.getTime() - value.startsAt.getTime() <= MAX_MEETING_HOURS * 3_600_000;
}

export const meetingDetailsShape = {
  kind: z.enum(MEETING_KINDS).default('meeting'),
  title: z.string().trim().min(1, 'A title is required').max(200),
  description: z.string().trim().max(10_000).nullable().default(null),
  location: z.string().trim().max(500).nullable().default(null),
  onlineUrl: httpUrl.nullable().default(null),
  ...meetingTimesShape,
  timeZone: timeZoneSchema,
};

export const createMeetingSchema = z
  .object({
    ...meetingDetailsShape,
    attendeeUserIds: z
      .array(z.string().min(1).max(100))
      .min(1, 'Invite at least one learner')
      .max(MAX_ATTENDEES, `At most ${MAX_ATTENDEES} attendees`),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: `A meeting may last at most ${MAX_MEETING_HOURS} hours`, path: ['endsAt'] });
export type CreateMeetingInput = z.output<typeof createMeetingSchema>;

export const updateMeetingSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(MEETING_KINDS).optional(),
    title: meetingDetailsShape.title.optional(),
    description: z.string().trim().max(10_000).nullable().optional(),
    location: z.string().trim().max(500).nullable().optional(),
    onlineUrl: httpUrl.nullable().optional(),
    startsAt: instantSchema.optional(),
    endsAt: instantSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    attendeeUserIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_ATTENDEES).optional(),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: `A meeting may last at most ${MAX_MEETING_HOURS} hours`, path: ['endsAt'] });
export type UpdateMeetingInput = z.output<typeof updateMeetingSchema>;

export const respondSchema = z.object({
  id: z.uuid(),
  response: z.enum(['accepted', 'declined', 'tentative']),
});
export type RespondInput = z.output<typeof respondSchema>;
