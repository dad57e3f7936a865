import { createRequestContext } from '@/server/api/context';
import { feedChangesQuerySchema, feedChangeStream } from '@/server/calendar/feed-changes';
import { findActor } from '@/server/tenants/actor';

export const dynamic = 'force-dynamic';

/** The Calendar page's push channel: server-sent `changed` events for the range it shows. */
export async function GET(request: Request): Promise<Response> {
  const ctx = await createRequestContext();
  const actor = ctx.session ? await findActor(ctx.db, ctx.session) : null;
  if (!actor) return new Response(null, { status: 401 });
  const params = new URL(request.url).searchParams;
  const parsed = feedChangesQuerySchema.safeParse({
    from: new Date(params.get('from') ?? ''),
    to: new Date(params.get('to') ?? ''),
    version: params.get('version') ?? undefined,
  });
  if (!parsed.success) return new Response(null, { status: 400 });
  const { version, ...range } = parsed.data;
  return new Response(feedChangeStream(ctx.db, actor, range, version, request.signal), {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
