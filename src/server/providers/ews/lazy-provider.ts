import type { CalendarProvider } from '../types';
import { EWS_CAPABILITIES } from './capabilities';
import type { EwsConnectionConfig } from './config';

/**
 * The EWS adapter for code that must hand one over at once (enterprise access's `actAs` is
 * synchronous) without loading ews-javascript-api, which takes over a second and which most
 * processes never need: each method loads the adapter on first use and delegates to it.
 */
export function createLazyEwsProvider(config: EwsConnectionConfig): CalendarProvider {
  let adapter: Promise<CalendarProvider> | null = null;
  const load = () =>
    (adapter ??= import('./provider').then(({ createEwsProvider }) => createEwsProvider(config)));
  return {
    kind: 'ews',
    capabilities: EWS_CAPABILITIES,
    listCalendars: async () => (await load()).listCalendars(),
    readEvents: async (calendarId, window) => (await load()).readEvents(calendarId, window),
    async *readChanges(calendarId, cursor, window) {
      yield* (await load()).readChanges(calendarId, cursor, window);
    },
    getEvent: async (calendarId, externalId) => (await load()).getEvent(calendarId, externalId),
    createEvent: async (calendarId, event, options) => (await load()).createEvent(calendarId, event, options),
    updateEvent: async (calendarId, externalId, event, options) =>
      (await load()).updateEvent(calendarId, externalId, event, options),
    cancelEvent: async (calendarId, externalId, options) =>
      (await load()).cancelEvent(calendarId, externalId, options),
    respondToEvent: async (calendarId, externalId, response, options) =>
      (await load()).respondToEvent(calendarId, externalId, response, options),
    freeBusy: async (accounts, window) => (await load()).freeBusy(accounts, window),
    watch: async (calendarId, request) => (await load()).watch(calendarId, request),
    renewWatch: async (calendarId, channel, request) =>
      (await load()).renewWatch(calendarId, channel, request),
    stopWatch: async (channel) => (await load()).stopWatch(channel),
  };
}
