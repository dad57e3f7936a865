import type { ProviderCapabilities } from '../types';

/** What an Exchange Server mailbox offers (a file of its own: read without loading ews-javascript-api). */
export const EWS_CAPABILITIES: ProviderCapabilities = {
  push: null,
  serverScheduling: true,
  freeBusyQuery: true,
};
