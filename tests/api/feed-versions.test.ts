import { beforeAll, describe, expect, it } from 'vitest';
import { feedChangeStream } from '@/server/calendar/feed-changes';
import { findActor } from '@/server/tenants/actor';
import { ACTIVITY_WEEK, seedActivity, taskInput } from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

/*
 * Issue 16: the feed carries a version, and a caller holding the current one is told "unchanged"
 * (a few bytes, nothing to redraw); the change stream says `changed` only when the version moves.
 */
let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'feed-versions-north');
  south = await createTestTenant(database.db, 'feed-versions-south');
  await seedActivity(database.db, north, 'North');
  await seedActivity(database.db, south, 'South');
});

async function feedAs(member: TestTenant['learner'], knownVersion?: string) {
  const outcome = await callProcedure(database.db, sessionOf(member), 'calendar.feed', {
    ...ACTIVITY_WEEK,
    ...(knownVersion ? { knownVersion } : {}),
  });
  if (!outcome.ok) throw new Error(describeOutcome(outcome));
  return outcome.value as { version: string; unchanged?: true; tasks?: { title: string }[] };
}

describe('calendar.feed versions', () => {
  it('answers "unchanged" to the current version, and the whole feed once something changed', async () => {
    const first = await feedAs(north.learner);
    expect(first.version).toMatch(/^[\w-]{22}$/);
    expect(first.tasks?.map((task) => task.title)).toContain('North learner task');
    expect(await feedAs(north.learner, first.version)).toEqual({ unchanged: true, version: first.version });

    const created = await callProcedure(database.db, sessionOf(north.learner), 'tasks.create', {
      ...taskInput('Read chapter 3'),
    });
    expect(describeOutcome(created)).toBe('ok');
    const after = await feedAs(north.learner, first.version);
    expect(after.unchanged).toBeUndefined();
    expect(after.version).not.toBe(first.version);
    expect(after.tasks?.map((task) => task.title)).toContain('Read chapter 3');
  });

  it('never answers "unchanged" to another person’s version, and shows them nothing of it', async () => {
    const theirs = await feedAs(north.learner);
    const mine = await feedAs(south.learner, theirs.version);
    expect(mine.unchanged).toBeUndefined();
    expect(JSON.stringify(mine)).not.toContain('North');
  });
});

describe('the change stream', () => {
  const timing = { checkEveryMs: 60_000, settleMs: 10, heartbeatMs: 60_000 };

  async function readEvents(stream: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    const events: string[] = [];
    let buffer = '';
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      events.push(...blocks.filter((block) => block.startsWith('event: ')));
    }
    reader.releaseLock();
    return events;
  }

  it('says nothing while the version holds, and `changed` when a mutation rings the bell', async () => {
    const actor = await findActor(database.db, sessionOf(south.learner));
    if (!actor) throw new Error('no actor');
    const held = await feedAs(south.learner);
    const abort = new AbortController();
    const stream = feedChangeStream(database.db, actor, ACTIVITY_WEEK, held.version, abort.signal, timing);
    const events = readEvents(stream, 1);
    // Unchanged: the stream's first look finds the held version, and stays silent.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await callProcedure(database.db, sessionOf(south.learner), 'tasks.create', {
      ...taskInput('Plan the essay'),
    });
    expect(describeOutcome(created)).toBe('ok');
    const [event] = await events;
    const now = await feedAs(south.learner);
    expect(event).toBe(`event: changed\ndata: ${now.version}`);
    abort.abort();
  });

  it('says `changed` at once when the page’s version is already stale', async () => {
    const actor = await findActor(database.db, sessionOf(south.learner));
    if (!actor) throw new Error('no actor');
    const abort = new AbortController();
    const stream = feedChangeStream(database.db, actor, ACTIVITY_WEEK, 'stale', abort.signal, timing);
    const [event] = await readEvents(stream, 1);
    expect(event).toMatch(/^event: changed\ndata: [\w-]{22}$/);
    abort.abort();
  });
});
