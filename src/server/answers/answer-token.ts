import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from '@/server/errors';

/**
 * The token in an invitation email's Accept / Tentative / Decline links: names one attendee of one
 * meeting in one tenant, expires, and is signed (HMAC-SHA256) so it cannot be forged or moved to
 * another attendee or tenant. It lets a person answer without signing in, and nothing else.
 */

const payloadSchema = z.strictObject({
  /** tenant id */
  t: z.uuid(),
  /** meeting id */
  m: z.uuid(),
  /** meeting_attendees id */
  a: z.uuid(),
  /** expiry, seconds since the epoch */
  exp: z.number().int().positive(),
});
export type AnswerTokenPayload = z.infer<typeof payloadSchema>;

/** Refused answer links get one plain message: which check failed helps only a forger. */
export class InvalidAnswerLinkError extends InvalidInputError {
  constructor(readonly reason: 'malformed' | 'bad_signature' | 'expired') {
    super(
      reason === 'expired'
        ? 'This answer link has expired. Open the meeting in Tandem, or ask the organiser to send it again.'
        : 'This answer link is not valid. Open the meeting in Tandem to answer.',
    );
  }
}

/** A key for answer links only, derived from AUTH_SECRET: it signs nothing else. */
export function answerLinkKey(authSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', authSecret, 'tandem', 'answer-links-v1', 32));
}

function sign(body: string, key: Buffer): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export function createAnswerToken(
  key: Buffer,
  ids: { tenantId: string; meetingId: string; attendeeId: string },
  expiresAt: Date,
): string {
  const payload: AnswerTokenPayload = {
    t: ids.tenantId,
    m: ids.meetingId,
    a: ids.attendeeId,
    exp: Math.floor(expiresAt.getTime() / 1000),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, key)}`;
}

export function verifyAnswerToken(
  key: Buffer,
  token: string,
  now: Date,
): { tenantId: string; meetingId: string; attendeeId: string; expiresAt: Date } {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined || token.length > 1000) {
    throw new InvalidAnswerLinkError('malformed');
  }
  const expected = Buffer.from(sign(body, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidAnswerLinkError('bad_signature');
  }
  let payload: AnswerTokenPayload;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidAnswerLinkError('malformed');
  }
  const expiresAt = new Date(payload.exp * 1000);
  if (expiresAt <= now) throw new InvalidAnswerLinkError('expired');
  return { tenantId: payload.t, meetingId: payload.m, attendeeId: payload.a, expiresAt };
}
