import { NextResponse, type NextRequest } from 'next/server';
import { oauthRouteRedirect } from '@/server/connections/app-deps';

export const dynamic = 'force-dynamic';

/** Sends the browser to Google's or Microsoft's consent page (PKCE and state kept server-side). */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  return NextResponse.redirect(await oauthRouteRedirect('start', provider, request.nextUrl.searchParams), 302);
}
