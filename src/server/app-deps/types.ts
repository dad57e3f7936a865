import type { OAuthApps } from '@/server/connections/provider-apps';
import type { ProviderRegistry } from '@/server/connections/provider-registry';
import type { KeyRing } from '@/server/crypto/secrets';
import type { EnterpriseAccess } from '@/server/enterprise/access';
import type { Database } from '@/server/db/client';
import type { JobDispatcher } from '@/server/jobs/events';
import type { InboundItipHandler } from '@/server/mail/inbound';
import type { Mailer } from '@/server/mail/mailer';
import type { UserCallLimits } from '@/server/security/call-limits';
import type { SyncWindow } from '@/server/sync/deps';

/**
 * Everything the running app is built from (DESIGN.md §7), made once per process from the
 * validated environment by `appDeps()`. Services never take the whole of it: each declares the
 * `Pick<AppDeps, …>` it uses, so a test hands in just those parts and no caller invents the rest.
 */
export interface AppDeps {
  db: Database;
  /**
   * The key ring for secrets at rest, read when first needed: a server without
   * TANDEM_ENCRYPTION_KEYS serves everything but calendar connections (MissingEncryptionKeysError).
   */
  keyRing: () => KeyRing;
  /** Builds the adapter acting as a calendar connection's account. */
  providers: ProviderRegistry;
  /** Tenants' enterprise access (Microsoft 365 app-only): directory listing, acting as a member. */
  enterprise: EnterpriseAccess;
  /** Tandem's OAuth app with each provider users connect by consent; null where not configured. */
  oauthApps: OAuthApps;
  /** Background work: Inngest in production, the inline driver in the demo, a recorder in tests. */
  jobs: JobDispatcher;
  now: () => Date;
  /** The app's public URL: OAuth redirect URIs and webhook addresses hang below it. */
  appUrl: string;
  /** How far around now the mirror reaches (SYNC_WINDOW_*). */
  window: SyncWindow;
  /** SYNC_POLL_MINUTES: how often calendars are polled, and how stale a pushed calendar may get. */
  pollMinutes: number;
  /**
   * CalDAV servers on loopback: allowed in the demo and tests, refused in production. Private,
   * link-local and reserved networks are refused always (providers/caldav/address-policy.ts).
   */
  allowLoopbackServers: boolean;
  /** Per-user budgets of tRPC calls per minute, kept in this process (src/server/security/call-limits.ts). */
  callLimits: UserCallLimits;
  /** Outgoing email over SMTP_URL (the local SMTP server in the demo and tests). */
  mailer: Mailer;
  /** Signs the answer links in invitation emails (answers/answer-token.ts), derived from AUTH_SECRET. */
  answerLinkKey: Buffer;
  /**
   * Applies one inbound iMIP message (REPLY / COUNTER) from the SMTP listener or the inbound
   * webhook (mail/inbound.ts). Unset, neither takes mail: the listener stays down, the hook says 503.
   */
  handleInboundItip?: InboundItipHandler;
}
