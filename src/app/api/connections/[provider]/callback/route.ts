import { NextResponse, type NextRequest } from 'next/server';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import { callbackQuery, oauthRouteRedirect } from '@/server/connections/oauth-routes';

export const dynamic = 'force-dynamic';

/** Where the provider returns after consent: stores the connection, then back to Account settings. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  // No provider sends a malformed state or code: a bare 400, with nothing of the input echoed or logged.
  if (!callbackQuery.safeParse(Object.fromEntries(request.nextUrl.searchParams)).success) {
    return new NextResponse('Bad request', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const [{ provider }, app, identity] = await Promise.all([params, appDeps(), currentIdentity()]);
  return NextResponse.redirect(
    await oauthRouteRedirect(app, identity, 'callback', provider, request.nextUrl.searchParams),
    302,
  );
}
