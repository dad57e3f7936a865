import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AppDeps } from '@/server/app-deps/types';
import { inboundMail } from '@/server/db/schema';
import { calendarPartsOf } from './calendar-parts';

/**
 * Inbound iMIP email (DESIGN.md §5, PROVIDERS.md iMIP): replies and counter-proposals sent to
 * IMIP_REPLY_ADDRESS reach `receiveInboundMail` from the SMTP listener (inbound-smtp.ts) or the
 * webhook (/api/inbound/email). Both hand over the raw message; this parses it, applies each
 * message once, and records what happened in `inbound_mail`.
 */

/** What the iTIP handler (answers/apply-itip.ts `applyItipMessage`) is given for each calendar part. */
export interface InboundItipMessage {
  method: string;
  ics: string;
  /** The sender's address (From header, else the envelope sender), lower case. */
  from: string | null;
  /** Envelope recipients, else the To and Cc headers, lower case. */
  to: string[];
  messageId: string;
}

export interface InboundItipResult {
  outcome: 'applied' | 'ignored_stale' | 'refused';
  detail: string;
  tenantId?: string;
  meetingId?: string;
}

export type InboundItipHandler = (message: InboundItipMessage) => Promise<InboundItipResult>;

export interface InboundMailResult {
  /** `in_progress`: the same message is being applied right now by another delivery; try later. */
  outcome: InboundItipResult['outcome'] | 'in_progress';
  detail: string;
  messageId: string;
  /** The message had been received before: nothing was applied this time. */
  duplicate: boolean;
}

/** Replies are a few kB; a megabyte leaves room for a long quoted thread and refuses floods. */
export const MAX_INBOUND_MAIL_BYTES = 1024 * 1024;

/** A claim older than this belongs to a process that died mid-way: the next delivery takes it over. */
const STALE_CLAIM_MS = 5 * 60_000;
const PROCESSING = 'processing';
const MAX_DETAIL_CHARS = 500;

/** The handler failed unexpectedly (database down, a bug): nothing was recorded, the sender should retry. */
export class InboundMailUnavailableError extends Error {
  override readonly name = 'InboundMailUnavailableError';
}

type Envelope = { from: string | null; to: string[] };

function rawHash(raw: Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** The Message-ID from the header block alone, for a message too large to parse. */
function headerMessageId(raw: Buffer): string | null {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const match = /^message-id:[ \t]*(<[^>\r\n]{1,900}>)/im.exec(end === -1 ? head : head.slice(0, end));
  return match?.[1] ?? null;
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) =>
    object.value.flatMap((address) => (address.address ? [address.address.toLowerCase()] : [])),
  );
}

function combine(results: InboundItipResult[]): InboundItipResult {
  const rank = { applied: 0, ignored_stale: 1, refused: 2 } as const;
  const best = [...results].sort((a, b) => rank[a.outcome] - rank[b.outcome])[0]!;
  const matched = results.find((result) => result.tenantId);
  return {
    outcome: best.outcome,
    detail: results.map((result) => result.detail).join('; '),
    ...(matched?.tenantId ? { tenantId: matched.tenantId } : {}),
    ...(matched?.meetingId ? { meetingId: matched.meetingId } : {}),
  };
}

async function claim(
  deps: Pick<AppDeps, 'db' | 'now'>,
  messageId: string,
): Promise<{ claimed: true } | { claimed: false; outcome: string; detail: string | null }> {
  const now = deps.now();
  // inbound_mail is keyed by Message-ID before any tenant is known: a message is matched to a
  // tenant by its content, so this look-up is across tenants by design.
  const inserted = await deps.db
    .insert(inboundMail)
    .values({ messageId, outcome: PROCESSING, receivedAt: now })
    .onConflictDoNothing()
    .returning({ id: inboundMail.id });
  if (inserted.length > 0) return { claimed: true };
  const reclaimed = await deps.db
    .update(inboundMail)
    .set({ receivedAt: now })
    .where(
      and(
        eq(inboundMail.messageId, messageId),
        eq(inboundMail.outcome, PROCESSING),
        lt(inboundMail.receivedAt, new Date(now.getTime() - STALE_CLAIM_MS)),
      ),
    )
    .returning({ id: inboundMail.id });
  if (reclaimed.length > 0) return { claimed: true };
  const [existing] = await deps.db
    .select({ outcome: inboundMail.outcome, detail: inboundMail.detail })
    .from(inboundMail)
    .where(eq(inboundMail.messageId, messageId));
  return { claimed: false, outcome: existing?.outcome ?? PROCESSING, detail: existing?.detail ?? null };
}

