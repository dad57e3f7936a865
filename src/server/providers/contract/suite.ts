import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { CreatedEvents } from './fixtures';
import type { ContractHarness } from './harness';
import { describeAttendeeContract } from './suite-attendees';
import { describeEventContract } from './suite-events';
import { describeIdempotenceContract } from './suite-idempotence';
import { describePushContract } from './suite-push';
import { describeRecurrenceContract } from './suite-recurrence';
import { describeSyncContract } from './suite-sync';

/**
 * The contract every CalendarProvider adapter must meet (ISSUE 4). Call it from a
 * `<provider>.contract.test.ts` file:
 *
 *   runProviderContract('google', async () => ({ organizer, attendee, ... }));
 *
 * The harness is built once per file and closed at the end. Tests run one after another in the
 * same calendars; each one uses unique titles, filters what it reads by its own ids, and cancels
 * what it created, so tests never depend on each other.
 */
export interface ContractContext {
  /** The harness of the running suite (throws before `beforeAll` has built it). */
  harness(): ContractHarness;
  /** Events created by the current test; cancelled after each test. */
  created(): CreatedEvents;
}

export function runProviderContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`CalendarProvider contract: ${name}`, () => {
    let harness: ContractHarness | undefined;
    let created = new CreatedEvents();

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      const done = created;
      created = new CreatedEvents();
      await done.cleanUp();
    });
    afterAll(async () => {
      await harness?.close();
    });

    const context: ContractContext = {
      harness: () => {
        if (!harness) throw new Error('contract harness is not ready (did makeHarness fail?)');
        return harness;
      },
      created: () => created,
    };

    describeEventContract(context);
    describeIdempotenceContract(context);
    describeRecurrenceContract(context);
    describeSyncContract(context);
    describeAttendeeContract(context);
    describePushContract(context);
  });
}
