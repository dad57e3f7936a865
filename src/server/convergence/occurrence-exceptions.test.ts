/**
 * applyOrganizerOccurrenceChanges on its own cases, through the Google emulator: what an
 * organiser's change to one instance keeps of the occurrence Tandem already held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, updateMeeting } from '@/server/meetings/schedule';
import { useTestDatabase } from '@/tests/support/database';
import { meetingInput } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { nthStart, occurrenceRows } from '@/tests/support/occurrences';
import { organizerCopyId, organizersCalendar, syncOf } from '@/tests/support/organizer-calendar';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'occurrence-exceptions');
}, 60_000);
afterAll(() => t?.close());

describe('an occurrence cancelled in the organiser’s calendar', () => {
  // Found by the convergence fuzz (issue 12): the occurrence, retitled in Tandem, was drawn
  // cancelled under the series' title, where a cancellation made in Tandem keeps its own.
  it('keeps the title Tandem gave that occurrence', async () => {
    const tenant = await t.freshTenant('cancel-keeps-title');
    const { calendarId } = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      ...meetingInput([tenant.learner.userId]),
      recurrence: { frequency: 'weekly', interval: 1, weekdays: [], ends: { type: 'count', count: 3 } },
    });
    await t.driver.idle();
    const second = nthStart(created, 1);
    await updateMeeting(t.schedule, tenant.tutor, {
      id: created.id,
      version: created.version,
      title: 'Portfolio review',
      occurrence: { scope: 'occurrence', originalStartsAt: second },
    });
    await t.driver.idle();
    await syncOf(t, tenant.tenantId, calendarId);

    const { provider, externalCalendarId } = await organizersCalendar(t, calendarId);
    const masterId = await organizerCopyId(t, created.id);
    const instance = (
      await provider.readEvents(externalCalendarId, {
        start: new Date(second.getTime() - 3_600_000),
        end: new Date(second.getTime() + 3_600_000),
      })
    ).find((event) => event.seriesExternalId === masterId);
    expect(instance?.title).toBe('Portfolio review');
    await provider.cancelEvent(externalCalendarId, instance!.externalId, { etag: instance!.etag });
    await syncOf(t, tenant.tenantId, calendarId);

    const [row] = await occurrenceRows(t, created.id);
    expect(row).toMatchObject({
      originalStartsAt: second,
      status: 'cancelled',
      title: 'Portfolio review',
      changedIn: 'google',
    });
  }, 60_000);
});
