import type { Executor } from '@/server/db/client';
import type { AuditAction, ConnectionProvider } from '@/server/db/schema';
import {
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '@/server/providers/errors';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { CalendarProvider } from '@/server/providers/types';
import { recordAudit } from './record-audit';

/** Which meeting a write is for, on whose behalf, and which calendar it lands in. */
export interface CalendarWriteContext {
  db: Executor;
  now: () => Date;
  tenantId: string;
  meetingId: string;
  /** The organiser for delivery writes, the attendee for an answer. */
  actorUserId: string | null;
  calendar: {
    id: string;
    name: string;
    connectionId: string;
    ownerUserId: string;
    provider: ConnectionProvider;
    accountEmail: string;
  };
}

const WRITES = {
  createEvent: 'calendar.create',
  updateEvent: 'calendar.update',
  cancelEvent: 'calendar.cancel',
  respondToEvent: 'calendar.answer',
} as const satisfies Partial<Record<keyof CalendarProvider, AuditAction>>;

/**
 * The adapter as delivery and answers use it: each create / update / cancel / answer is written
 * to the audit log with its result (DESIGN.md §4 rule 7). The one place writes are audited:
 * delivery opens calendars through `openCalendar`, answers through `writeAnswer`, both wrap here.
 * A 412 is not logged: the caller re-reads and writes again, and that write is the one recorded.
 */
export function auditCalendarWrites(
  provider: CalendarProvider,
  context: CalendarWriteContext,
): CalendarProvider {
  const record = (action: AuditAction, error: unknown | null) =>
    recordAudit(context.db, {
      tenantId: context.tenantId,
      actorUserId: context.actorUserId,
      action,
      target: {
        userId: context.calendar.ownerUserId,
        meetingId: context.meetingId,
        calendarId: context.calendar.id,
        connectionId: context.calendar.connectionId,
        label: calendarLabel(context.calendar),
      },
      result: error === null ? 'ok' : 'failed',
      reason: error === null ? null : describeWriteFailure(error),
      at: context.now(),
    });
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      const action = (WRITES as Record<string | symbol, AuditAction | undefined>)[property];
      if (!action) return method.bind(target);
      return async (...args: unknown[]) => {
        let result: unknown;
        try {
          result = await method.apply(target, args);
        } catch (error) {
          if (!(error instanceof ProviderConflictError)) await record(action, error);
          throw error;
        }
        await record(action, null);
        return result;
      };
    },
  });
}

export function calendarLabel(calendar: {
  provider: ConnectionProvider;
  accountEmail: string;
  name: string;
}) {
  return `${PROVIDER_LABELS[calendar.provider]} · ${calendar.accountEmail} · ${calendar.name}`;
}

/** Why a write failed, as an admin reads it; never the provider's raw body (it may quote the event). */
export function describeWriteFailure(error: unknown): string {
  if (error instanceof ProviderAuthRevokedError)
    return 'Access was revoked: the calendar needs reconnecting.';
  if (error instanceof ProviderNotFoundError) return 'The event or calendar is no longer there.';
  if (error instanceof ProviderRateLimitedError)
    return 'The provider asked Tandem to slow down; it will retry.';
  if (error instanceof ProviderUnavailableError) return 'The provider did not answer; Tandem will retry.';
  if (error instanceof ProviderBadRequestError) return 'The provider refused the change.';
  if (error instanceof ProviderProtocolError) return 'The provider answered in a way Tandem could not read.';
  return 'Something went wrong on Tandem’s side.';
}
