import { describe, expect, it } from 'vitest';
import { createMeetingSchema, updateMeetingSchema } from './inputs';

const id = '6f1c1d9e-8f43-4a52-9b7e-0c6d2b1f4a11';
const startsAt = new Date('2026-03-03T10:00:00Z');
const endsAt = new Date('2026-03-03T11:00:00Z');

describe('meeting inputs', () => {
  it('fills in the optional details of a new meeting', () => {
    const input = { title: 'Check-in', startsAt, endsAt, timeZone: 'Europe/London', attendeeUserIds: ['u1'] };
    expect(createMeetingSchema.parse(input)).toEqual({
      ...input,
      kind: 'meeting',
      description: null,
      location: null,
      onlineUrl: null,
      guests: [],
    });
  });

  it('takes outside guests by address, lower-cased, each once, at most 20', () => {
    const input = { title: 'Check-in', startsAt, endsAt, timeZone: 'Europe/London', attendeeUserIds: ['u1'] };
    expect(
      createMeetingSchema.parse({
        ...input,
        guests: [{ email: ' Morgan.Lee@Brightworks.test ', name: 'Morgan Lee' }],
      }).guests,
    ).toEqual([{ email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' }]);
    const twice = [
      { email: 'a@b.test', name: null },
      { email: 'A@b.test', name: null },
    ];
    expect(createMeetingSchema.safeParse({ ...input, guests: twice }).success).toBe(false);
    const many = Array.from({ length: 21 }, (_, i) => ({ email: `g${i}@b.test`, name: null }));
    expect(createMeetingSchema.safeParse({ ...input, guests: many }).success).toBe(false);
  });

  it('leaves what an update omits as it is, rather than defaulting it', () => {
    expect(updateMeetingSchema.parse({ id, version: 1, title: 'Moved' })).toEqual({
      id,
      version: 1,
      title: 'Moved',
    });
  });

  it('checks an update field by the same rule as creating', () => {
    const refused = updateMeetingSchema.safeParse({ id, version: 1, attendeeUserIds: [] });
    expect(refused.error?.issues[0]?.message).toBe('Invite at least one learner');
    expect(updateMeetingSchema.safeParse({ id, version: 1, organizerId: 'someone else' }).success).toBe(
      false,
    );
  });
});

describe('the meeting location', () => {
  const withLocation = (location: string) => ({
    title: 'Check-in',
    location,
    startsAt,
    endsAt,
    timeZone: 'Europe/London',
    attendeeUserIds: ['u1'],
  });

  it('holds up to 500 characters, counted after trimming, on create and on update', () => {
    const longest = 'x'.repeat(500);
    expect(createMeetingSchema.parse(withLocation(`  ${longest}  `)).location).toBe(longest);
    expect(updateMeetingSchema.parse({ id, version: 1, location: longest }).location).toBe(longest);
  });

  it('refuses 501 characters on create and on update, naming the field', () => {
    const tooLong = 'x'.repeat(501);
    const created = createMeetingSchema.safeParse(withLocation(tooLong));
    const updated = updateMeetingSchema.safeParse({ id, version: 1, location: tooLong });
    expect(created.error?.issues.map((issue) => issue.path)).toEqual([['location']]);
    expect(updated.error?.issues.map((issue) => issue.path)).toEqual([['location']]);
  });
});