async function record(
  deps: Pick<AppDeps, 'db'>,
  messageId: string,
  result: InboundItipResult,
): Promise<void> {
  await deps.db
    .update(inboundMail)
    .set({
      outcome: result.outcome,
      detail: result.detail.slice(0, MAX_DETAIL_CHARS),
      tenantId: result.tenantId ?? null,
      meetingId: result.meetingId ?? null,
    })
    .where(eq(inboundMail.messageId, messageId));
}

async function apply(
  parsed: ParsedMail | null,
  envelope: Envelope,
  messageId: string,
  handleItip: InboundItipHandler,
  tooLarge: boolean,
): Promise<InboundItipResult> {
  if (tooLarge)
    return {
      outcome: 'refused',
      detail: `the message is larger than ${MAX_INBOUND_MAIL_BYTES / 1024 / 1024} MB`,
    };
  if (!parsed) return { outcome: 'refused', detail: 'the message could not be read as email' };
  const found = calendarPartsOf(parsed);
  if (!found.ok) return { outcome: 'refused', detail: found.reason };
  const from = addressesOf(parsed.from)[0] ?? envelope.from?.toLowerCase() ?? null;
  const to =
    envelope.to.length > 0
      ? envelope.to.map((address) => address.toLowerCase())
      : addressesOf(parsed.to).concat(addressesOf(parsed.cc));
  const results: InboundItipResult[] = [];
  for (const part of found.parts)
    results.push(await handleItip({ method: part.method, ics: part.ics, from, to, messageId }));
  return combine(results);
}

/**
 * Receives one raw email. A message seen before (same Message-ID, or the same bytes when it has
 * none) is not applied again and gets the answer it got then. No calendar part, unreadable, or
 * over MAX_INBOUND_MAIL_BYTES: recorded as `refused` with a plain reason. Throws only
 * InboundMailUnavailableError, when the handler itself failed: nothing is recorded then, so the
 * sender's retry applies the message.
 */
export async function receiveInboundMail(
  deps: Pick<AppDeps, 'db' | 'now'>,
  raw: Buffer,
  envelope: Envelope,
  handleItip: InboundItipHandler,
): Promise<InboundMailResult> {
  const tooLarge = raw.byteLength > MAX_INBOUND_MAIL_BYTES;
  let parsed: ParsedMail | null = null;
  if (!tooLarge) {
    try {
      parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    } catch {
      parsed = null;
    }
  }
  const declared = tooLarge ? headerMessageId(raw) : parsed?.messageId?.trim();
  const messageId = declared || rawHash(raw);

  const claimed = await claim(deps, messageId);
  if (!claimed.claimed) {
    if (claimed.outcome === PROCESSING)
      return {
        outcome: 'in_progress',
        detail: 'this message is being applied now',
        messageId,
        duplicate: true,
      };
    return {
      outcome: claimed.outcome as InboundItipResult['outcome'],
      detail: `already received: ${claimed.detail ?? claimed.outcome}`,
      messageId,
      duplicate: true,
    };
  }
  let result: InboundItipResult;
  try {
    result = await apply(parsed, envelope, messageId, handleItip, tooLarge);
  } catch (error) {
    // Release the claim so the sender's retry is applied rather than taken for a duplicate.
    await deps.db
      .delete(inboundMail)
      .where(and(eq(inboundMail.messageId, messageId), eq(inboundMail.outcome, PROCESSING)));
    throw new InboundMailUnavailableError('the reply could not be applied now; try again later', {
      cause: error,
    });
  }
  await record(deps, messageId, result);
  return { outcome: result.outcome, detail: result.detail, messageId, duplicate: false };
}
