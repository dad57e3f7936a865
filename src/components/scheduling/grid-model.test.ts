import { describe, expect, it } from 'vitest';
import type { PersonAvailability } from '@/server/scheduling/contract';
import {
  ALL_ATTENDEES_ID,
  combineAttendees,
  toAvailabilityEvents,
  toResources,
  toSlotEvents,
} from './grid-model';
import { moveSlot, type SlotBounds } from './slot-keys';
import { slotSummary } from './slot-summary';

const person = (
  userId: string,
  name: string,
  intervals: PersonAvailability['intervals'],
  required = true,
): PersonAvailability => ({
  userId,
  name,
  timeZone: 'Europe/London',
  role: 'learner',
  required,
  lastSyncedAt: null,
  intervals,
});

// Tuesday 1 December 2026 in London (GMT, so UTC wall times).
const tutor = person('t', 'Tess Tutor', [
  { start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:30:00Z', state: 'busy', title: 'Planning' },
]);
const sam = person('s', 'Sam Taylor', [
  { start: '2026-12-01T10:00:00Z', end: '2026-12-01T11:00:00Z', state: 'busy' },
  { start: '2026-12-01T11:00:00Z', end: '2026-12-01T12:00:00Z', state: 'tentative' },
]);
const mia = person('m', 'Mia Chen', [
  {
    start: '2026-12-01T00:00:00Z',
    end: '2026-12-02T00:00:00Z',
    state: 'unknown',
    reason: 'no_calendar_connected',
  },
]);
const guest = person(
  'g',
  'Morgan Lee',
  [{ start: '2026-12-01T10:00:00Z', end: '2026-12-01T11:00:00Z', state: 'busy' }],
  false,
);
const at = (iso: string) => new Date(iso);

describe('slotSummary', () => {
  it('says everyone is free, counting them', () => {
    expect(
      slotSummary(
        [tutor, sam],
        at('2026-12-01T14:00:00Z'),
        at('2026-12-01T15:00:00Z'),
        'Europe/London',
        'en-GB',
      ),
    ).toBe('Tuesday 1 December, 14:00 to 15:00: all 2 free');
  });

  it('names who is not free, worst first, with the reason for no information and optional guests marked', () => {
    expect(
      slotSummary(
        [tutor, sam, mia, guest],
        at('2026-12-01T10:30:00Z'),
        at('2026-12-01T11:30:00Z'),
        'Europe/London',
        'en-GB',
      ),
    ).toBe(
      'Tuesday 1 December, 10:30 to 11:30: Sam Taylor busy, Morgan Lee (optional) busy, Mia Chen no information (no calendar connected); 1 free',
    );
  });

  it('writes the time in the viewer’s zone', () => {
    expect(
      slotSummary(
        [tutor],
        at('2026-12-01T14:00:00Z'),
        at('2026-12-01T15:00:00Z'),
        'America/New_York',
        'en-GB',
      ),
    ).toBe('Tuesday 1 December, 09:00 to 10:00: all 1 free');
  });
});

describe('the grid’s rows and blocks', () => {
  it('puts All attendees on top, then the people in the order given', () => {
    expect(toResources([tutor, sam]).map((resource) => resource.id)).toEqual([ALL_ATTENDEES_ID, 't', 's']);
  });

  it('combines the required people into the worst state, never counting optional guests', () => {
    const stretches = combineAttendees([sam, guest]);
    expect(stretches.map((s) => [new Date(s.start).toISOString(), s.state, s.notFree])).toEqual([
      ['2026-12-01T10:00:00.000Z', 'busy', 1],
      ['2026-12-01T11:00:00.000Z', 'tentative', 1],
    ]);
  });

  it('labels each block in words, own titles only where the server sent them', () => {
    const titles = toAvailabilityEvents([tutor, mia])
      .filter((event) => event.resourceId !== ALL_ATTENDEES_ID)
      .map((event) => event.title);
    expect(titles).toEqual(['Busy: Planning', 'No information — no calendar connected']);
  });

  it('draws the picked slot across every row', () => {
    const slot = toSlotEvents({
      start: at('2026-12-01T10:00:00Z'),
      end: at('2026-12-01T11:00:00Z'),
      picked: true,
    });
    expect(slot).toEqual([expect.objectContaining({ id: 'slot', classNames: ['slot', 'slot-picked'] })]);
    expect(slot[0]).not.toHaveProperty('resourceId');
  });
});

describe('moveSlot', () => {
  const bounds: SlotBounds = {
    zone: 'Europe/London',
    durationMinutes: 60,
    stepMinutes: 30,
    dayStartMinutes: 8 * 60,
    dayEndMinutes: 18 * 60,
    weekdaysOnly: true,
  };
  const from = (iso: string, key: string) => moveSlot(at(iso), key, bounds)?.toISOString();

  it('moves by a slot, a day, and to the ends of the day', () => {
    expect(from('2026-12-01T10:00:00Z', 'ArrowRight')).toBe('2026-12-01T10:30:00.000Z');
    expect(from('2026-12-01T10:00:00Z', 'ArrowLeft')).toBe('2026-12-01T09:30:00.000Z');
    expect(from('2026-12-01T10:00:00Z', 'ArrowDown')).toBe('2026-12-02T10:00:00.000Z');
    expect(from('2026-12-01T10:00:00Z', 'Home')).toBe('2026-12-01T08:00:00.000Z');
    expect(from('2026-12-01T10:00:00Z', 'End')).toBe('2026-12-01T17:00:00.000Z');
    expect(from('2026-12-01T10:00:00Z', 'a')).toBeUndefined();
  });

  it('runs on to the next working day past the end of the day, skipping the weekend', () => {
    expect(from('2026-12-04T17:00:00Z', 'ArrowRight')).toBe('2026-12-07T08:00:00.000Z');
    expect(from('2026-12-07T08:00:00Z', 'ArrowLeft')).toBe('2026-12-04T17:00:00.000Z');
    expect(from('2026-12-04T10:00:00Z', 'ArrowDown')).toBe('2026-12-07T10:00:00.000Z');
  });

  it('keeps the wall time across a clock change', () => {
    // London goes to summer time on Sunday 29 March 2026: Friday 10:00 GMT → Monday 10:00 BST.
    expect(from('2026-03-27T10:00:00Z', 'ArrowDown')).toBe('2026-03-30T09:00:00.000Z');
  });
});
