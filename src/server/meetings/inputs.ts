import { z } from 'zod';
import { MEETING_KINDS } from '@/server/db/schema';
import { recurrenceInputSchema } from '@/server/recurrence/rule-input';
import { instantSchema } from '@/server/time/range';
import { timeZoneSchema } from '@/server/time/zones';
import { storableText } from '@/server/validation/text';
import { editedVersionSchema } from '@/server/validation/version';

export const MAX_ATTENDEES = 50;
export const MAX_GUESTS = 20;
export const MAX_MEETING_HOURS = 24;
export const MEETING_TOO_LONG = `A meeting may last at most ${MAX_MEETING_HOURS} hours`;
export const MEETING_CHANGED_MEANWHILE =
  'Someone else changed this meeting while you were editing. Reload to see their change.';

const httpUrl = storableText()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'Enter a web address starting with https://' }));

function endsAfterStart(value: { startsAt?: Date; endsAt?: Date }): boolean {
  return !value.startsAt || !value.endsAt || value.endsAt > value.startsAt;
}

export function withinMaxLength(value: { startsAt?: Date; endsAt?: Date }): boolean {
  if (!value.startsAt || !value.endsAt) return true;
  return value.endsAt.getTime() - value.startsAt.getTime() <= MAX_MEETING_HOURS * 3_600_000;
}

export const meetingIdSchema = z.strictObject({ id: z.uuid() });

/** A meeting as the calendar draws it: with `originalStartsAt`, that occurrence of a recurring one. */
export const drawnMeetingSchema = meetingIdSchema.extend({ originalStartsAt: instantSchema.optional() });

/**
 * A meeting's fields as a person gives them, without defaults: creating fills the blanks in,
 * while an update leaves an omitted field as it is (a default there would overwrite it).
 */
const meetingFieldsSchema = z.strictObject({
  kind: z.enum(MEETING_KINDS),
  title: storableText().trim().min(1, 'A title is required').max(200),
  description: storableText().trim().max(10_000).nullable(),
  location: storableText().trim().max(500).nullable(),
  onlineUrl: httpUrl.nullable(),
  startsAt: instantSchema,
  endsAt: instantSchema,
  timeZone: timeZoneSchema,
  attendeeUserIds: z
    .array(storableText().min(1).max(100))
    .min(1, 'Invite at least one learner')
    .max(MAX_ATTENDEES, `At most ${MAX_ATTENDEES} attendees`),
});
const fields = meetingFieldsSchema.shape;

/** Outside guests (not members), by email: an employer's mentor. A member's address makes them that member. */
const guestSchema = z.strictObject({
  email: storableText()
    .trim()
    .toLowerCase()
    .max(320)
    .pipe(z.email({ message: 'Enter a guest email address like name@example.org' })),
  name: storableText().trim().max(200).nullable().default(null),
});
export const guestsSchema = z
  .array(guestSchema)
  .max(MAX_GUESTS, `At most ${MAX_GUESTS} outside guests`)
  .refine((guests) => new Set(guests.map((guest) => guest.email)).size === guests.length, {
    message: 'Each guest email may appear only once',
  });

export const createMeetingSchema = meetingFieldsSchema
  .extend({
    kind: fields.kind.default('meeting'),
    description: fields.description.default(null),
    location: fields.location.default(null),
    onlineUrl: fields.onlineUrl.default(null),
    guests: guestsSchema.default([]),
    /** Absent: a single meeting. */
    recurrence: recurrenceInputSchema.optional(),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: MEETING_TOO_LONG, path: ['endsAt'] });
export type CreateMeetingInput = z.output<typeof createMeetingSchema>;

/**
 * Which part of a recurring meeting a change or cancellation is for: the occurrence the series
 * puts at `originalStartsAt` (RECURRENCE-ID), it and every later one, or the whole series.
 */
export const OCCURRENCE_SCOPES = ['occurrence', 'following', 'series'] as const;
export type OccurrenceScope = (typeof OCCURRENCE_SCOPES)[number];
export const occurrenceScopeSchema = z.strictObject({
  scope: z.enum(OCCURRENCE_SCOPES, { message: 'Choose this occurrence, this and following, or all' }),
  originalStartsAt: instantSchema,
});
export type OccurrenceScopeInput = z.output<typeof occurrenceScopeSchema>;

/**
 * With `occurrence`, `startsAt` / `endsAt` are the new times of that occurrence (a series or
 * "following" change shifts the others by as much). `recurrence`: a new rule for the series
 * (null: stop repeating), for the whole series only.
 */
export const updateMeetingSchema = meetingIdSchema
  .extend({
    version: editedVersionSchema,
    ...meetingFieldsSchema.partial().shape,
    occurrence: occurrenceScopeSchema.optional(),
    recurrence: recurrenceInputSchema.nullable().optional(),
  })
  .refine(endsAfterStart, { message: 'The meeting must end after it starts', path: ['endsAt'] })
  .refine(withinMaxLength, { message: MEETING_TOO_LONG, path: ['endsAt'] });
export type UpdateMeetingInput = z.output<typeof updateMeetingSchema>;

export const cancelMeetingSchema = meetingIdSchema.extend({ occurrence: occurrenceScopeSchema.optional() });
export type CancelMeetingInput = z.output<typeof cancelMeetingSchema>;

export const MAX_ANSWER_COMMENT = 1000;
/** A comment sent with an answer (Tandem, an email link). */
export const answerCommentSchema = storableText()
  .trim()
  .max(MAX_ANSWER_COMMENT, `A comment may be at most ${MAX_ANSWER_COMMENT} characters`);

export const respondSchema = meetingIdSchema.extend({
  response: z.enum(['accepted', 'declined', 'tentative']),
  comment: answerCommentSchema.nullish(),
});
export type RespondInput = z.output<typeof respondSchema>;

/** The organiser takes an attendee's proposed time, from the version they saw it on. */
export const acceptProposedTimeSchema = meetingIdSchema.extend({
  attendeeId: z.uuid(),
  version: editedVersionSchema,
});
export type AcceptProposedTimeInput = z.output<typeof acceptProposedTimeSchema>;
