import { randomBytes, randomUUID } from 'node:crypto';
import { DeltaTokens } from './delta-state';
import { resolveInstance } from './instances';
import type { AccountRecord, CalendarRecord, EventRecord, InstanceView } from './store-types';

/**
 * All emulator state, per account: calendars, events, OAuth grants, subscriptions. Routes change
 * events only through `saveEvent` / `deleteEvent`, which bump the change key and tell listeners
 * (change notifications), so every write path behaves the same.
 */

export interface ClientApp {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs; an empty list accepts any loopback URI (dev convenience). */
  redirectUris: string[];
  /**
   * Application permissions the app registration asks for (its required resource access): what
   * a tenant admin grants through the admin consent endpoint. Unset: the ones Tandem asks for.
   */
  applicationPermissions?: string[];
}

export interface AuthCode {
  code: string;
  clientId: string;
  accountId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: number;
}

export interface Grant {
  refreshToken: string;
  clientId: string;
  accountId: string;
  scope: string;
  revoked: boolean;
}

export type Principal =
  | { kind: 'delegated'; accountId: string; scope: string; clientId: string }
  | {
      kind: 'app';
      tenantId: string;
      clientId: string;
      /** The application permissions admin-consented in the tenant when the token was issued (`roles`). */
      roles: string[];
    };

export interface AccessToken {
  token: string;
  principal: Principal;
  expiresAt: number;
  revoked: boolean;
}

export interface SubscriptionRecord {
  id: string;
  ownerId: string;
  /** Events under this calendar only, or every calendar of the owner when null. */
  calendarId: string | null;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
}

/** An iMIP email Exchange sent to someone it does not host, kept for tests (and sent when relaying). */
export interface MicrosoftOutboxMessage {
  kind: 'invitation' | 'update' | 'cancellation' | 'reply';
  method: 'REQUEST' | 'REPLY' | 'CANCEL' | 'COUNTER';
  from: { email: string; name?: string | undefined };
  to: { email: string; name?: string | undefined };
  iCalUId: string;
  subject: string;
  text: string;
  ics: string;
  at: string;
}

export type ChangeType = 'created' | 'updated' | 'deleted';
export interface EventChangeNotice {
  ownerId: string;
  calendarId: string;
  eventId: string;
  changeType: ChangeType;
}

/** A Graph-like opaque id: long, URL-safe, no underscore (occurrence ids use it as separator). */
export function newGraphId(): string {
  return `AAMkA${randomBytes(24)
    .toString('base64')
    .replace(/[+/=_]/g, (c) => (c === '+' ? '-' : c === '/' ? 'x' : ''))}`;
}

export function newChangeKey(): string {
  return randomBytes(12).toString('base64').replace(/=+$/, '');
}

export class MicrosoftStore {
  readonly accounts = new Map<string, AccountRecord>();
  readonly calendars = new Map<string, CalendarRecord>();
  readonly events = new Map<string, EventRecord>();
  readonly clients = new Map<string, ClientApp>();
  readonly codes = new Map<string, AuthCode>();
  readonly grants = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** Admin consent per `tenantId|clientId`: the application permissions granted (directory.ts). */
  readonly consents = new Map<string, Set<string>>();
  /** Delta and skip tokens; the control API expires them all (→ 410). */
  readonly deltaTokens = new DeltaTokens();
  outbox: MicrosoftOutboxMessage[] = [];
  /** Sends an outbox message over SMTP (set by the server when a relay is configured; off while seeding). */
  mailer: ((message: MicrosoftOutboxMessage) => void) | null = null;
  /** Lifetime of issued access tokens; tests shorten it to exercise refresh. */
  accessTokenLifetimeSeconds = 3599;
  private readonly listeners = new Set<(notice: EventChangeNotice) => void>();

  clear(): void {
    this.accounts.clear();
    this.calendars.clear();
    this.events.clear();
    this.clients.clear();
    this.codes.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.subscriptions.clear();
    this.consents.clear();
    this.deltaTokens.expireAll();
    this.outbox = [];
  }

  send(message: Omit<MicrosoftOutboxMessage, 'at'>, now = new Date()): void {
    const recorded = { ...message, at: now.toISOString() };
    this.outbox.push(recorded);
    this.mailer?.(recorded);
  }

  onChange(listener: (notice: EventChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  accountByIdOrEmail(idOrEmail: string): AccountRecord | undefined {
    const direct = this.accounts.get(idOrEmail);
    if (direct) return direct;
    const wanted = idOrEmail.toLowerCase();
    for (const account of this.accounts.values()) if (account.email.toLowerCase() === wanted) return account;
    return undefined;
  }

  calendarsOf(ownerId: string): CalendarRecord[] {
    return [...this.calendars.values()].filter((calendar) => calendar.ownerId === ownerId);
  }

  defaultCalendar(ownerId: string): CalendarRecord | undefined {
    return this.calendarsOf(ownerId).find((calendar) => calendar.isDefault);
  }

  eventsOfCalendar(calendarId: string): EventRecord[] {
    return [...this.events.values()].filter((event) => event.calendarId === calendarId);
  }

  eventsOfOwner(ownerId: string): EventRecord[] {
    return [...this.events.values()].filter((event) => event.ownerId === ownerId);
  }

  /** Finds an event or occurrence by id in the owner's mailbox. */
  findInstance(ownerId: string, id: string): InstanceView | null {
    const masterId = id.split('_')[0] ?? id;
    const event = this.events.get(masterId);
    if (!event || event.ownerId !== ownerId) return null;
    return resolveInstance(event, id);
  }

  findByICalUId(ownerId: string, iCalUId: string): EventRecord | undefined {
    for (const event of this.events.values())
      if (event.ownerId === ownerId && event.iCalUId === iCalUId) return event;
    return undefined;
  }

  /** Records a change to an event (new change key, modified time) and notifies listeners. */
  saveEvent(event: EventRecord, changeType: ChangeType, now = new Date()): void {
    if (changeType !== 'created') {
      event.changeKey = newChangeKey();
      event.lastModified = now.toISOString();
      event.sequence += 1;
    }
    this.events.set(event.id, event);
    this.emit({ ownerId: event.ownerId, calendarId: event.calendarId, eventId: event.id, changeType });
  }

  deleteEvent(event: EventRecord): void {
    this.events.delete(event.id);
    this.emit({
      ownerId: event.ownerId,
      calendarId: event.calendarId,
      eventId: event.id,
      changeType: 'deleted',
    });
  }

  issueAccessToken(principal: Principal, lifetimeSeconds: number): AccessToken {
    const token: AccessToken = {
      token: `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(32).toString('base64url')}.${randomUUID()}`,
      principal,
      expiresAt: Date.now() + lifetimeSeconds * 1000,
      revoked: false,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  /** Revokes every grant and access token of an account (password reset, admin revocation). */
  revokeAccount(accountId: string): void {
    for (const grant of this.grants.values()) if (grant.accountId === accountId) grant.revoked = true;
    for (const token of this.accessTokens.values()) {
      if (token.principal.kind === 'delegated' && token.principal.accountId === accountId)
        token.revoked = true;
    }
  }

  private emit(notice: EventChangeNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}
