import type { Inngest } from 'inngest';
import type { JobDefinition, JobDeps } from '../definition';
import { createJobFunction } from '../job-function';
import { bulkAdd, bulkAddExchangeBatch, bulkAddGoogleBatch, bulkAddMicrosoftBatch } from './bulk-add';
import { deliverMeeting } from './deliver-meeting';
import { importConnection } from './import-connection';
import { pollCalendars } from './poll-calendars';
import { reconcileCalendars } from './reconcile-calendars';
import { renewChannels, renewPushChannel } from './renew-channels';
import { sendNotificationEmailsJob, sweepNotificationEmailsJob } from './send-notification-emails';
import { syncCalendar } from './sync-calendar';
import { writeAnswer } from './write-answer';

/** Every Tandem job. A new job: its file here, and one line in this list. */
export const JOB_DEFINITIONS: JobDefinition[] = [
  importConnection,
  syncCalendar,
  renewChannels,
  renewPushChannel,
  pollCalendars,
  reconcileCalendars,
  sendNotificationEmailsJob,
  sweepNotificationEmailsJob,
  writeAnswer,
  deliverMeeting,
  bulkAdd,
  bulkAddMicrosoftBatch,
  bulkAddGoogleBatch,
  bulkAddExchangeBatch,
];

/** Every job as an Inngest function bound to the app's parts: `/api/inngest` serves these, the inline driver runs them. */
export function createJobFunctions(client: Inngest, deps: JobDeps) {
  return JOB_DEFINITIONS.map((definition) => createJobFunction(client, definition, deps));
}
