/**
 * The inline driver on small functions of its own: serialisation per concurrency key, retries
 * after Retry-After with earlier steps replayed rather than re-run, giving up on final errors,
 * folding of duplicate waiting events, and refusal in production.
 */
import { Inngest, NonRetriableError, RetryAfterError } from 'inngest';
import { describe, expect, it } from 'vitest';
import { calendarSyncRequested } from './events';
import { InlineDriverRefusedError, InlineJobDriver } from './inline-driver';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const client = new Inngest({ id: 'tandem-inline-driver-test', logger: quiet });
const TENANT = '00000000-0000-4000-8000-000000000001';
const CALENDAR_A = '00000000-0000-4000-8000-00000000000a';
const CALENDAR_B = '00000000-0000-4000-8000-00000000000b';

function syncRequest(calendarId: string) {
  return {
    name: 'tandem/calendar.sync-requested' as const,
    data: { tenantId: TENANT, calendarId, reason: 'push' as const },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe('the inline driver', () => {
  it('runs one calendar at a time and different calendars side by side', async () => {
    const log: string[] = [];
    let active = 0;
    let maxActiveSameCalendar = 0;
    const activeByCalendar = new Map<string, number>();
    const fn = client.createFunction(
      {
        id: 'serial',
        triggers: [calendarSyncRequested],
        concurrency: { key: 'event.data.calendarId', limit: 1 },
      },
      async ({ event, step }) =>
        step.run('work', async () => {
          const calendar = event.data.calendarId;
          activeByCalendar.set(calendar, (activeByCalendar.get(calendar) ?? 0) + 1);
          maxActiveSameCalendar = Math.max(maxActiveSameCalendar, activeByCalendar.get(calendar) ?? 0);
          active += 1;
          log.push(`start ${calendar.slice(-1)} (${active} running)`);
          await tick();
          active -= 1;
          activeByCalendar.set(calendar, (activeByCalendar.get(calendar) ?? 0) - 1);
          return calendar;
        }),
    );
    const driver = new InlineJobDriver({ functions: [fn], nodeEnv: 'test' });
    await driver.send([
      syncRequest(CALENDAR_A),
      { ...syncRequest(CALENDAR_A), data: { ...syncRequest(CALENDAR_A).data, reason: 'poll' } },
      syncRequest(CALENDAR_B),
    ]);
    await driver.idle();
    expect(maxActiveSameCalendar).toBe(1);
    expect(driver.runs.filter((run) => run.status === 'completed')).toHaveLength(3);
    // B did not wait for A's queue.
    expect(log.some((line) => line.includes('(2 running)'))).toBe(true);
  });

  it('folds an identical event into the one already waiting for its calendar', async () => {
    let runs = 0;
    const fn = client.createFunction(
      {
        id: 'fold',
        triggers: [calendarSyncRequested],
        concurrency: { key: 'event.data.calendarId', limit: 1 },
      },
      async ({ step }) => step.run('work', async () => ((runs += 1), await tick(), runs)),
    );
    const driver = new InlineJobDriver({ functions: [fn], nodeEnv: 'test' });
    await driver.send(syncRequest(CALENDAR_A)); // starts
    await driver.send(syncRequest(CALENDAR_A)); // waits
    await driver.send(syncRequest(CALENDAR_A)); // folded into the waiting one
    await driver.idle();
    expect(runs).toBe(2);
  });

  it('retries after the delay the error asks for, replaying the steps that succeeded', async () => {
    const calls = { first: 0, second: 0 };
    const fn = client.createFunction(
      { id: 'retry', triggers: [calendarSyncRequested], retries: 3 },
      async ({ step, attempt }) => {
        const first = await step.run('first', async () => ((calls.first += 1), 'kept'));
        const second = await step.run('second', async () => {
          calls.second += 1;
          if (calls.second < 3) throw new RetryAfterError('slow down', 7_000);
          return `${first} at attempt ${attempt}`;
        });
        return second;
      },
    );
    const { delays, sleep } = recordingSleep();
    const driver = new InlineJobDriver({ functions: [fn], nodeEnv: 'test', sleep });
    await driver.send(syncRequest(CALENDAR_A));
    await driver.idle();
    expect(delays).toEqual([7_000, 7_000]);
    expect(calls).toEqual({ first: 1, second: 3 });
    expect(driver.runs).toEqual([
      expect.objectContaining({ status: 'completed', attempts: 3, result: 'kept at attempt 2' }),
    ]);
  });

  it('backs off exponentially on plain errors, stops at the retry limit and on final errors', async () => {
    let calls = 0;
    const flaky = client.createFunction(
      { id: 'flaky', triggers: [calendarSyncRequested], retries: 2 },
      async ({ step }) =>
        step.run('boom', async () => {
          calls += 1;
          throw new Error('database hiccup');
        }),
    );
    const final = client.createFunction(
      { id: 'final', triggers: [calendarSyncRequested], retries: 5 },
      async ({ step }) =>
        step.run('refused', async () => {
          throw new NonRetriableError('access revoked');
        }),
    );
    const { delays, sleep } = recordingSleep();
    const driver = new InlineJobDriver({
      functions: [flaky, final],
      nodeEnv: 'test',
      sleep,
      log: { warn: () => {} },
    });
    await driver.send(syncRequest(CALENDAR_A));
    await driver.idle();
    expect(calls).toBe(3);
    expect(delays).toEqual([1_000, 2_000]);
    const byId = Object.fromEntries(driver.runs.map((run) => [run.functionId, run]));
    expect(byId['flaky']).toMatchObject({ status: 'failed', attempts: 3 });
    expect(byId['final']).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('runs cron functions on demand and rejects events that break their schema', async () => {
    const cron = client.createFunction(
      { id: 'cron', triggers: [{ cron: '*/5 * * * *' }] },
      async ({ step }) => step.run('tick', async () => 'ticked'),
    );
    const driver = new InlineJobDriver({ functions: [cron], nodeEnv: 'test' });
    await expect(driver.runCron('cron')).resolves.toMatchObject({ status: 'completed', result: 'ticked' });
    await expect(
      driver.send({
        name: 'tandem/calendar.sync-requested',
        data: { tenantId: 'nope', calendarId: CALENDAR_A, reason: 'push' },
      }),
    ).rejects.toThrow();
  });

  it('runs the function’s onFailure once its retries are used up, with the original event', async () => {
    const failures: { event: unknown; error: string }[] = [];
    const fn = client.createFunction(
      {
        id: 'gives-up',
        triggers: [calendarSyncRequested],
        retries: 1,
        onFailure: async ({ event, error }) => {
          failures.push({ event: event.data.event, error: error.message });
        },
      },
      async ({ step }) =>
        step.run('work', async () => {
          throw new Error('still down');
        }),
    );
    const { sleep } = recordingSleep();
    const driver = new InlineJobDriver({ functions: [fn], nodeEnv: 'test', sleep, log: quiet });
    await driver.send(syncRequest(CALENDAR_A));
    await driver.idle();
    expect(driver.runs.map((run) => [run.status, run.attempts])).toEqual([['failed', 2]]);
    expect(failures).toEqual([
      { event: expect.objectContaining({ data: syncRequest(CALENDAR_A).data }), error: 'still down' },
    ]);
  });

  it('refuses to start in production', () => {
    expect(() => new InlineJobDriver({ functions: [], nodeEnv: 'production' })).toThrow(
      InlineDriverRefusedError,
    );
    expect(() => new InlineJobDriver({ functions: [], nodeEnv: 'production' })).toThrow(
      /TANDEM_JOBS=inngest/,
    );
  });
});
