import { describe, expect, it } from 'vitest';
import { encryptSecret, generateKeySpec } from '@/server/crypto/secrets';
import { keyRingFromSetting, MissingEncryptionKeysError } from './key-ring';

describe('keyRingFromSetting', () => {
  it('names TANDEM_ENCRYPTION_KEYS when it is missing, blank or invalid', () => {
    for (const value of [undefined, '', '   ']) {
      expect(() => keyRingFromSetting(value)).toThrow(MissingEncryptionKeysError);
      expect(() => keyRingFromSetting(value)).toThrow(/^TANDEM_ENCRYPTION_KEYS is not set/);
    }
    expect(() => keyRingFromSetting('k1:c2hvcnQ=')).toThrow(
      /^TANDEM_ENCRYPTION_KEYS is invalid: key "k1" must be 32 bytes/,
    );
  });

  it('reads the ring once per value: the first key encrypts', () => {
    const spec = `${generateKeySpec('new')},${generateKeySpec('old')}`;
    const ring = keyRingFromSetting(spec);
    expect(keyRingFromSetting(spec)).toBe(ring);
    expect(ring.currentId).toBe('new');
    expect(encryptSecret(ring, 'x').startsWith('v1.new.')).toBe(true);
  });
});
