import type { Inngest } from 'inngest';
import type { JobRuntime } from '../runtime';
import { createImportConnectionFunction } from './import-connection';
import { createPollCalendarsFunction } from './poll-calendars';
import { createRenewChannelsFunction, createRenewPushChannelFunction } from './renew-channels';
import { createSyncCalendarFunction } from './sync-calendar';

/** Every Tandem job, bound to one runtime: `/api/inngest` serves these, the inline driver runs them. */
export function createJobFunctions(client: Inngest, runtime: JobRuntime) {
  return [
    createImportConnectionFunction(client, runtime),
    createSyncCalendarFunction(client, runtime),
    createRenewChannelsFunction(client, runtime),
    createRenewPushChannelFunction(client, runtime),
    createPollCalendarsFunction(client, runtime),
  ];
}
