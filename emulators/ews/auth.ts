import type { Socket } from 'node:net';
import { challengeMessage, newServerChallenge, parseNtlmHeader, verifyNtlmV2 } from './ntlm';
import { node, text, type XmlNode } from './soap';
import { EwsError, type EwsStore } from './store';
import type { MailboxRecord } from './store-types';

/**
 * Who a request acts as: IIS's authentication in front of EWS (Basic and NTLM, a bare 401
 * otherwise) and EWS's own `ExchangeImpersonation` header on top of it.
 */

/** A mailbox by the user name people sign in with: the address, `DOMAIN\user` or the local part. */
function mailboxOfUser(store: EwsStore, user: string): MailboxRecord | undefined {
  const name = user.toLowerCase().includes('\\') ? user.toLowerCase().split('\\')[1]! : user.toLowerCase();
  return (
    store.mailbox(name) ??
    [...store.mailboxes.values()].find((candidate) => candidate.email.split('@')[0] === name)
  );
}

/** `Basic base64(user:password)`. */
function authenticateBasic(store: EwsStore, header: string): MailboxRecord | null {
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const mailbox = mailboxOfUser(store, decoded.slice(0, colon));
  return mailbox && mailbox.password === decoded.slice(colon + 1) ? mailbox : null;
}

/** IIS's bare 401, before EWS runs, offering the schemes the virtual directory allows. */
export function unauthorized(ntlmChallenge?: string): Response {
  const headers = new Headers({ 'content-type': 'text/html' });
  if (ntlmChallenge) headers.append('www-authenticate', ntlmChallenge);
  else {
    headers.append('www-authenticate', 'NTLM');
    headers.append('www-authenticate', 'Basic realm="exchange"');
  }
  return new Response('401 - Unauthorized: Access is denied due to invalid credentials.', {
    status: 401,
    headers,
  });
}

/**
 * The caller's mailbox, or the 401 to answer: Basic on any request; NTLM's Type 1 gets the
 * Type 2 challenge, kept for this connection, and the Type 3 that follows on it is checked
 * against it (emulators/ews/ntlm.ts).
 */
export function authenticate(
  store: EwsStore,
  challenges: WeakMap<Socket, Buffer>,
  socket: Socket,
  header: string | undefined,
): MailboxRecord | Response {
  if (header?.startsWith('Basic ')) return authenticateBasic(store, header) ?? unauthorized();
  if (!header || !/^NTLM /i.test(header)) return unauthorized();
  const message = parseNtlmHeader(header);
  if (message.type === 1) {
    const challenge = newServerChallenge();
    challenges.set(socket, challenge);
    return unauthorized(challengeMessage(challenge));
  }
  const challenge = challenges.get(socket);
  challenges.delete(socket);
  if (message.type !== 3 || !challenge) return unauthorized();
  const mailbox = mailboxOfUser(store, message.user);
  return mailbox && verifyNtlmV2(message, mailbox.password, challenge) ? mailbox : unauthorized();
}

/**
 * `t:ExchangeImpersonation`: act as another mailbox, if the caller holds the ApplicationImpersonation
 * role for its domain (the role's management scope, here by domain). Refusals are SOAP faults, as
 * Exchange answers a header it cannot honour before the operation runs: no role →
 * `ErrorImpersonateUserDenied`, no such mailbox → `ErrorNonExistentMailbox`
 * (impersonation-and-ews-in-exchange; exchangeimpersonation; responsecode).
 */
export function actingMailbox(store: EwsStore, caller: MailboxRecord, header: XmlNode): MailboxRecord {
  const sid = node(node(header, 'ExchangeImpersonation'), 'ConnectingSID');
  if (!sid) return caller;
  const address =
    text(sid, 'PrimarySmtpAddress') ?? text(sid, 'SmtpAddress') ?? text(sid, 'PrincipalName') ?? '';
  const target = store.mailbox(address);
  const domain = address.split('@')[1]?.toLowerCase() ?? '';
  if (!caller.impersonates.includes(domain))
    throw new EwsError(
      'ErrorImpersonateUserDenied',
      'The account does not have permission to impersonate the requested user.',
    );
  if (!target)
    throw new EwsError('ErrorNonExistentMailbox', `The SMTP address has no mailbox associated with it.`);
  return target;
}
