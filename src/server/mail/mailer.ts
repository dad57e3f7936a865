/**
 * Outgoing email (DESIGN.md §5): nodemailer over SMTP_URL in production, the local SMTP server
 * the demo and tests start. Services take a `Mailer`; only smtp-mailer.ts knows nodemailer.
 */

export interface MailAddress {
  email: string;
  name: string | null;
}

/** iTIP methods Tandem sends or receives by email (RFC 5546 §1.4). */
export type ItipMethod = 'REQUEST' | 'REPLY' | 'CANCEL' | 'COUNTER';

export interface OutgoingMail {
  to: MailAddress[];
  subject: string;
  /** The plain-text body: every email has one (accessible, readable anywhere). */
  text: string;
  html?: string;
  /** An iMIP part (RFC 6047): `text/calendar; method=…` beside the text, plus `invite.ics`. */
  calendar?: { method: ItipMethod; content: string };
  /** Defaults to the mailer's iMIP address, so replies come back to Tandem. */
  replyTo?: MailAddress;
  /** Sent as From instead of Tandem's own address (still through Tandem's SMTP). */
  from?: MailAddress;
}

export interface SentMail {
  messageId: string;
}

export interface Mailer {
  /** Tandem's From address (MAIL_FROM). */
  readonly from: MailAddress;
  /**
   * Where iMIP replies to Tandem go (IMIP_REPLY_ADDRESS): the ORGANIZER of meetings Tandem
   * organises itself, and the Reply-To of every invitation it sends.
   */
  readonly imipAddress: string;
  send(mail: OutgoingMail): Promise<SentMail>;
}
