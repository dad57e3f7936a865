/**
 * The operations of the randomized convergence run (convergence.fuzz.test.ts): plain data, so a
 * failing list prints and replays, and the fast-check generators that draw them.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { LEARNERS, TENANT_KINDS, type LearnerRole, type TenantKind } from '@/tests/support/convergence-world';

export const HOUR = 3_600_000;
export const RESPONSES = ['accepted', 'declined', 'tentative'] as const;
export type Answer = (typeof RESPONSES)[number];

export type Op =
  /** With `weeks`: a weekly series of that many occurrences. */
  | { t: 'create'; tenant: TenantKind; who: LearnerRole[]; day: number; hour: number; weeks?: number }
  /** One occurrence (the `o`th scheduled one), or it and every later one (from the second on), in Tandem. */
  | {
      t: 'tandemOccurrence';
      m: number;
      o: number;
      scope: 'occurrence' | 'following';
      change: 'move' | 'edit' | 'cancel';
      hours: number;
      n: number;
    }
  /** One instance moved or cancelled in the organiser's own calendar. */
  | { t: 'organizerOccurrence'; m: number; o: number; change: 'move' | 'cancel'; hours: number }
  | { t: 'tandemMove'; m: number; hours: number }
  | { t: 'tandemEdit'; m: number; n: number }
  | { t: 'tandemCancel'; m: number }
  | { t: 'tandemAttendees'; m: number; who: LearnerRole[] }
  | { t: 'tandemAnswer'; m: number; who: LearnerRole; response: Answer }
  | { t: 'organizerMove'; m: number; hours: number }
  | { t: 'organizerEdit'; m: number; n: number }
  | { t: 'organizerDelete'; m: number }
  | { t: 'attendeeAnswer'; m: number; who: LearnerRole; response: Answer }
  | { t: 'attendeeDelete'; m: number; who: LearnerRole }
  | { t: 'push'; tenant: TenantKind; calendar: number; mode: 'now' | 'twice' | 'hold' }
  | { t: 'releaseHeld' }
  | { t: 'syncTenant'; tenant: TenantKind }
  | { t: 'fault'; tenant: TenantKind; fault: '429' | '5xx' | '410' | 'token'; times: number }
  | { t: 'replayDelivery'; m: number };

const tenantArb = fc.constantFrom(...TENANT_KINDS);
const whoArb = fc.subarray([...LEARNERS], { minLength: 1 });
const meetingArb = fc.nat({ max: 10_000 });
const hoursArb = fc.integer({ min: -30, max: 30 }).filter((hours) => hours !== 0);

/**
 * Operations on weekly series (create with `weeks`, one occurrence or "this and following" in
 * Tandem, one instance in the organiser's calendar). Not yet in the default run: seed 12 with them
 * finds convergence bugs still open (issue 12's note); FUZZ_SERIES=1 adds them.
 */
const seriesOpArbs = [
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('create' as const),
      tenant: tenantArb,
      who: whoArb,
      day: fc.integer({ min: 0, max: 20 }),
      hour: fc.integer({ min: 7, max: 18 }),
      weeks: fc.integer({ min: 3, max: 5 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('tandemOccurrence' as const),
      m: meetingArb,
      o: meetingArb,
      scope: fc.constantFrom('occurrence' as const, 'occurrence' as const, 'following' as const),
      change: fc.constantFrom('move' as const, 'edit' as const, 'cancel' as const),
      hours: hoursArb,
      n: fc.nat(999),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('organizerOccurrence' as const),
      m: meetingArb,
      o: meetingArb,
      change: fc.constantFrom('move' as const, 'move' as const, 'cancel' as const),
      hours: hoursArb,
    }),
  },
] as const;

const singleOpArbs = [
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('create' as const),
      tenant: tenantArb,
      who: whoArb,
      day: fc.integer({ min: 0, max: 20 }),
      hour: fc.integer({ min: 7, max: 18 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('tandemMove' as const), m: meetingArb, hours: hoursArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('tandemEdit' as const), m: meetingArb, n: fc.nat(999) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tandemCancel' as const), m: meetingArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('tandemAttendees' as const), m: meetingArb, who: whoArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('tandemAnswer' as const),
      m: meetingArb,
      who: fc.constantFrom(...LEARNERS),
      response: fc.constantFrom(...RESPONSES),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('organizerMove' as const), m: meetingArb, hours: hoursArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('organizerEdit' as const), m: meetingArb, n: fc.nat(999) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('organizerDelete' as const), m: meetingArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('attendeeAnswer' as const),
      m: meetingArb,
      who: fc.constantFrom(...LEARNERS),
      response: fc.constantFrom(...RESPONSES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('attendeeDelete' as const),
      m: meetingArb,
      who: fc.constantFrom(...LEARNERS),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('push' as const),
      tenant: tenantArb,
      calendar: fc.nat(2),
      mode: fc.constantFrom('now' as const, 'twice' as const, 'hold' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('releaseHeld' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('syncTenant' as const), tenant: tenantArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('fault' as const),
      tenant: tenantArb,
      fault: fc.constantFrom('429' as const, '5xx' as const, '410' as const, 'token' as const),
      times: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replayDelivery' as const), m: meetingArb }) },
] as const;

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  ...(process.env.FUZZ_SERIES === '1'
    ? [singleOpArbs[0], ...seriesOpArbs, ...singleOpArbs.slice(1)]
    : singleOpArbs),
);

/** The seeded list of `count` operations, or a list written out to replay by hand (FUZZ_OPS_FILE=ops.json). */
export function opsArb(count: number): fc.Arbitrary<Op[]> {
  const file = process.env.FUZZ_OPS_FILE;
  if (file) return fc.constant(JSON.parse(readFileSync(file, 'utf8')) as Op[]);
  return fc.array(opArb, { minLength: count, maxLength: count });
}

export function describeOps(ops: Op[]): string {
  return ops.map((op, index) => `${index}: ${JSON.stringify(op)}`).join('\n');
}
