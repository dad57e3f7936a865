import type { externalEvents } from '@/server/db/schema';

/** The part of a mirror row a convergence oracle compares with the provider's own state. */
export type MirrorRow = typeof externalEvents.$inferSelect;

/** The mirror's columns that come from the provider (row ids, tenant and sync bookkeeping left out). */
export const PROVIDER_COLUMNS = [
  'externalId',
  'icalUid',
  'etag',
  'status',
  'title',
  'location',
  'startAt',
  'endAt',
  'allDay',
  'startDate',
  'endDate',
  'timeZone',
  'recurrence',
  'seriesEndAt',
  'seriesExternalId',
  'originalStartAt',
  'transparency',
  'showAs',
  'organizerEmail',
  'attendees',
  'tandemMeetingId',
  'providerUpdatedAt',
] as const satisfies readonly (keyof MirrorRow)[];

export type MirroredFields = Pick<MirrorRow, (typeof PROVIDER_COLUMNS)[number]>;

export function mirroredFieldsOf(row: MirrorRow): MirroredFields {
  return Object.fromEntries(PROVIDER_COLUMNS.map((column) => [column, row[column]])) as MirroredFields;
}
