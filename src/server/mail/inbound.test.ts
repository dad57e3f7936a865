import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { inboundMail } from '@/server/db/schema';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { nodemailerMessage, replyIcs } from '@/tests/support/imip-messages';
import {
  InboundMailUnavailableError,
  MAX_INBOUND_MAIL_BYTES,
  receiveInboundMail,
  type InboundItipHandler,
  type InboundItipMessage,
} from './inbound';

let database: TestDatabase;
const NOW = new Date('2026-12-02T09:00:00Z');
const deps = () => ({ db: database.db, now: () => NOW });

beforeAll(async () => {
  database = await useTestDatabase();
});

function rawMessage(headers: string[], body: string): Buffer {
  return Buffer.from([...headers, '', body].join('\r\n'));
}

function recorder(outcome: 'applied' | 'ignored_stale' | 'refused' = 'applied') {
  const calls: InboundItipMessage[] = [];
  const handler: InboundItipHandler = async (message) => {
    calls.push(message);
    return { outcome, detail: `handled ${message.method}` };
  };
  return { calls, handler };
}

async function recorded(messageId: string) {
  const [row] = await database.db.select().from(inboundMail).where(eq(inboundMail.messageId, messageId));
  return row;
}

const envelope = { from: 'bounces@gmail.test', to: ['meetings@replies.tandem.test'] };

