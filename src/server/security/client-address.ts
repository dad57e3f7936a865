/**
 * The address a request came from, for per-address limits. Route handlers do not see the socket;
 * Next.js puts the peer's address in X-Forwarded-For when the header is absent, and a reverse
 * proxy in front appends the address it saw, so the last entry is the one a client cannot choose
 * when a proxy is there. Without a proxy a client can send its own header and vary it: per-address
 * limits are a flood brake, and what must hold (the sign-in back-off per account, the per-user
 * tRPC limits) does not depend on them.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  // Bounded and printable: it becomes a map key and a database key.
  if (last && last.length <= 64 && /^[0-9A-Za-z.:[\]%_-]+$/.test(last)) return last.toLowerCase();
  return 'unknown';
}
