import { NextResponse, type NextRequest } from 'next/server';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import { oauthRouteRedirect } from '@/server/connections/oauth-routes';

export const dynamic = 'force-dynamic';

/** Sends the browser to Google's or Microsoft's consent page (PKCE and state kept server-side). */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const [{ provider }, app, identity] = await Promise.all([params, appDeps(), currentIdentity()]);
  return NextResponse.redirect(
    await oauthRouteRedirect(app, identity, 'start', provider, request.nextUrl.searchParams),
    302,
  );
}
