import { NextResponse, type NextRequest } from 'next/server';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import { oauthRouteRedirect } from '@/server/connections/oauth-routes';

export const dynamic = 'force-dynamic';

/** Where the provider returns after consent: stores the connection, then back to Account settings. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const [{ provider }, app, identity] = await Promise.all([params, appDeps(), currentIdentity()]);
  return NextResponse.redirect(await oauthRouteRedirect(app, identity, 'callback', provider, request.nextUrl.searchParams), 302);
}
