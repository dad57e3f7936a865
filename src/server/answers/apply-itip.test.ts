import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleDeps } from '@/tests/support/activity';
import { cancelMeeting, updateMeeting } from '@/server/meetings/schedule';
import { attendeeRow, itipAnswer, meetingForAnswers, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { snapshotDatabase } from '@/tests/support/snapshot';
import { applyItipMessage, type InboundItipMessage } from './apply-itip';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T12:30:00Z');
const deps = () => ({ db: database.db, now: () => now, jobs: { send: async () => undefined } });

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

function mail(ics: string, from: string | null, extra: Partial<InboundItipMessage> = {}): InboundItipMessage {
  return {
    method: 'REPLY',
    ics,
    from,
    to: ['meetings@replies.tandem.test'],
    messageId: `<${crypto.randomUUID()}@mail.test>`,
    ...extra,
  };
}

describe('applyItipMessage', () => {
  it('a REPLY from the attendee records their answer and comment, by email', async () => {
    const { meeting, attendeeId, learnerEmail } = await meetingForAnswers(database.db, north);
    const ics = itipAnswer({
      uid: meeting.icalUid,
      attendee: learnerEmail,
      partstat: 'DECLINED',
      comment: 'Ill',
    });
    const result = await applyItipMessage(deps(), mail(ics, `Learner <${learnerEmail.toUpperCase()}>`));
    expect(result).toMatchObject({ outcome: 'applied', tenantId: north.tenantId, meetingId: meeting.id });
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'email',
      comment: 'Ill',
      respondedAt: new Date('2026-03-01T12:00:00Z'),
    });
    expect((await noticesAbout(database.db, north, meeting.id)).map((n) => n.kind)).toEqual([
      'meeting_response',
    ]);
  });

  it('the same message delivered twice changes nothing the second time and tells nobody again', async () => {
    const { meeting, learnerEmail } = await meetingForAnswers(database.db, north);
    const message = mail(
      itipAnswer({ uid: meeting.icalUid, attendee: learnerEmail, partstat: 'ACCEPTED' }),
      learnerEmail,
    );
    await applyItipMessage(deps(), message);
    const again = await applyItipMessage(deps(), message);
    expect(again).toMatchObject({ outcome: 'applied', detail: 'The same answer as before.' });
    expect(await noticesAbout(database.db, north, meeting.id)).toHaveLength(1);
  });

  it('a COUNTER records the proposed time and leaves the response as it was', async () => {
    const { meeting, attendeeId, learnerEmail } = await meetingForAnswers(database.db, north);
    const ics = itipAnswer({
      uid: meeting.icalUid,
      attendee: learnerEmail,
      method: 'COUNTER',
      comment: 'Afternoon instead?',
      proposed: { start: '20300303T140000Z', end: '20300303T144500Z' },
    });
    const result = await applyItipMessage(deps(), mail(ics, learnerEmail, { method: 'COUNTER' }));
    expect(result.outcome).toBe('applied');
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'needs_action',
      proposedStartsAt: new Date('2030-03-03T14:00:00Z'),
      proposedEndsAt: new Date('2030-03-03T14:45:00Z'),
      comment: 'Afternoon instead?',
    });
    expect((await noticesAbout(database.db, north, meeting.id)).map((n) => n.kind)).toEqual([
      'meeting_counter_proposed',
    ]);
  });

  it('a REPLY to an older SEQUENCE is ignored as stale', async () => {
    const { meeting, attendeeId, learnerEmail } = await meetingForAnswers(database.db, north);
    await updateMeeting(scheduleDeps(database.db, now), north.tutor, {
      id: meeting.id,
      version: meeting.version,
      location: 'Room 9',
    });
    const ics = itipAnswer({
      uid: meeting.icalUid,
      attendee: learnerEmail,
      partstat: 'ACCEPTED',
      sequence: 0,
    });
    const result = await applyItipMessage(deps(), mail(ics, learnerEmail));
    expect(result.outcome).toBe('ignored_stale');
    expect((await attendeeRow(database.db, attendeeId)).response).toBe('needs_action');
  });

  describe('refuses, in plain words, and changes nothing', () => {
    const tenantState = (tenantId: string) => snapshotDatabase(database.db, tenantId);

    async function expectRefused(message: InboundItipMessage, detail: RegExp) {
      const before = await tenantState(north.tenantId);
      const result = await applyItipMessage(deps(), message);
      expect(result.outcome).toBe('refused');
      expect(result.detail).toMatch(detail);
      expect(await tenantState(north.tenantId)).toEqual(before);
    }

    it('an unknown UID', async () => {
      const { learnerEmail } = await meetingForAnswers(database.db, north);
      const ics = itipAnswer({ uid: 'nobody-knows@elsewhere', attendee: learnerEmail, partstat: 'ACCEPTED' });
      await expectRefused(mail(ics, learnerEmail), /does not know/);
    });

    it('an attendee answering for someone else', async () => {
      const { meeting, learnerEmail } = await meetingForAnswers(database.db, north);
      const ics = itipAnswer({ uid: meeting.icalUid, attendee: learnerEmail, partstat: 'DECLINED' });
      await expectRefused(mail(ics, 'north-other@example.org'), /cannot answer for/);
      await expectRefused(mail(ics, null), /who sent it/);
    });

    it('someone not invited', async () => {
      const { meeting } = await meetingForAnswers(database.db, north);
      const stranger = 'stranger@example.org';
      const ics = itipAnswer({ uid: meeting.icalUid, attendee: stranger, partstat: 'ACCEPTED' });
      await expectRefused(mail(ics, stranger), /not invited/);
    });

    it('a malformed calendar, or one without an answer', async () => {
      const { meeting, learnerEmail } = await meetingForAnswers(database.db, north);
      await expectRefused(mail('BEGIN:VCALENDAR\r\nthis is not', learnerEmail), /could not be read/);
      await expectRefused(
        mail('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', learnerEmail),
        /no event/,
      );
      const noAnswer = itipAnswer({ uid: meeting.icalUid, attendee: learnerEmail, partstat: 'NEEDS-ACTION' });
      await expectRefused(mail(noAnswer, learnerEmail), /does not say/);
      const request = itipAnswer({
        uid: meeting.icalUid,
        attendee: learnerEmail,
        partstat: 'ACCEPTED',
      }).replace('METHOD:REPLY', 'METHOD:REQUEST');
      await expectRefused(mail(request, learnerEmail), /Only replies/);
    });

    it('a cancelled meeting', async () => {
      const { meeting, learnerEmail } = await meetingForAnswers(database.db, north);
      await cancelMeeting(scheduleDeps(database.db, now), north.tutor, meeting.id);
      const ics = itipAnswer({
        uid: meeting.icalUid,
        attendee: learnerEmail,
        partstat: 'ACCEPTED',
        sequence: 1,
      });
      await expectRefused(mail(ics, learnerEmail), /cancelled/);
    });

    it("another tenant's meeting UID through a reply address of this tenant", async () => {
      const { meeting, learnerEmail } = await meetingForAnswers(database.db, south);
      const ics = itipAnswer({ uid: meeting.icalUid, attendee: learnerEmail, partstat: 'ACCEPTED' });
      const before = await tenantState(south.tenantId);
      const result = await applyItipMessage(
        deps(),
        mail(ics, learnerEmail, { to: [`meetings+${north.tenantId}@replies.tandem.test`] }),
      );
      expect(result).toMatchObject({ outcome: 'refused' });
      expect(result.tenantId).toBeUndefined();
      expect(await tenantState(south.tenantId)).toEqual(before);
    });
  });
});
