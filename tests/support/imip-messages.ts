/** iMIP messages as senders write them, for the inbound mail tests. */
import nodemailer from 'nodemailer';

export function replyIcs(method = 'REPLY', uid = 'meeting-1@tandem'): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261202T080000Z',
    'SEQUENCE:0',
    'ORGANIZER:mailto:meetings@replies.tandem.test',
    'ATTENDEE;PARTSTAT=DECLINED:mailto:sam.taylor@gmail.test',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** A message as nodemailer writes it (RFC 6047 shape: alternative text/calendar + invite.ics). */
export async function nodemailerMessage(options: {
  method: string;
  ics: string;
  messageId?: string;
}): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: 'Sam Taylor <Sam.Taylor@gmail.test>',
    to: 'meetings@replies.tandem.test',
    subject: 'Declined: Check-in',
    text: 'Sam Taylor has declined.',
    ...(options.messageId ? { messageId: options.messageId } : {}),
    icalEvent: { method: options.method, filename: 'invite.ics', content: options.ics },
  });
  return info.message as Buffer;
}
