import type { AddressPolicy } from '../caldav/address-policy';
import type { AddressResolver } from '../caldav/guarded-agent';

/** One Exchange Server mailbox as Tandem connects to it (credentials stored encrypted). */
export interface EwsConnectionConfig {
  /** `https://mail.example.org/EWS/Exchange.asmx`. */
  endpoint: string;
  /** `user@example.org`, or `DOMAIN\user` for NTLM. */
  username: string;
  password: string;
  auth: 'basic' | 'ntlm';
  /** The mailbox's SMTP address (the account's email). */
  email: string;
  /** Act as this mailbox through ApplicationImpersonation (enterprise connections). */
  impersonate?: string | null;
  /** MaxChangesReturned for SyncFolderItems (EWS allows 1–512). */
  pageSize?: number;
  /**
   * Which addresses every request may connect to (the stored server address is the user's to
   * type): strict unless given; the demo and tests allow loopback.
   */
  addressPolicy?: AddressPolicy;
  /** Resolves server names for the address check (tests inject one). */
  resolver?: AddressResolver;
}

export const DEFAULT_PAGE_SIZE = 256;