describe('receiveInboundMail', () => {
  it('hands a real nodemailer iMIP REPLY to the handler once, though it has the part twice', async () => {
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<reply-1@gmail.test>',
    });
    const { calls, handler } = recorder();
    const result = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(result).toMatchObject({ outcome: 'applied', messageId: '<reply-1@gmail.test>', duplicate: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'REPLY',
      from: 'sam.taylor@gmail.test',
      to: ['meetings@replies.tandem.test'],
      messageId: '<reply-1@gmail.test>',
    });
    expect(calls[0]?.ics).toContain('UID:meeting-1@tandem');
    expect(await recorded('<reply-1@gmail.test>')).toMatchObject({
      outcome: 'applied',
      detail: 'handled REPLY',
    });
  });

  it('applies a message delivered twice only once, and answers the repeat as before', async () => {
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<reply-twice@gmail.test>',
    });
    const { calls, handler } = recorder('ignored_stale');
    await receiveInboundMail(deps(), raw, envelope, handler);
    const again = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(calls).toHaveLength(1);
    expect(again).toMatchObject({ outcome: 'ignored_stale', duplicate: true });
    expect(again.detail).toContain('already received');
  });

  it('without a Message-ID, dedupes by the bytes of the message', async () => {
    const raw = rawMessage(
      [
        'From: sam.taylor@gmail.test',
        'To: meetings@replies.tandem.test',
        'Subject: Accepted',
        'Content-Type: text/calendar; method=REPLY; charset=UTF-8',
      ],
      replyIcs(),
    );
    const { calls, handler } = recorder();
    const first = await receiveInboundMail(deps(), raw, envelope, handler);
    await receiveInboundMail(deps(), raw, envelope, handler);
    expect(first.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('REPLY');
  });

  it('reads the method from the VCALENDAR when the part has no method parameter (attachment only)', async () => {
    const base64 = Buffer.from(replyIcs('COUNTER')).toString('base64');
    const raw = rawMessage(
      [
        'From: aisha.khan@outlook.test',
        'To: Meetings <meetings@replies.tandem.test>',
        'Cc: someone@northbridge.test',
        'Message-ID: <counter-attachment@outlook.test>',
        'Subject: New time proposed',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
      ],
      [
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'How about Thursday?',
        '--b1',
        'Content-Type: application/ics; name=invite.ics',
        'Content-Disposition: attachment; filename=invite.ics',
        'Content-Transfer-Encoding: base64',
        '',
        base64,
        '--b1--',
      ].join('\r\n'),
    );
    const { calls, handler } = recorder();
    await receiveInboundMail(deps(), raw, { from: null, to: [] }, handler);
    expect(calls).toHaveLength(1);
    // No envelope (the webhook): the addresses come from the headers.
    expect(calls[0]).toMatchObject({
      method: 'COUNTER',
      from: 'aisha.khan@outlook.test',
      to: ['meetings@replies.tandem.test', 'someone@northbridge.test'],
    });
  });

  it('takes the method from the inline part parameter of a calendar-only message', async () => {
    const ics = replyIcs('REPLY').replace('METHOD:REPLY\r\n', '');
    const raw = rawMessage(
      [
        'From: mia.chen@gmail.test',
        'Message-ID: <inline-only@gmail.test>',
        'Content-Type: text/calendar; method=reply; charset=UTF-8',
      ],
      ics,
    );
    const { calls, handler } = recorder();
    await receiveInboundMail(deps(), raw, envelope, handler);
    expect(calls.map((call) => call.method)).toEqual(['REPLY']);
  });

  it.each([
    {
      name: 'no calendar part',
      raw: rawMessage(
        ['From: a@b.test', 'Message-ID: <plain@b.test>', 'Content-Type: text/plain'],
        'Thanks!',
      ),
      messageId: '<plain@b.test>',
      reason: 'no calendar part',
    },
    {
      name: 'a calendar part that is not iCalendar',
      raw: rawMessage(
        ['From: a@b.test', 'Message-ID: <broken@b.test>', 'Content-Type: text/calendar; method=REPLY'],
        'BEGIN:VCALENDAR\r\nthis is not',
      ),
      messageId: '<broken@b.test>',
      reason: 'not readable iCalendar',
    },
    {
      name: 'a calendar part with no method anywhere',
      raw: rawMessage(
        ['From: a@b.test', 'Message-ID: <nomethod@b.test>', 'Content-Type: text/calendar'],
        replyIcs().replace('METHOD:REPLY\r\n', ''),
      ),
      messageId: '<nomethod@b.test>',
      reason: 'names no method',
    },
    {
      name: 'a part whose header and METHOD line disagree',
      raw: rawMessage(
        ['From: a@b.test', 'Message-ID: <disagree@b.test>', 'Content-Type: text/calendar; method=CANCEL'],
        replyIcs(),
      ),
      messageId: '<disagree@b.test>',
      reason: 'says CANCEL in its header but REPLY inside',
    },
    {
      name: 'bytes that are not an email',
      raw: Buffer.from([0, 1, 2, 3, 255, 254, 10, 13]),
      messageId: null,
      reason: 'no calendar part',
    },
  ])('refuses $name, records why, and calls no handler', async ({ raw, messageId, reason }) => {
    const { calls, handler } = recorder();
    const result = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(result.outcome).toBe('refused');
    expect(result.detail).toContain(reason);
    expect(calls).toHaveLength(0);
    expect(await recorded(messageId ?? result.messageId)).toMatchObject({ outcome: 'refused' });
  });

  it('refuses a message over the size limit without parsing it, by its Message-ID', async () => {
    const raw = rawMessage(
      ['From: a@b.test', 'Message-ID: <huge@b.test>', 'Content-Type: text/calendar; method=REPLY'],
      replyIcs() + 'X'.repeat(MAX_INBOUND_MAIL_BYTES),
    );
    const { calls, handler } = recorder();
    const result = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(result).toMatchObject({ outcome: 'refused', messageId: '<huge@b.test>' });
    expect(result.detail).toContain('larger than 1 MB');
    expect(calls).toHaveLength(0);
  });

  it('passes on the handler’s refusal and its meeting', async () => {
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs('REPLY', 'unknown@x'),
      messageId: '<unknown-uid@gmail.test>',
    });
    const result = await receiveInboundMail(deps(), raw, envelope, async () => ({
      outcome: 'refused',
      detail: 'no meeting has this UID',
    }));
    expect(result).toMatchObject({ outcome: 'refused', detail: 'no meeting has this UID', duplicate: false });
    expect(await recorded('<unknown-uid@gmail.test>')).toMatchObject({ outcome: 'refused', tenantId: null });
  });

  it('when the handler fails, records nothing, so the sender’s retry is applied', async () => {
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<flaky@gmail.test>',
    });
    await expect(
      receiveInboundMail(deps(), raw, envelope, async () => {
        throw new Error('database went away');
      }),
    ).rejects.toBeInstanceOf(InboundMailUnavailableError);
    expect(await recorded('<flaky@gmail.test>')).toBeUndefined();
    const { calls, handler } = recorder();
    const retried = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(retried).toMatchObject({ outcome: 'applied', duplicate: false });
    expect(calls).toHaveLength(1);
  });

  it('a delivery racing one still being applied is told to come back; a claim left by a dead process is taken over', async () => {
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<racing@gmail.test>',
    });
    await database.db
      .insert(inboundMail)
      .values({ messageId: '<racing@gmail.test>', outcome: 'processing', receivedAt: NOW });
    const { calls, handler } = recorder();
    const racing = await receiveInboundMail(deps(), raw, envelope, handler);
    expect(racing).toMatchObject({ outcome: 'in_progress', duplicate: true });
    expect(calls).toHaveLength(0);
    const later = { db: database.db, now: () => new Date(NOW.getTime() + 10 * 60_000) };
    const takenOver = await receiveInboundMail(later, raw, envelope, handler);
    expect(takenOver).toMatchObject({ outcome: 'applied', duplicate: false });
    expect(calls).toHaveLength(1);
  });
});
