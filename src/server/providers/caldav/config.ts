import type { AddressPolicy } from './address-policy';
import type { AddressResolver } from './guarded-agent';

/** How to reach one CalDAV account. Stored (encrypted) with the connection. */
export interface CalDavConfig {
  /** 'icloud' for Apple iCloud (see `icloudConfig`), 'caldav' for any other server. */
  kind: 'caldav' | 'icloud';
  /** Where discovery starts: the server root or any URL below it (`/.well-known/caldav` is tried). */
  serverUrl: string;
  username: string;
  /** The password, or for iCloud an app-specific password (accounts with two-factor sign-in need one). */
  password: string;
  /**
   * The account's calendar address, written as ORGANIZER and used to recognise the account among
   * attendees. Defaults to the username when it looks like an address; the server's
   * calendar-user-address-set is consulted as well.
   */
  email?: string | null;
  displayName?: string | null;
  /** The server sends invitations and reflects replies itself (RFC 6638): iCloud yes, Radicale no. */
  serverScheduling?: boolean;
  /** Objects per calendar-multiget, i.e. per page of readChanges. */
  pageSize?: number;
  timeoutMs?: number;
  /**
   * Which addresses the adapter may connect to, checked at every socket connect. Strict (no
   * loopback, no private networks) unless given: only the demo and tests allow loopback.
   */
  addressPolicy?: AddressPolicy;
  /** Resolves server names at connect time (tests inject one; defaults to the system's). */
  resolver?: AddressResolver;
  /** The fetch to use underneath (tests may observe requests); it bypasses the address guard. */
  fetch?: typeof fetch;
}

export const ICLOUD_SERVER_URL = 'https://caldav.icloud.com';

/** Apple iCloud: Apple ID plus an app-specific password (appleid.apple.com → Sign-In and Security). */
export function icloudConfig(options: {
  appleId: string;
  appSpecificPassword: string;
  email?: string | null;
  displayName?: string | null;
}): CalDavConfig {
  return {
    kind: 'icloud',
    serverUrl: ICLOUD_SERVER_URL,
    username: options.appleId,
    password: options.appSpecificPassword,
    email: options.email ?? (options.appleId.includes('@') ? options.appleId : null),
    displayName: options.displayName ?? null,
    serverScheduling: true,
  };
}

/** Any CalDAV server by URL (Fastmail, Nextcloud, Radicale, …). */
export function caldavConfig(options: {
  serverUrl: string;
  username: string;
  password: string;
  email?: string | null;
  displayName?: string | null;
  serverScheduling?: boolean;
}): CalDavConfig {
  return { kind: 'caldav', ...options };
}
