import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { MailboxRecord } from './store-types';

/** What the emulator's routes share: Hono on Node (for the socket NTLM keys its handshake on). */
export type NodeEnv = { Bindings: HttpBindings };

/** The caller's mailbox, or the 401 to answer (auth.ts). */
export type CallerOf = (c: Context<NodeEnv>) => MailboxRecord | Response;

export function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}
