import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (provider tokens, CalDAV passwords, PKCE verifiers): AES-256-GCM with a key
 * ring. The first key encrypts; every key decrypts, so a new key can be added in front and the
 * old one removed once everything has been re-encrypted (the provider registry re-encrypts a
 * connection's credentials on their next use: `createProviderRegistry`).
 *
 * Payload: `v1.<keyId>.<iv>.<authTag>.<ciphertext>`, each part base64url.
 */
export interface KeyRing {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** `TANDEM_ENCRYPTION_KEYS="2026b:<base64 32 bytes>,2026a:<base64 32 bytes>"` (first encrypts). */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const separator = part.indexOf(':');
      const id = part.slice(0, separator);
      const key = Buffer.from(part.slice(separator + 1), 'base64');
      if (separator < 1 || !KEY_ID.test(id))
        throw new Error(`key id "${id}" must be 1–32 letters, digits, _ or -`);
      if (key.length !== 32)
        throw new Error(`key "${id}" must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
      return [id, key] as const;
    });
  const first = entries[0];
  if (!first) throw new Error('needs at least one key: "<id>:<base64 of 32 random bytes>"');
  const keys = new Map(entries);
  if (keys.size !== entries.length) throw new Error('key ids must be unique');
  return { currentId: first[0], keys };
}

export function generateKeySpec(id = 'k1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function encryptSecret(ring: KeyRing, plaintext: string): string {
  const key = ring.keys.get(ring.currentId);
  if (!key) throw new Error('current key missing from the ring');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The key id is authenticated too: a payload cannot be replayed under another key's name.
  cipher.setAAD(Buffer.from(ring.currentId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
  return ['v1', ring.currentId, ...parts].join('.');
}

export function decryptSecret(ring: KeyRing, payload: string): string {
  const [version, keyId, iv, tag, ciphertext, ...rest] = payload.split('.');
  if (
    version !== 'v1' ||
    !keyId ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    rest.length > 0
  ) {
    throw new SecretDecryptionError('not an encrypted secret');
  }
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretDecryptionError(`encrypted with key "${keyId}", which is no longer configured`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch (error) {
    throw new SecretDecryptionError('the secret was altered or the key is wrong', { cause: error });
  }
}

export function encryptJson(ring: KeyRing, value: unknown): string {
  return encryptSecret(ring, JSON.stringify(value));
}

export function decryptJson<T>(ring: KeyRing, payload: string, parse: (value: unknown) => T): T {
  return parse(JSON.parse(decryptSecret(ring, payload)));
}

/** Whether a payload should be re-encrypted with the current key (after a rotation). */
export function isEncryptedWithOldKey(ring: KeyRing, payload: string): boolean {
  return payload.split('.')[1] !== ring.currentId;
}
