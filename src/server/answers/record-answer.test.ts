import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleDeps } from '@/tests/support/activity';
import { ConflictError, NotFoundError } from '@/server/errors';
import { cancelMeeting } from '@/server/meetings/schedule';
import { attendeeRow, meetingForAnswers, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { recordAnswer, type AnswerInput } from './record-answer';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const t0 = new Date('2026-03-02T08:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

async function scene() {
  const { meeting, attendeeId } = await meetingForAnswers(database.db, north);
  const answer = (input: Partial<AnswerInput>) =>
    database.db.transaction((tx) =>
      recordAnswer(tx, {
        tenantId: north.tenantId,
        meetingId: meeting.id,
        attendeeId,
        response: 'accepted',
        at: t0,
        via: 'in_app',
        ...input,
      }),
    );
  return { meeting, attendeeId, answer };
}

describe('recordAnswer', () => {
  it('stores the answer with when, which way and the comment, and tells the organiser who answered', async () => {
    const { meeting, attendeeId, answer } = await scene();
    expect(
      await answer({ response: 'declined', via: 'provider', provider: 'google', comment: ' Clash ' }),
    ).toBe('recorded');
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedAt: t0,
      respondedVia: 'provider',
      respondedProvider: 'google',
      comment: 'Clash',
    });
    const notices = await noticesAbout(database.db, north, meeting.id);
    expect(notices.map((notice) => notice.kind)).toEqual(['meeting_response']);
    expect(notices[0]?.payload).toMatchObject({
      attendeeId,
      attendeeUserId: north.learner.userId,
      who: 'north learner',
      response: 'declined',
      via: 'provider',
      provider: 'google',
      comment: 'Clash',
    });
  });

  it('the same answer again changes nothing and tells nobody', async () => {
    const { meeting, attendeeId, answer } = await scene();
    await answer({ response: 'tentative', comment: 'Maybe' });
    const stored = await attendeeRow(database.db, attendeeId);
    expect(await answer({ response: 'tentative', comment: 'Maybe', at: later(5), via: 'provider' })).toBe(
      'unchanged',
    );
    // A channel without comments repeating the response does not wipe the comment either.
    expect(await answer({ response: 'tentative', comment: undefined, at: later(6) })).toBe('unchanged');
    expect(await attendeeRow(database.db, attendeeId)).toEqual(stored);
    expect(await noticesAbout(database.db, north, meeting.id)).toHaveLength(1);
  });

  it('the latest answer wins: an older one changes nothing', async () => {
    const { meeting, attendeeId, answer } = await scene();
    await answer({ response: 'accepted', at: later(10) });
    expect(await answer({ response: 'declined', at: later(5), via: 'email' })).toBe('stale');
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'accepted',
      respondedVia: 'in_app',
    });
    expect(await answer({ response: 'declined', at: later(15), via: 'email' })).toBe('recorded');
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'email',
      respondedProvider: null,
    });
    expect(await noticesAbout(database.db, north, meeting.id)).toHaveLength(2);
  });

  it('a new response without a comment clears the comment of the old one', async () => {
    const { attendeeId, answer } = await scene();
    await answer({ response: 'declined', comment: 'Away that week' });
    await answer({ response: 'accepted', comment: undefined, at: later(1), via: 'provider' });
    expect((await attendeeRow(database.db, attendeeId)).comment).toBeNull();
  });

  it('a counter-proposal is kept with the answer and the organiser told it as a proposal', async () => {
    const { meeting, attendeeId, answer } = await scene();
    const proposed = { start: new Date('2030-03-03T14:00:00Z'), end: new Date('2030-03-03T14:45:00Z') };
    expect(await answer({ response: null, proposed, via: 'email', comment: 'Afternoon?' })).toBe('recorded');
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'needs_action',
      proposedStartsAt: proposed.start,
      proposedEndsAt: proposed.end,
      comment: 'Afternoon?',
    });
    const [notice] = await noticesAbout(database.db, north, meeting.id);
    expect(notice?.kind).toBe('meeting_counter_proposed');
    expect(notice?.payload).toMatchObject({ proposedStartsAt: proposed.start.toISOString() });
    // Answering later without a proposal leaves it standing; only an explicit null withdraws it.
    await answer({ response: 'tentative', at: later(1) });
    expect((await attendeeRow(database.db, attendeeId)).proposedStartsAt).toEqual(proposed.start);
    await answer({ response: 'tentative', proposed: null, at: later(2) });
    expect((await attendeeRow(database.db, attendeeId)).proposedStartsAt).toBeNull();
  });

  it('refuses a cancelled meeting and ids of another tenant, changing nothing', async () => {
    const { meeting, attendeeId, answer } = await scene();
    await expect(
      database.db.transaction((tx) =>
        recordAnswer(tx, {
          tenantId: south.tenantId,
          meetingId: meeting.id,
          attendeeId,
          response: 'declined',
          at: t0,
          via: 'email_link',
        }),
      ),
    ).rejects.toThrow(NotFoundError);
    await cancelMeeting(scheduleDeps(database.db, t0), north.tutor, meeting.id);
    await expect(answer({ response: 'declined' })).rejects.toThrow(ConflictError);
    expect((await attendeeRow(database.db, attendeeId)).response).toBe('needs_action');
  });
});
