import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import md4 from 'js-md4';

/**
 * NTLM as IIS speaks it in front of EWS ([MS-NLMP]): a request with `Authorization: NTLM <Type 1>`
 * is answered 401 with `WWW-Authenticate: NTLM <Type 2>` (a fresh 8-byte server challenge), and
 * the next request on the same connection carries `NTLM <Type 3>`, checked here as an NTLMv2
 * response (§3.3.2). NTLM authenticates the connection, not the request, so the challenge is kept
 * per socket; clients that open a new connection per request repeat the handshake each time.
 */

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');

/** [MS-NLMP] §2.2.2.5 flags this server sets in its CHALLENGE_MESSAGE. */
export const NTLM_FLAGS = {
  NEGOTIATE_UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_NTLM: 0x00000200,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  /** NEGOTIATE_EXTENDED_SESSIONSECURITY; Exchange sets it, and @ewsjs/ntlm-client needs it for NTLMv2. */
  NEGOTIATE_NTLM2_KEY: 0x00080000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
} as const;

/** The domain the emulated server belongs to (the Type 2 target name). */
export const NTLM_DOMAIN = 'NORTHBRIDGE';

export type NtlmMessage =
  { type: 1 } | { type: 3; user: string; domain: string; ntResponse: Buffer } | { type: 'invalid' };

function securityBuffer(message: Buffer, at: number): Buffer {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (offset + length > message.length) throw new RangeError('security buffer out of range');
  return message.subarray(offset, offset + length);
}

/** Reads `NTLM <base64>`; anything that is not a NEGOTIATE or AUTHENTICATE message is invalid. */
export function parseNtlmHeader(header: string): NtlmMessage {
  const message = Buffer.from(header.replace(/^NTLM\s+/i, ''), 'base64');
  if (message.length < 12 || !message.subarray(0, 8).equals(SIGNATURE)) return { type: 'invalid' };
  const type = message.readUInt32LE(8);
  if (type === 1) return { type: 1 };
  if (type !== 3 || message.length < 52) return { type: 'invalid' };
  try {
    const flags = message.length >= 64 ? message.readUInt32LE(60) : 0;
    const encoding = flags & NTLM_FLAGS.NEGOTIATE_UNICODE || flags === 0 ? 'utf16le' : 'latin1';
    return {
      type: 3,
      ntResponse: Buffer.from(securityBuffer(message, 20)),
      domain: securityBuffer(message, 28).toString(encoding),
      user: securityBuffer(message, 36).toString(encoding),
    };
  } catch {
    return { type: 'invalid' };
  }
}

function avPair(id: number, value: string): Buffer {
  const data = Buffer.from(value, 'utf16le');
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

/** A CHALLENGE_MESSAGE (§2.2.1.2) with the target name and the AV pairs NTLMv2 hashes over. */
export function challengeMessage(challenge: Buffer): string {
  const target = Buffer.from(NTLM_DOMAIN, 'utf16le');
  const targetInfo = Buffer.concat([
    avPair(2, NTLM_DOMAIN), // MsvAvNbDomainName
    avPair(1, 'EXCH01'), // MsvAvNbComputerName
    avPair(4, 'northbridge-college.test'), // MsvAvDnsDomainName
    avPair(3, 'exch01.northbridge-college.test'), // MsvAvDnsComputerName
    Buffer.alloc(4), // MsvAvEOL
  ]);
  const header = Buffer.alloc(48);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(target.length, 12);
  header.writeUInt16LE(target.length, 14);
  header.writeUInt32LE(48, 16);
  const flags = Object.values(NTLM_FLAGS).reduce((all, flag) => all | flag, 0);
  header.writeUInt32LE(flags >>> 0, 20);
  challenge.copy(header, 24);
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(48 + target.length, 44);
  return `NTLM ${Buffer.concat([header, target, targetInfo]).toString('base64')}`;
}

export function newServerChallenge(): Buffer {
  return randomBytes(8);
}

/**
 * §3.3.2: NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)); the
 * response is NTProofStr (16 bytes) + the client's blob, NTProofStr = HMAC-MD5(NTOWFv2,
 * serverChallenge + blob). NTLMv1 (24-byte responses) is refused, as Exchange servers configured
 * for "NTLMv2 only" (LmCompatibilityLevel 5) do.
 */
export function verifyNtlmV2(
  message: Extract<NtlmMessage, { type: 3 }>,
  password: string,
  serverChallenge: Buffer,
): boolean {
  if (message.ntResponse.length <= 24) return false;
  const ntHash = Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
  const ntowf = createHmac('md5', ntHash)
    .update(Buffer.from(message.user.toUpperCase() + message.domain, 'utf16le'))
    .digest();
  const proof = message.ntResponse.subarray(0, 16);
  const blob = message.ntResponse.subarray(16);
  const expected = createHmac('md5', ntowf)
    .update(Buffer.concat([serverChallenge, blob]))
    .digest();
  return timingSafeEqual(proof, expected);
}
