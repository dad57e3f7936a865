import { and, eq, gt } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '@/server/db/schema';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@/server/errors';
import { scheduleDeps } from '@/tests/support/activity';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import type { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { MEETING_CHANGED_MEANWHILE } from './inputs';
import { getMeeting, listMeetings } from './queries';
import { respondToMeeting } from './responses';
import { cancelMeeting, createMeeting, updateMeeting, type ScheduleDeps } from './schedule';

let database: TestDatabase;
let deps: ScheduleDeps;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T08:00:00Z');
const week = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') };

beforeAll(async () => {
  database = await useTestDatabase();
  deps = scheduleDeps(database.db, now);
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

function meetingInput(attendeeUserIds: string[]) {
  return {
    kind: 'meeting' as const,
    title: 'Weekly check-in',
    description: null,
    location: 'Room 2',
    onlineUrl: null,
    startsAt: new Date('2026-03-03T10:00:00Z'),
    endsAt: new Date('2026-03-03T10:45:00Z'),
    timeZone: 'Europe/London',
    attendeeUserIds,
    guests: [],
  };
}

describe('meetings', () => {
  it('a tutor invites a learner, who sees it and answers; the tutor sees the answer', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    expect(created.attendees).toEqual([
      expect.objectContaining({ userId: north.learner.userId, response: 'needs_action' }),
    ]);
    const learnerView = await listMeetings(database.db, north.learner, week);
    expect(learnerView.map((m) => m.id)).toContain(created.id);
    expect(learnerView.find((m) => m.id === created.id)?.myRole).toBe('attendee');

    await respondToMeeting(database.db, north.learner, { id: created.id, response: 'accepted' }, now);
    const [tutorView] = (await listMeetings(database.db, north.tutor, week)).filter(
      (m) => m.id === created.id,
    );
    expect(tutorView?.attendees[0]?.response).toBe('accepted');
    expect(tutorView?.attendees[0]?.respondedAt?.toISOString()).toBe(now.toISOString());
  });

  it('members of the same tenant who are not invited neither list nor open the meeting', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    for (const outsider of [north.otherLearner, north.admin]) {
      expect((await listMeetings(database.db, outsider, week)).map((m) => m.id)).not.toContain(created.id);
      await expect(getMeeting(database.db, outsider, created.id)).rejects.toThrow(NotFoundError);
    }
    // The invitee and the organiser do: the outsiders' empty view is not an empty week.
    expect((await listMeetings(database.db, north.learner, week)).map((m) => m.id)).toContain(created.id);
    await expect(getMeeting(database.db, north.learner, created.id)).resolves.toMatchObject({
      myRole: 'attendee',
    });
    await expect(getMeeting(database.db, north.tutor, created.id)).resolves.toMatchObject({
      myRole: 'organizer',
    });
  });

  it('learners cannot organise, and cannot invite people of another tenant', async () => {
    await expect(
      createMeeting(deps, north.learner, meetingInput([north.otherLearner.userId])),
    ).rejects.toThrow(ForbiddenError);
    await expect(createMeeting(deps, north.tutor, meetingInput([south.learner.userId]))).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('moving a meeting bumps its sequence and asks everyone to answer again', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    await respondToMeeting(database.db, north.learner, { id: created.id, response: 'accepted' }, now);
    const moved = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: created.version,
      startsAt: new Date('2026-03-04T10:00:00Z'),
      endsAt: new Date('2026-03-04T11:00:00Z'),
    });
    expect(moved.sequence).toBe(created.sequence + 1);
    expect(moved.attendees[0]?.response).toBe('needs_action');
    const retitled = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: moved.version,
      title: 'Renamed',
    });
    expect(retitled.title).toBe('Renamed');
    expect(retitled.attendees[0]?.response).toBe('needs_action');
  });

  // Found by the convergence fuzz's notification check: an attendee change told everyone
  // "updated", and the newcomer twice (invited and updated).
  it('adding or removing an attendee tells that person only, once; a real change tells the rest', async () => {
    const tenant = await createTestTenant(database.db, 'attendee-change');
    const created = await createMeeting(deps, tenant.tutor, meetingInput([tenant.learner.userId]));
    const toldSince = async (after: Date) =>
      (
        await database.db
          .select({ userId: notifications.userId, kind: notifications.kind })
          .from(notifications)
          .where(and(eq(notifications.tenantId, tenant.tenantId), gt(notifications.createdAt, after)))
      )
        .map((row) => `${row.userId === tenant.learner.userId ? 'learner' : 'other'}:${row.kind}`)
        .sort();
    let mark = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const added = await updateMeeting(deps, tenant.tutor, {
      id: created.id,
      version: created.version,
      attendeeUserIds: [tenant.learner.userId, tenant.otherLearner.userId],
    });
    expect(await toldSince(mark)).toEqual(['other:meeting_invited']);
    mark = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const removed = await updateMeeting(deps, tenant.tutor, {
      id: created.id,
      version: added.version,
      attendeeUserIds: [tenant.otherLearner.userId],
    });
    expect(await toldSince(mark)).toEqual(['learner:meeting_cancelled']);
    mark = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await updateMeeting(deps, tenant.tutor, {
      id: created.id,
      version: removed.version,
      title: 'Renamed',
      attendeeUserIds: [tenant.learner.userId, tenant.otherLearner.userId],
    });
    expect(await toldSince(mark)).toEqual(['learner:meeting_invited', 'other:meeting_updated']);
  });

  it('only the organiser changes a meeting; strangers cannot learn it exists', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    await expect(
      updateMeeting(deps, north.learner, { id: created.id, version: created.version, title: 'Mine now' }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      updateMeeting(deps, north.otherLearner, {
        id: created.id,
        version: created.version,
        title: 'Mine now',
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(cancelMeeting(deps, south.tutor, created.id)).rejects.toThrow(NotFoundError);
  });

  it('an edit made from a version changed since is refused, and the newer change is kept', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    await respondToMeeting(database.db, north.learner, { id: created.id, response: 'accepted' }, now);
    const first = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: created.version,
      location: 'Room 5',
    });
    expect(first.version).toBe(created.version + 1);
    // The second editor opened the meeting before the first saved, and drags it to another day.
    const staleMove = {
      id: created.id,
      version: created.version,
      startsAt: new Date('2026-03-05T10:00:00Z'),
      endsAt: new Date('2026-03-05T10:45:00Z'),
    };
    await expect(updateMeeting(deps, north.tutor, staleMove)).rejects.toThrow(
      new ConflictError(MEETING_CHANGED_MEANWHILE),
    );
    const [kept] = (await listMeetings(database.db, north.tutor, week)).filter((m) => m.id === created.id);
    expect(kept).toMatchObject({ location: 'Room 5', version: first.version, sequence: first.sequence });
    expect(kept?.startsAt.toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(kept?.attendees[0]?.response).toBe('accepted');
    const cancelled = await cancelMeeting(deps, north.tutor, created.id);
    expect(cancelled.version).toBe(first.version + 1);
  });

  it('a cancelled meeting stays visible as cancelled and refuses answers', async () => {
    const created = await createMeeting(deps, north.tutor, meetingInput([north.learner.userId]));
    const cancelled = await cancelMeeting(deps, north.tutor, created.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(
      respondToMeeting(database.db, north.learner, { id: created.id, response: 'accepted' }, now),
    ).rejects.toThrow(ConflictError);
  });
});

describe('outside guests', () => {
  it('a guest is recorded by address and name; a member’s address invites the member instead', async () => {
    const learner = await database.db.query.users.findFirst({
      where: (table, { eq }) => eq(table.id, north.otherLearner.userId),
    });
    const created = await createMeeting(deps, north.tutor, {
      ...meetingInput([north.learner.userId]),
      guests: [
        { email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' },
        { email: learner?.email.toUpperCase() ?? '', name: 'typed by the tutor' },
      ],
    });
    expect(
      created.attendees.map((attendee) => ({
        userId: attendee.userId,
        email: attendee.email,
        name: attendee.name,
      })),
    ).toEqual(
      expect.arrayContaining([
        { userId: null, email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' },
        { userId: north.otherLearner.userId, email: learner?.email.toLowerCase(), name: learner?.name },
      ]),
    );
    expect(created.attendees).toHaveLength(3);
    expect((deps.jobs as RecordingDispatcher).sentOf('tandem/meeting.changed')).toContainEqual({
      tenantId: north.tenantId,
      meetingId: created.id,
      version: 1,
    });
  });
});
