import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExchangeServer } from '@/server/providers/ews';
import { NTLM_DOMAIN, NTLM_FLAGS } from './ntlm';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

/**
 * NTLM in front of EWS, pinned against [MS-NLMP] (learn.microsoft.com/openspecs/windows_protocols/
 * ms-nlmp): §2.2.1.1 NEGOTIATE_MESSAGE, §2.2.1.2 CHALLENGE_MESSAGE (signature `NTLMSSP\0`,
 * MessageType 2 at offset 8, NegotiateFlags at 20, the 8-byte ServerChallenge at 24, TargetInfo
 * fields at 40), §2.2.1.3 AUTHENTICATE_MESSAGE, §3.3.2 NTLMv2. Messages are built by hand here;
 * the full handshake runs through the adapter's own NTLM client (@ewsjs/xhr).
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
let emulator: EwsEmulator;
beforeAll(async () => {
  emulator = await startEwsEmulator();
});
afterAll(() => emulator.close());

/** A NEGOTIATE_MESSAGE (§2.2.1.1) with no domain or workstation: signature, type 1, flags. */
function negotiateMessage(): string {
  const message = Buffer.alloc(32);
  SIGNATURE.copy(message, 0);
  message.writeUInt32LE(1, 8);
  message.writeUInt32LE(
    NTLM_FLAGS.NEGOTIATE_UNICODE | NTLM_FLAGS.NEGOTIATE_NTLM | NTLM_FLAGS.NEGOTIATE_NTLM2_KEY,
    12,
  );
  return `NTLM ${message.toString('base64')}`;
}

/** An AUTHENTICATE_MESSAGE (§2.2.1.3) with empty fields: well formed, proves nothing. */
function emptyAuthenticateMessage(): string {
  const message = Buffer.alloc(64);
  SIGNATURE.copy(message, 0);
  message.writeUInt32LE(3, 8);
  for (const field of [12, 20, 28, 36, 44, 52]) message.writeUInt32LE(64, field + 4);
  return `NTLM ${message.toString('base64')}`;
}

function get(agent: Agent, authorization?: string) {
  return new Promise<{ status: number; challenges: string[] }>((resolve, reject) => {
    const call = request(
      emulator.endpoint,
      {
        method: 'GET',
        agent,
        headers: { ...(authorization ? { authorization } : {}), connection: 'keep-alive' },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            challenges: [response.headers['www-authenticate'] ?? []].flat(),
          }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

describe('EWS emulator: NTLM', () => {
  it('offers NTLM and Basic to a request without credentials', async () => {
    const agent = new Agent();
    const answer = await get(agent);
    agent.destroy();
    expect(answer.status).toBe(401);
    expect(answer.challenges.join(', ')).toMatch(/^NTLM, Basic realm=/);
  });

  it('answers a Type 1 message with 401 and a Type 2 challenge that sets NEGOTIATE_NTLM2_KEY and carries target info', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answer = await get(agent, negotiateMessage());
    agent.destroy();
    expect(answer.status).toBe(401);
    expect(answer.challenges).toHaveLength(1);
    const challenge = Buffer.from(answer.challenges[0]!.replace(/^NTLM /, ''), 'base64');
    expect(challenge.subarray(0, 8).equals(SIGNATURE)).toBe(true);
    expect(challenge.readUInt32LE(8)).toBe(2);
    const flags = challenge.readUInt32LE(20);
    // Exchange sets extended session security; without it @ewsjs/ntlm-client falls back to NTLMv1.
    expect(flags & NTLM_FLAGS.NEGOTIATE_NTLM2_KEY).toBe(NTLM_FLAGS.NEGOTIATE_NTLM2_KEY);
    expect(flags & NTLM_FLAGS.NEGOTIATE_TARGET_INFO).toBe(NTLM_FLAGS.NEGOTIATE_TARGET_INFO);
    expect(flags & NTLM_FLAGS.NEGOTIATE_UNICODE).toBe(NTLM_FLAGS.NEGOTIATE_UNICODE);
    const targetName = challenge.subarray(
      challenge.readUInt32LE(16),
      challenge.readUInt32LE(16) + challenge.readUInt16LE(12),
    );
    expect(targetName.toString('utf16le')).toBe(NTLM_DOMAIN);
    expect(challenge.readUInt16LE(40)).toBeGreaterThan(4);
    // Two handshakes never share a server challenge.
    const again = new Agent({ keepAlive: true, maxSockets: 1 });
    const other = await get(again, negotiateMessage());
    again.destroy();
    expect(Buffer.from(other.challenges[0]!.slice(5), 'base64').subarray(24, 32)).not.toEqual(
      challenge.subarray(24, 32),
    );
  });

  it('refuses a Type 3 message on a connection that was never challenged', async () => {
    const agent = new Agent();
    const answer = await get(agent, emptyAuthenticateMessage());
    agent.destroy();
    expect(answer.status).toBe(401);
  });

  it('the adapter connects with NTLM (DOMAIN\\user or the address) and reports a wrong password as such', async () => {
    const config = {
      endpoint: emulator.endpoint,
      email: ALEX,
      auth: 'ntlm' as const,
      // The emulator is on loopback, which only the demo and tests may reach.
      addressPolicy: { allowLoopback: true },
    };
    for (const username of [`${NTLM_DOMAIN}\\alex.morgan`, ALEX]) {
      const check = await checkExchangeServer({ ...config, username, password: DEFAULT_PASSWORD });
      expect(check).toMatchObject({ ok: true, calendarName: expect.any(String) });
    }
    const refused = await checkExchangeServer({ ...config, username: ALEX, password: 'wrong' });
    expect(refused).toMatchObject({ ok: false, reason: 'wrong_password' });
  });
});
