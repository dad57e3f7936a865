/**
 * The e2e run's inbox (maildev behind the mail exchange): every email to an address no emulator
 * hosts lands here — invitations to people without a calendar, outside guests at other domains,
 * notification emails. Specs read it over maildev's REST API (`/api/email`).
 */
import { expect } from '@playwright/test';
import { E2E_INBOX_URL } from './fixtures';

export interface InboxAttachment {
  filename: string;
  contentType: string;
  generatedFileName: string;
}

export interface InboxEmail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  from: { address: string; name: string }[];
  to: { address: string; name: string }[];
  headers: Record<string, string>;
  attachments?: InboxAttachment[];
  envelope: { from: { address: string }; to: { address: string }[] };
}

/** Every email in the inbox, oldest first. */
export async function inboxEmails(): Promise<InboxEmail[]> {
  const response = await fetch(`${E2E_INBOX_URL}/api/email`);
  if (!response.ok) throw new Error(`the inbox answered ${response.status}`);
  return (await response.json()) as InboxEmail[];
}

/** Emails whose envelope names `address` (so Bcc counts too). */
export async function emailsTo(address: string): Promise<InboxEmail[]> {
  const wanted = address.toLowerCase();
  return (await inboxEmails()).filter((email) =>
    email.envelope.to.some((recipient) => recipient.address.toLowerCase() === wanted),
  );
}

/** Waits (polling the inbox) for an email to `address` whose subject matches, and returns it. */
export async function waitForEmail(address: string, subject: RegExp | string): Promise<InboxEmail> {
  let found: InboxEmail | undefined;
  await expect
    .poll(
      async () => {
        found = (await emailsTo(address)).find((email) =>
          typeof subject === 'string' ? email.subject.includes(subject) : subject.test(email.subject),
        );
        return found !== undefined;
      },
      { message: `an email to ${address} with subject ${String(subject)}` },
    )
    .toBe(true);
  return found!;
}

/** The message as it arrived (raw MIME), e.g. to read its text/calendar part. */
export async function emailSource(email: InboxEmail): Promise<string> {
  const response = await fetch(`${E2E_INBOX_URL}/api/email/${encodeURIComponent(email.id)}/source`);
  if (!response.ok) throw new Error(`the inbox answered ${response.status}`);
  return response.text();
}

/** Empties the inbox (a spec that counts emails starts from none). */
export async function clearInbox(): Promise<void> {
  const response = await fetch(`${E2E_INBOX_URL}/api/email/all`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`the inbox answered ${response.status}`);
}
