import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insideOne, joined, overlapsAny, type SlotPerson } from './slot-people';
import { SLOT_STEP_MS, nextFreeStart, suggestSlots, type SuggestRequest } from './suggest-slots';
import { workingSpans, type Span } from './working-hours';

const HOUR = 3_600_000;
const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
/** Days around DST changes: New York 8 March, London 29 March, Lord Howe 5 April 2026. */
const STARTS = [
  '2026-03-07T00:00:00Z',
  '2026-03-28T00:00:00Z',
  '2026-04-04T00:00:00Z',
  '2026-06-01T00:00:00Z',
].map(Date.parse);

const personArb = (index: number, base: number) =>
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      startHour: fc.integer({ min: 6, max: 11 }),
      hours: fc.integer({ min: 4, max: 10 }),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      required: fc.boolean(),
      isLearner: fc.boolean(),
      blocks: fc.array(
        fc.record({ at: fc.integer({ min: 0, max: 4 * 96 }), quarters: fc.integer({ min: 1, max: 12 }) }),
        { maxLength: 12 },
      ),
      tentative: fc.array(
        fc.record({ at: fc.integer({ min: 0, max: 4 * 96 }), quarters: fc.integer({ min: 1, max: 8 }) }),
        { maxLength: 4 },
      ),
    })
    .map((p): SlotPerson => {
      const toSpans = (list: { at: number; quarters: number }[]): Span[] =>
        joined(
          list.map((b) => ({
            start: base + b.at * SLOT_STEP_MS,
            end: base + (b.at + b.quarters) * SLOT_STEP_MS,
          })),
        );
      const end = `${String(Math.min(p.startHour + p.hours, 23)).padStart(2, '0')}:00`;
      return {
        userId: `u${index}`,
        name: `Person ${index}`,
        required: index === 0 || p.required,
        isLearner: p.isLearner,
        blocking: toSpans(p.blocks),
        tentative: toSpans(p.tentative),
        unknown: [],
        working: workingSpans(
          { days: p.days, start: `${String(p.startHour).padStart(2, '0')}:00`, end },
          p.zone,
          base - 24 * HOUR,
          base + 5 * 24 * HOUR,
        ),
      };
    });

const scenarioArb = fc
  .record({ base: fc.constantFrom(...STARTS), count: fc.integer({ min: 1, max: 5 }) })
  .chain(({ base, count }) =>
    fc.record({
      base: fc.constant(base),
      people: fc.tuple(...Array.from({ length: count }, (_, i) => personArb(i, base))),
      durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
      bufferMinutes: fc.constantFrom(0, 5, 10, 15, 30),
      limit: fc.integer({ min: 1, max: 10 }),
    }),
  )
  .map(({ base, people, ...rest }) => ({
    people: people as SlotPerson[],
    request: {
      from: base,
      to: base + 4 * 24 * HOUR,
      now: base,
      viewerZone: 'Europe/London',
      ...rest,
    } satisfies SuggestRequest,
  }));

/** The slow, obvious oracle: is there any quarter-hour start with every required person free and at work? */
function perfectSlotExists(people: SlotPerson[], request: SuggestRequest): boolean {
  const duration = request.durationMinutes * 60_000;
  const buffer = request.bufferMinutes * 60_000;
  for (let start = request.from; start + duration <= request.to; start += SLOT_STEP_MS) {
    const end = start + duration;
    const ok = people
      .filter((p) => p.required)
      .every(
        (p) => !overlapsAny(p.blocking, start - buffer, end + buffer) && insideOne(p.working, start, end),
      );
    if (ok) return true;
  }
  return false;
}

