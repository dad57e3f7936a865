import { describe, expect, it } from 'vitest';
import { answerLinkKey, createAnswerToken, InvalidAnswerLinkError, verifyAnswerToken } from './answer-token';

const key = answerLinkKey('a-test-secret-that-is-long-enough-0123456789');
const ids = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  meetingId: '00000000-0000-4000-8000-000000000002',
  attendeeId: '00000000-0000-4000-8000-000000000003',
};
const now = new Date('2026-12-02T10:00:00Z');
const later = new Date('2026-12-30T10:00:00Z');

function reasonOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof InvalidAnswerLinkError ? error.reason : 'other';
  }
}

describe('answer link tokens', () => {
  it('round-trips the ids until it expires', () => {
    const token = createAnswerToken(key, ids, later);
    expect(verifyAnswerToken(key, token, now)).toMatchObject(ids);
    expect(reasonOf(() => verifyAnswerToken(key, token, later))).toBe('expired');
  });

  it('refuses a token signed with another key or with its payload changed', () => {
    const token = createAnswerToken(key, ids, later);
    const otherKey = answerLinkKey('another-secret-that-is-long-enough-987654321');
    expect(reasonOf(() => verifyAnswerToken(otherKey, token, now))).toBe('bad_signature');
    const [, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ t: ids.tenantId, m: ids.meetingId, a: ids.meetingId, exp: 9e9 }),
    ).toString('base64url');
    expect(reasonOf(() => verifyAnswerToken(key, `${forged}.${signature}`, now))).toBe('bad_signature');
  });

  it('refuses garbage', () => {
    for (const token of ['', 'abc', 'a.b.c', '.', `${'x'.repeat(2000)}.y`]) {
      expect(reasonOf(() => verifyAnswerToken(key, token, now))).toBe(
        token === '.' || token === '' || token === 'abc' || token === 'a.b.c' || token.length > 1000
          ? 'malformed'
          : 'bad_signature',
      );
    }
  });
});
