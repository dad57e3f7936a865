import { parseKeyRing, type KeyRing } from '@/server/crypto/secrets';

export class MissingEncryptionKeysError extends Error {
  override readonly name = 'MissingEncryptionKeysError';
}

const cache = new Map<string, KeyRing>();

/**
 * The key ring for secrets at rest, from TANDEM_ENCRYPTION_KEYS. Read on first use, not at start,
 * so that a development server without keys still serves everything but calendar connections.
 */
export function keyRingFromSetting(setting: string | undefined): KeyRing {
  const spec = setting?.trim();
  if (!spec) {
    throw new MissingEncryptionKeysError(
      'TANDEM_ENCRYPTION_KEYS is not set: calendar connections need a key to encrypt tokens and passwords at rest ' +
        '(e.g. TANDEM_ENCRYPTION_KEYS="k1:$(openssl rand -base64 32)").',
    );
  }
  let ring = cache.get(spec);
  if (!ring) {
    try {
      ring = parseKeyRing(spec);
    } catch (error) {
      throw new MissingEncryptionKeysError(`TANDEM_ENCRYPTION_KEYS is invalid: ${(error as Error).message}`, {
        cause: error,
      });
    }
    cache.set(spec, ring);
  }
  return ring;
}
