/**
 * events.watch / channels.stop and the notifications Google sends: a POST with no body to the
 * channel's address, headers X-Goog-Channel-ID, X-Goog-Channel-Token, X-Goog-Channel-Expiration,
 * X-Goog-Resource-ID, X-Goog-Resource-URI, X-Goog-Resource-State and X-Goog-Message-Number;
 * first a `sync` message (number 1), then `exists` after changes. Changes made by one request are
 * coalesced into one message per channel, sent in order per channel.
 * Deviation: Google requires an https address; the emulator also allows http on loopback hosts
 * (the dev app runs on http://localhost) and refuses http anywhere else.
 */
import { z } from 'zod';
import { apiErrors, GoogleApiError } from './api-errors';
import type { GoogleStore } from './store';
import type { Account, CalendarState } from './types';

const DEFAULT_TTL_SECONDS = 604_800;
const MAX_TTL_SECONDS = 30 * 86_400;

export const watchBodySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9\-_+/=]{1,64}$/, 'Invalid channel id'),
  type: z.enum(['web_hook', 'webhook']),
  address: z.string().url(),
  token: z.string().max(256).optional(),
  expiration: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
  params: z.object({ ttl: z.string().regex(/^\d+$/).optional() }).optional(),
});

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  token: string | undefined;
  address: string;
  expirationMs: number;
  calendarId: string;
  ownerEmail: string;
  messageNumber: number;
  stopped: boolean;
  queue: Promise<void>;
}

export interface Delivery {
  channelId: string;
  state: 'sync' | 'exists';
  messageNumber: number;
  status: number | null;
  error: string | null;
  at: string;
}

export class PushChannels {
  private channels = new Map<string, Channel>();
  private pending = new Set<string>();
  private flushTimer: NodeJS.Immediate | null = null;
  deliveries: Delivery[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: GoogleStore,
    private readonly baseUrl: () => string,
  ) {
    this.unsubscribe = store.onChange((calendarId) => this.changed(calendarId));
  }

  create(account: Account, calendar: CalendarState, input: unknown): Channel {
    const parsed = watchBodySchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw apiErrors.badRequest(issue?.message ?? 'Bad Request', issue?.path.join('.'));
    }
    const body = parsed.data;
    checkAddress(body.address);
    if (this.channels.has(body.id)) {
      throw new GoogleApiError(400, {
        domain: 'global',
        reason: 'channelIdNotUnique',
        message: `Channel id ${body.id} not unique`,
      });
    }
    const now = this.store.clock.nowMs();
    const ttl = Math.min(Number(body.params?.ttl ?? DEFAULT_TTL_SECONDS), MAX_TTL_SECONDS);
    const requested = body.expiration !== undefined ? Number(body.expiration) : null;
    const channel: Channel = {
      id: body.id,
      resourceId: calendar.resourceId,
      resourceUri: `${this.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
      token: body.token,
      address: body.address,
      expirationMs: requested !== null ? Math.min(requested, now + MAX_TTL_SECONDS * 1000) : now + ttl * 1000,
      calendarId: calendar.id,
      ownerEmail: account.email,
      messageNumber: 0,
      stopped: false,
      queue: Promise.resolve(),
    };
    this.channels.set(channel.id, channel);
    this.enqueue(channel, 'sync');
    return channel;
  }

  stop(account: Account, input: unknown): void {
    const parsed = z.object({ id: z.string(), resourceId: z.string() }).safeParse(input);
    if (!parsed.success) throw apiErrors.required(parsed.error.issues[0]?.path.join('.') || 'id');
    const channel = this.channels.get(parsed.data.id);
    if (!channel || channel.resourceId !== parsed.data.resourceId || channel.ownerEmail !== account.email) {
      throw new GoogleApiError(404, {
        domain: 'global',
        reason: 'notFound',
        message: `Channel '${parsed.data.id}' not found for project 'tandem-emulator'`,
      });
    }
    channel.stopped = true;
    this.channels.delete(channel.id);
  }

  list(): Omit<Channel, 'queue'>[] {
    return [...this.channels.values()].map(({ queue: _queue, ...rest }) => rest);
  }

  /** Resolves once every queued notification has been attempted (tests, shutdown). */
  async idle(): Promise<void> {
    this.flush();
    await Promise.all([...this.channels.values()].map((channel) => channel.queue));
  }

  clear(): void {
    for (const channel of this.channels.values()) channel.stopped = true;
    this.channels.clear();
    this.pending.clear();
    this.deliveries = [];
  }

  close(): void {
    this.clear();
    this.unsubscribe();
    if (this.flushTimer) clearImmediate(this.flushTimer);
  }

  private changed(calendarId: string): void {
    this.pending.add(calendarId);
    // Coalesce: all writes of one request (e.g. an invitation touching several calendars) → one message.
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushTimer = null;
    const calendars = new Set(this.pending);
    this.pending.clear();
    const now = this.store.clock.nowMs();
    for (const channel of this.channels.values()) {
      if (!calendars.has(channel.calendarId)) continue;
      if (channel.expirationMs <= now) {
        this.channels.delete(channel.id);
        continue;
      }
      this.enqueue(channel, 'exists');
    }
  }

  private enqueue(channel: Channel, state: 'sync' | 'exists'): void {
    channel.messageNumber += 1;
    const messageNumber = channel.messageNumber;
    channel.queue = channel.queue.then(() =>
      channel.stopped ? undefined : this.deliver(channel, state, messageNumber),
    );
  }

  private async deliver(channel: Channel, state: 'sync' | 'exists', messageNumber: number): Promise<void> {
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expirationMs).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
      'Content-Length': '0',
    };
    if (channel.token !== undefined) headers['X-Goog-Channel-Token'] = channel.token;
    const record: Delivery = {
      channelId: channel.id,
      state,
      messageNumber,
      status: null,
      error: null,
      at: new Date().toISOString(),
    };
    try {
      const response = await fetch(channel.address, {
        method: 'POST',
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    this.deliveries.push(record);
  }
}

function checkAddress(address: string): void {
  const url = new URL(address);
  const loopback =
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return;
  throw new GoogleApiError(400, {
    domain: 'global',
    reason: 'push.webhookUrlNotHttps',
    message: `WebHook callback must be HTTPS: ${address}`,
  });
}
