import { eq } from 'drizzle-orm';
import { scheduleDeps } from '@/tests/support/activity';
import { beforeAll, describe, expect, it } from 'vitest';
import { meetingAttendees } from '@/server/db/schema';
import { ConflictError, ForbiddenError, NotFoundError } from '@/server/errors';
import { attendeeRow, meetingForAnswers, meetingRow } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { acceptProposedTime } from './accept-proposal';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T09:00:00Z');
const proposed = { start: new Date('2030-03-03T14:00:00Z'), end: new Date('2030-03-03T15:00:00Z') };

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

async function proposal(tenant: TestTenant) {
  const scene = await meetingForAnswers(database.db, tenant);
  await database.db
    .update(meetingAttendees)
    .set({
      proposedStartsAt: proposed.start,
      proposedEndsAt: proposed.end,
      response: 'tentative',
      respondedAt: now,
    })
    .where(eq(meetingAttendees.id, scene.attendeeId));
  return scene;
}

describe('acceptProposedTime', () => {
  it('moves the meeting to the proposed time as an edit does, and clears the proposal', async () => {
    const { meeting, attendeeId } = await proposal(north);
    const view = await acceptProposedTime(scheduleDeps(database.db, now), north.tutor, {
      id: meeting.id,
      attendeeId,
      version: meeting.version,
    });
    expect(view).toMatchObject({
      startsAt: proposed.start,
      endsAt: proposed.end,
      version: meeting.version + 1,
    });
    expect((await meetingRow(database.db, meeting.id)).sequence).toBe(meeting.sequence + 1);
    // A move resets answers (they were to the old time) and the proposal is now the meeting's time.
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'needs_action',
      proposedStartsAt: null,
      proposedEndsAt: null,
    });
  });

  it('refuses a stale version, a withdrawn proposal, the invitee, and other tenants, changing nothing', async () => {
    const { meeting, attendeeId } = await proposal(north);
    const input = { id: meeting.id, attendeeId, version: meeting.version };
    await expect(
      acceptProposedTime(scheduleDeps(database.db, now), north.tutor, { ...input, version: 99 }),
    ).rejects.toThrow(ConflictError);
    await expect(acceptProposedTime(scheduleDeps(database.db, now), north.learner, input)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(acceptProposedTime(scheduleDeps(database.db, now), south.tutor, input)).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      acceptProposedTime(scheduleDeps(database.db, now), north.otherLearner, input),
    ).rejects.toThrow(NotFoundError);
    expect((await meetingRow(database.db, meeting.id)).version).toBe(meeting.version);

    await database.db
      .update(meetingAttendees)
      .set({ proposedStartsAt: null, proposedEndsAt: null })
      .where(eq(meetingAttendees.id, attendeeId));
    await expect(acceptProposedTime(scheduleDeps(database.db, now), north.tutor, input)).rejects.toThrow(
      /no proposed time/,
    );
  });
});
