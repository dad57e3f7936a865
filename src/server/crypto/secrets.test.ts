import { describe, expect, it } from 'vitest';
import {
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  generateKeySpec,
  isEncryptedWithOldKey,
  parseKeyRing,
  SecretDecryptionError,
} from './secrets';

const oldSpec = generateKeySpec('old');
const newSpec = generateKeySpec('new');

describe('secrets at rest', () => {
  it('round-trips, and never stores the plaintext', () => {
    const ring = parseKeyRing(oldSpec);
    const payload = encryptSecret(ring, 'refresh-token-123');
    expect(payload).not.toContain('refresh-token-123');
    expect(payload.startsWith('v1.old.')).toBe(true);
    expect(decryptSecret(ring, payload)).toBe('refresh-token-123');
    expect(encryptSecret(ring, 'same')).not.toBe(encryptSecret(ring, 'same'));
  });

  it('rotates: the new key encrypts, the old one still decrypts', () => {
    const before = encryptJson(parseKeyRing(oldSpec), { accessToken: 'a' });
    const rotated = parseKeyRing(`${newSpec},${oldSpec}`);
    expect(decryptJson(rotated, before, (value) => value)).toEqual({ accessToken: 'a' });
    expect(isEncryptedWithOldKey(rotated, before)).toBe(true);
    const after = encryptJson(rotated, { accessToken: 'a' });
    expect(after.startsWith('v1.new.')).toBe(true);
    expect(isEncryptedWithOldKey(rotated, after)).toBe(false);
  });

  it('refuses tampered payloads and removed keys', () => {
    const ring = parseKeyRing(oldSpec);
    const payload = encryptSecret(ring, 'secret');
    const parts = payload.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(ring, parts.join('.'))).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(parseKeyRing(newSpec), payload)).toThrow(/no longer configured/);
    expect(() => decryptSecret(ring, 'plain text')).toThrow(SecretDecryptionError);
    // The key id is authenticated: renaming it breaks the tag.
    const renamed = parseKeyRing(`${oldSpec},${oldSpec.replace('old:', 'other:')}`);
    expect(() => decryptSecret(renamed, payload.replace('v1.old.', 'v1.other.'))).toThrow(
      SecretDecryptionError,
    );
  });

  it('explains bad key settings', () => {
    expect(() => parseKeyRing('')).toThrow(/at least one key/);
    expect(() => parseKeyRing('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`${oldSpec},${oldSpec}`)).toThrow(/unique/);
  });
});
