import { describe, expect, it } from 'vitest';
import { keyRingFromEnv, MissingEncryptionKeysError } from './keyring-from-env';
import { encryptSecret, generateKeySpec } from './secrets';

describe('keyRingFromEnv', () => {
  it('names TANDEM_ENCRYPTION_KEYS when it is missing, blank or invalid', () => {
    for (const value of [undefined, '', '   ']) {
      expect(() => keyRingFromEnv({ TANDEM_ENCRYPTION_KEYS: value })).toThrow(MissingEncryptionKeysError);
      expect(() => keyRingFromEnv({ TANDEM_ENCRYPTION_KEYS: value })).toThrow(/^TANDEM_ENCRYPTION_KEYS is not set/);
    }
    expect(() => keyRingFromEnv({ TANDEM_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toThrow(/^TANDEM_ENCRYPTION_KEYS is invalid: key "k1" must be 32 bytes/);
  });

  it('reads the ring once per value: the first key encrypts', () => {
    const spec = `${generateKeySpec('new')},${generateKeySpec('old')}`;
    const ring = keyRingFromEnv({ TANDEM_ENCRYPTION_KEYS: spec });
    expect(keyRingFromEnv({ TANDEM_ENCRYPTION_KEYS: spec })).toBe(ring);
    expect(ring.currentId).toBe('new');
    expect(encryptSecret(ring, 'x').startsWith('v1.new.')).toBe(true);
  });
});