describe('suggestSlots (properties)', () => {
  it('never overlaps a required person’s busy time or its buffer; slots are distinct, in range and of the length asked', () => {
    fc.assert(
      fc.property(scenarioArb, ({ people, request }) => {
        const slots = suggestSlots(people, request);
        expect(slots.length).toBeLessThanOrEqual(request.limit);
        const buffer = request.bufferMinutes * 60_000;
        for (const slot of slots) {
          const start = Date.parse(slot.start);
          const end = Date.parse(slot.end);
          expect(end - start).toBe(request.durationMinutes * 60_000);
          expect(start).toBeGreaterThanOrEqual(Math.max(request.from, request.now));
          expect(end).toBeLessThanOrEqual(request.to);
          for (const person of people.filter((p) => p.required))
            expect(overlapsAny(person.blocking, start - buffer, end + buffer)).toBe(false);
          expect(
            slot.busyUserIds.every((id) => people.find((p) => p.userId === id)?.required === false),
          ).toBe(true);
        }
        for (const [i, a] of slots.entries())
          for (const b of slots.slice(i + 1)) expect(a.end <= b.start || b.end <= a.start).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('offers only slots inside every required person’s working hours whenever one exists', () => {
    fc.assert(
      fc.property(scenarioArb, ({ people, request }) => {
        const slots = suggestSlots(people, request);
        const required = new Set(people.filter((p) => p.required).map((p) => p.userId));
        if (perfectSlotExists(people, request)) {
          expect(slots.length).toBeGreaterThan(0);
          for (const slot of slots) {
            expect(slot.outsideHoursUserIds.filter((id) => required.has(id))).toEqual([]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is stable: equal inputs (in any order of spans) give equal suggestions', () => {
    fc.assert(
      fc.property(scenarioArb, ({ people, request }) => {
        const again = people.map((p) => ({ ...p, blocking: joined([...p.blocking].reverse()) }));
        expect(suggestSlots(again, { ...request })).toEqual(suggestSlots(people, request));
      }),
      { numRuns: 100 },
    );
  });

  it('an optional guest never blocks: one busy all the time leaves the times unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, ({ people, request }) => {
        const guest: SlotPerson = {
          userId: 'guest',
          name: 'Guest',
          required: false,
          isLearner: false,
          blocking: [{ start: request.from - HOUR, end: request.to + HOUR }],
          tentative: [],
          unknown: [],
          working: [],
        };
        const times = (list: ReturnType<typeof suggestSlots>) => list.map((s) => [s.start, s.end]);
        const withGuest = suggestSlots([...people, guest], request);
        expect(times(withGuest)).toEqual(times(suggestSlots(people, request)));
        for (const slot of withGuest) expect(slot.busyUserIds).toContain('guest');
      }),
      { numRuns: 100 },
    );
  });
});

describe('suggestSlots with no information for anyone', () => {
  /** Nobody has a calendar connected: nothing busy or tentative, every moment unknown. */
  const uninformed = (people: SlotPerson[], request: SuggestRequest): SlotPerson[] =>
    people.map((person) => ({
      ...person,
      required: true,
      blocking: [],
      tentative: [],
      unknown: [{ start: request.from - 24 * HOUR, end: request.to + 24 * HOUR }],
    }));

  it('offers the soonest times inside the most working hours, in order, each naming everyone as unknown', () => {
    fc.assert(
      fc.property(scenarioArb, ({ people: scenario, request }) => {
        const people = uninformed(scenario, request);
        const slots = suggestSlots(people, request);
        // The oracle: walk the quarter hours in order and keep each time that is inside as many
        // people's hours as any time can be and does not overlap one already kept.
        const duration = request.durationMinutes * 60_000;
        const starts: number[] = [];
        for (let start = request.from; start + duration <= request.to; start += SLOT_STEP_MS)
          starts.push(start);
        const outside = (start: number) =>
          people.filter((person) => !insideOne(person.working, start, start + duration)).length;
        const fewest = Math.min(...starts.map(outside));
        const expected: number[] = [];
        for (const start of starts) {
          if (expected.length >= request.limit) break;
          if (outside(start) !== fewest) continue;
          if (expected.some((kept) => kept < start + duration && start < kept + duration)) continue;
          expected.push(start);
        }
        expect(slots.map((slot) => Date.parse(slot.start))).toEqual(expected);
        for (const slot of slots) expect(slot.unknownUserIds).toEqual(people.map((person) => person.userId));
      }),
      { numRuns: 150 },
    );
  });
});

describe('suggestSlots (examples)', () => {
  const base = Date.parse('2026-03-03T00:00:00Z'); // Tuesday
  const london = (id: string, blocking: Span[], isLearner = true): SlotPerson => ({
    userId: id,
    name: id === 'tutor' ? 'Alex' : 'Sam',
    required: true,
    isLearner,
    blocking,
    tentative: [],
    unknown: [],
    working: workingSpans(
      { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
      'Europe/London',
      base,
      base + 24 * HOUR,
    ),
  });
  const request: SuggestRequest = {
    from: base,
    to: base + 24 * HOUR,
    now: base,
    durationMinutes: 60,
    bufferMinutes: 0,
    limit: 3,
    viewerZone: 'Europe/London',
  };

  it('ranks soonest first and says who is free', () => {
    const slots = suggestSlots([london('tutor', [], false), london('sam', [])], request);
    expect(slots.map((s) => s.summary)).toEqual([
      'Tuesday 3 March, 09:00 to 10:00: all 2 free',
      'Tuesday 3 March, 10:00 to 11:00: all 2 free',
      'Tuesday 3 March, 11:00 to 12:00: all 2 free',
    ]);
  });

  it('does not fill the list with times outside working hours when few good ones remain', () => {
    const busyDay = { start: base + 9 * HOUR, end: base + 16 * HOUR };
    const slots = suggestSlots([london('tutor', [], false), london('sam', [busyDay])], request);
    expect(slots.map((s) => s.summary)).toEqual(['Tuesday 3 March, 16:00 to 17:00: all 2 free']);
  });

  it('keeps the learner off back-to-back meetings when it can', () => {
    const gp = { start: base + 9 * HOUR, end: base + 10 * HOUR };
    const slots = suggestSlots([london('tutor', [], false), london('sam', [gp])], { ...request, limit: 1 });
    // 10:00 follows the GP straight on; 10:30 is the first time with a gap after it.
    expect(slots[0]?.start).toBe('2026-03-03T10:30:00.000Z');
  });

  it('names an optional guest who cannot come', () => {
    const guest = {
      ...london('guest', [{ start: base, end: base + 24 * HOUR }]),
      required: false,
      name: 'Kim',
    };
    const [slot] = suggestSlots([london('tutor', [], false), london('sam', []), guest], {
      ...request,
      limit: 1,
    });
    expect(slot?.summary).toBe('Tuesday 3 March, 09:00 to 10:00: 2 of 3 free; Kim busy');
  });

  it('finds the next free time of the same length', () => {
    const sam = london('sam', [{ start: base + 9 * HOUR, end: base + 12 * HOUR }]);
    expect(new Date(nextFreeStart([sam], base + 9 * HOUR, HOUR, base + 24 * HOUR) ?? 0).toISOString()).toBe(
      '2026-03-03T12:00:00.000Z',
    );
  });
});
