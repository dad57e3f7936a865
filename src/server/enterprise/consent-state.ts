import { z } from 'zod';
import { decryptSecret, encryptSecret, type KeyRing } from '@/server/crypto/secrets';

/**
 * The `state` of a Microsoft 365 admin consent link: which admin of which tenant asked, for
 * which enterprise connection, until when. Sealed with the key ring (AES-GCM authenticates it),
 * so a redirect to /admin/calendar that Tandem did not start, or that was started by someone
 * else, is refused; Microsoft hands `state` back unchanged.
 */

/** Long enough to read Microsoft's consent page and sign in there; the link is renewed on each page load. */
export const CONSENT_STATE_LIFETIME_MS = 60 * 60 * 1000;

const payloadSchema = z.strictObject({
  purpose: z.literal('admin-consent'),
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  enterpriseConnectionId: z.string().min(1),
  expiresAt: z.number().int(),
});

export interface ConsentStateClaims {
  tenantId: string;
  userId: string;
  enterpriseConnectionId: string;
}

export function sealConsentState(ring: KeyRing, claims: ConsentStateClaims, now: Date): string {
  const payload: z.infer<typeof payloadSchema> = {
    purpose: 'admin-consent',
    ...claims,
    expiresAt: now.getTime() + CONSENT_STATE_LIFETIME_MS,
  };
  return encryptSecret(ring, JSON.stringify(payload));
}

/** The claims, or why not: one that does not open, is for another admin, or has expired. */
export function openConsentState(
  ring: KeyRing,
  state: string,
  expected: { tenantId: string; userId: string },
  now: Date,
): { ok: true; claims: ConsentStateClaims } | { ok: false; reason: 'invalid' | 'expired' } {
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(decryptSecret(ring, state)));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (payload.tenantId !== expected.tenantId || payload.userId !== expected.userId)
    return { ok: false, reason: 'invalid' };
  if (payload.expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
  const { tenantId, userId, enterpriseConnectionId } = payload;
  return { ok: true, claims: { tenantId, userId, enterpriseConnectionId } };
}
