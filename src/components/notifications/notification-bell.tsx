'use client';

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Popover } from 'radix-ui';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/trpc/react';

/** As often as the calendar re-reads its feed, so an answer shows in both at about the same time. */
const BELL_REFRESH_MS = 10_000;

export function bellLabel(unread: number): string {
  return `Notifications, ${unread === 0 ? 'none' : unread} unread`;
}

/** The bell in the header: the unread count, and a panel listing notifications, each a link. */
export function NotificationBell({ locale }: { locale: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const unread = useQuery({
    ...trpc.notifications.unreadCount.queryOptions(),
    refetchInterval: BELL_REFRESH_MS,
  });
  const count = unread.data ?? 0;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const markAll = useMutation(trpc.notifications.markAllRead.mutationOptions({ onSettled: refresh }));

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        aria-label={bellLabel(count)}
        className="relative rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100"
      >
        <BellIcon />
        {count > 0 ? (
          <span
            aria-hidden="true"
            className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs font-semibold text-white"
          >
            {count > 99 ? '99+' : count}
          </span>
        ) : null}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          aria-labelledby="notifications-heading"
          className="z-50 w-[min(26rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-xl"
        >
          <div className="flex items-center justify-between gap-2">
            <h2 id="notifications-heading" className="text-base font-semibold">
              Notifications
            </h2>
            <Button
              variant="secondary"
              disabled={count === 0 || markAll.isPending}
              onClick={() => markAll.mutate({})}
            >
              Mark all as read
            </Button>
          </div>
          {markAll.error ? <Alert tone="error">{markAll.error.message}</Alert> : null}
          {open ? <NotificationList locale={locale} onOpen={() => setOpen(false)} /> : null}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function NotificationList({ locale, onOpen }: { locale: string; onOpen: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useInfiniteQuery(
    trpc.notifications.list.infiniteQueryOptions(
      {},
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: BELL_REFRESH_MS },
    ),
  );
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  if (list.error) return <Alert tone="error">Could not load notifications: {list.error.message}</Alert>;
  if (list.isLoading) return <p className="mt-3 text-slate-700">Loading…</p>;
  if (items.length === 0) return <p className="mt-3 text-slate-700">You have no notifications.</p>;
  return (
    <div className="mt-3 max-h-[60vh] overflow-y-auto">
      <ul className="divide-y divide-slate-200" aria-label="Notifications, newest first">
        {items.map((item) => (
          <li key={item.id}>
            <Link
              href={item.href}
              className={`block rounded-md px-2 py-2 hover:bg-slate-50 ${item.readAt ? 'text-slate-700' : 'font-medium text-slate-900'}`}
              onClick={() => {
                if (!item.readAt) markRead.mutate({ ids: [item.id] });
                onOpen();
              }}
            >
              {item.readAt ? null : (
                <>
                  <span aria-hidden="true" className="mr-1.5 inline-block size-2 rounded-full bg-brand-700" />
                  <span className="sr-only">Unread: </span>
                </>
              )}
              {item.text}
              <span className="mt-0.5 block text-xs font-normal text-slate-600">
                {when.format(item.createdAt)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <Button
          variant="ghost"
          className="mt-2 w-full"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          Show older notifications
        </Button>
      ) : null}
    </div>
  );
}

function BellIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}
