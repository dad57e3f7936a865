import { randomBytes } from 'node:crypto';

/**
 * EWS ids are opaque base64 strings (an item's `Id` is ~150 characters on Exchange; clients must
 * not parse them). The emulator's are shorter but just as opaque: base64 of a tagged payload, so
 * an occurrence id carries its master and original start the way Exchange's do, and a string
 * that is not one of ours is "malformed" (ErrorInvalidIdMalformed), not merely unknown.
 */

const PREFIX = 'AAMkAG';

export type ParsedId =
  | { kind: 'item'; itemId: string }
  | { kind: 'occurrence'; masterId: string; originalStart: string }
  | { kind: 'folder'; mailbox: string };

function encode(payload: string): string {
  return PREFIX + Buffer.from(payload, 'utf8').toString('base64url');
}

export function newItemId(): string {
  return encode(`item:${randomBytes(12).toString('hex')}`);
}

export function occurrenceId(masterId: string, originalStart: string): string {
  return encode(`occ:${masterId}|${originalStart}`);
}

export function folderId(mailbox: string): string {
  return encode(`folder:${mailbox.toLowerCase()}`);
}

export function parseId(id: string): ParsedId | null {
  if (!id.startsWith(PREFIX)) return null;
  const payload = Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8');
  if (payload.startsWith('item:')) return { kind: 'item', itemId: id };
  if (payload.startsWith('folder:')) return { kind: 'folder', mailbox: payload.slice(7) };
  if (payload.startsWith('occ:')) {
    const [masterId, originalStart] = payload.slice(4).split('|');
    if (masterId && originalStart) return { kind: 'occurrence', masterId, originalStart };
  }
  return null;
}

/** A ChangeKey: a new one on every change of the item. */
export function newChangeKey(): string {
  return `DwAAABYAAA${randomBytes(9).toString('base64url')}`;
}
