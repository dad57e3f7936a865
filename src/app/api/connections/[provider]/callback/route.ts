import { NextResponse, type NextRequest } from 'next/server';
import { oauthRouteRedirect } from '@/server/connections/app-deps';

export const dynamic = 'force-dynamic';

/** Where the provider returns after consent: stores the connection, then back to Account settings. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  return NextResponse.redirect(await oauthRouteRedirect('callback', provider, request.nextUrl.searchParams), 302);
}
