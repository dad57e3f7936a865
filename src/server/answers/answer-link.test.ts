import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleDeps } from '@/tests/support/activity';
import { ConflictError } from '@/server/errors';
import { cancelMeeting } from '@/server/meetings/schedule';
import { attendeeRow, meetingForAnswers, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { snapshotDatabase } from '@/tests/support/snapshot';
import { answerByLink, showAnswerLink } from './answer-link';
import { answerLinkKey, createAnswerToken, InvalidAnswerLinkError } from './answer-token';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const key = answerLinkKey('test-auth-secret-for-answer-links');
const otherKey = answerLinkKey('another-server-secret');
const now = new Date('2026-03-02T09:00:00Z');
const inAWeek = new Date('2026-03-09T09:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

function deps(jobs = new RecordingDispatcher()) {
  return { db: database.db, answerLinkKey: key, now: () => now, jobs };
}

async function linkFor(tenant: TestTenant) {
  const { meeting, attendeeId } = await meetingForAnswers(database.db, tenant);
  const ids = { tenantId: tenant.tenantId, meetingId: meeting.id, attendeeId };
  return { meeting, attendeeId, ids, token: createAnswerToken(key, ids, inAWeek) };
}

describe('answer links', () => {
  it('opening the link shows the meeting in the attendee’s zone and changes nothing', async () => {
    const { token } = await linkFor(north);
    const before = await snapshotDatabase(database.db);
    const view = await showAnswerLink(deps(), token);
    expect(view).toMatchObject({
      meeting: { title: 'Answer me', organizerName: 'north tutor', cancelled: false },
      attendee: { name: 'north learner', response: 'needs_action', timeZone: 'Europe/London' },
    });
    expect(await snapshotDatabase(database.db)).toEqual(before);
  });

  it('confirming records the answer by email link, tells the organiser and queues the answered job', async () => {
    const { meeting, attendeeId, ids, token } = await linkFor(north);
    const jobs = new RecordingDispatcher();
    expect(await answerByLink(deps(jobs), token, { response: 'declined', comment: 'On holiday' })).toEqual({
      response: 'declined',
      changed: true,
    });
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'email_link',
      comment: 'On holiday',
      respondedAt: now,
    });
    expect(jobs.sent).toEqual([{ name: 'tandem/meeting.answered', data: ids }]);
    // The same confirmation twice (a double click, a resent form): nothing more.
    const again = new RecordingDispatcher();
    expect(await answerByLink(deps(again), token, { response: 'declined', comment: 'On holiday' })).toEqual({
      response: 'declined',
      changed: false,
    });
    expect(again.sent).toEqual([]);
    expect(await noticesAbout(database.db, north, meeting.id)).toHaveLength(1);
  });

  describe('refuses with the link’s plain message and changes nothing', () => {
    async function expectRefused(token: string, message: RegExp) {
      const before = await snapshotDatabase(database.db);
      await expect(showAnswerLink(deps(), token)).rejects.toThrow(message);
      const jobs = new RecordingDispatcher();
      await expect(answerByLink(deps(jobs), token, { response: 'accepted' })).rejects.toThrow(
        InvalidAnswerLinkError,
      );
      expect(jobs.sent).toEqual([]);
      expect(await snapshotDatabase(database.db)).toEqual(before);
    }

    it('a forged link: signed with another key, altered, or not a token at all', async () => {
      const { ids, token } = await linkFor(north);
      await expectRefused(createAnswerToken(otherKey, ids, inAWeek), /not valid/);
      const [body, signature] = token.split('.');
      const altered = Buffer.from(
        Buffer.from(body ?? '', 'base64url')
          .toString('utf8')
          .replace(ids.attendeeId, ids.meetingId),
      ).toString('base64url');
      await expectRefused(`${altered}.${signature}`, /not valid/);
      await expectRefused('not-a-token', /not valid/);
    });

    it('an expired link', async () => {
      const { ids } = await linkFor(north);
      await expectRefused(createAnswerToken(key, ids, new Date(now.getTime() - 1000)), /expired/);
    });

    it('a link naming another tenant with this tenant’s meeting, or another meeting’s attendee', async () => {
      const northLink = await linkFor(north);
      const southLink = await linkFor(south);
      await expectRefused(
        createAnswerToken(key, { ...northLink.ids, tenantId: south.tenantId }, inAWeek),
        /not valid/,
      );
      await expectRefused(
        createAnswerToken(key, { ...northLink.ids, attendeeId: southLink.attendeeId }, inAWeek),
        /not valid/,
      );
      await expectRefused(
        createAnswerToken(key, { ...southLink.ids, meetingId: northLink.meeting.id }, inAWeek),
        /not valid/,
      );
    });
  });

  it('a cancelled meeting shows as cancelled and takes no answer', async () => {
    const { meeting, attendeeId, token } = await linkFor(north);
    await cancelMeeting(scheduleDeps(database.db, now), north.tutor, meeting.id);
    expect((await showAnswerLink(deps(), token)).meeting.cancelled).toBe(true);
    await expect(answerByLink(deps(), token, { response: 'accepted' })).rejects.toThrow(ConflictError);
    expect((await attendeeRow(database.db, attendeeId)).response).toBe('needs_action');
  });
});
