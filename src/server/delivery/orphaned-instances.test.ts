/**
 * cancelOrphanedInstances through the Google emulator, which keeps an exception whose original
 * start a series' new rule no longer gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelMeeting, createMeeting } from '@/server/meetings/schedule';
import { useTestDatabase } from '@/tests/support/database';
import { meetingInput } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { nthStart } from '@/tests/support/occurrences';
import { organizerCopyId, organizersCalendar, rewrite, syncOf } from '@/tests/support/organizer-calendar';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'orphaned-instances');
}, 60_000);
afterAll(() => t?.close());

const HOUR = 3_600_000;

describe('a series ended before an occurrence the organiser had moved', () => {
  // Found by the convergence fuzz (issue 12): the organiser moved the third occurrence in Google
  // Calendar, then "cancel this and following" from it in Tandem; the moved instance stayed.
  it('takes that moved instance out of their calendar too', async () => {
    const tenant = await t.freshTenant('orphan');
    const { calendarId } = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      ...meetingInput([tenant.learner.userId]),
      recurrence: { frequency: 'weekly', interval: 1, weekdays: [], ends: { type: 'count', count: 3 } },
    });
    await t.driver.idle();
    const { provider, externalCalendarId } = await organizersCalendar(t, calendarId);
    const masterId = await organizerCopyId(t, created.id);
    const third = nthStart(created, 2);
    const window = {
      start: new Date(created.startsAt.getTime() - HOUR),
      end: new Date(third.getTime() + 48 * HOUR),
    };
    const seriesIn = async () =>
      (await provider.readEvents(externalCalendarId, window)).filter(
        (event) => event.seriesExternalId === masterId && event.status !== 'cancelled',
      );
    const instance = (await seriesIn()).find(
      (event) =>
        event.originalStart?.kind === 'timed' && event.originalStart.start.getTime() === third.getTime(),
    )!;
    const moved = new Date(third.getTime() + 26 * HOUR);
    await provider.updateEvent(
      externalCalendarId,
      instance.externalId,
      rewrite(instance, {
        time: {
          kind: 'timed',
          start: moved,
          end: new Date(moved.getTime() + HOUR),
          timeZone: 'Europe/London',
        },
        recurrence: null,
      }),
      { etag: instance.etag },
    );
    await syncOf(t, tenant.tenantId, calendarId);

    await cancelMeeting(t.schedule, tenant.tutor, created.id, {
      scope: 'following',
      originalStartsAt: third,
    });
    await t.driver.idle();
    const left = await seriesIn();
    expect(left.map((event) => (event.time.kind === 'timed' ? event.time.start.getTime() : null))).toEqual([
      created.startsAt.getTime(),
      nthStart(created, 1).getTime(),
    ]);
  }, 60_000);
});
