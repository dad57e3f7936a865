import { ProviderBadRequestError } from './errors';
import type { CalendarProvider, PushChannel } from './types';

/**
 * What CalDAV and Exchange Server (EWS) adapters share: no push channel (`capabilities.push` is
 * null), so the sync engine polls their readChanges; asking for a channel is a caller's mistake.
 */
export abstract class PolledCalendarProvider implements Pick<
  CalendarProvider,
  'watch' | 'renewWatch' | 'stopWatch'
> {
  /** Why there is no channel and how the calendar is kept in sync instead. */
  protected abstract readonly noPushReason: string;

  async watch(): Promise<PushChannel> {
    throw new ProviderBadRequestError(this.noPushReason);
  }

  async renewWatch(): Promise<PushChannel> {
    throw new ProviderBadRequestError(this.noPushReason);
  }

  async stopWatch(): Promise<void> {
    throw new ProviderBadRequestError(this.noPushReason);
  }
}
