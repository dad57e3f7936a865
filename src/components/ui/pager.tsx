'use client';

import { useState } from 'react';
import { Button } from './button';

/**
 * Paged, filtered admin tables: the filter state that goes back to page 1 on every change, and
 * the pager under the table ("Previous page · Page n of N · total … · Next page").
 */
export function usePagedFilters<F>(initial: F) {
  const [filters, setFilters] = useState<F>(initial);
  const [page, setPage] = useState(1);
  return {
    filters,
    page,
    setPage,
    setFilters: (next: F) => {
      setFilters(next);
      setPage(1);
    },
  };
}

export function pageCount(data: { total: number; pageSize: number } | undefined): number {
  return data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
}

export function Pager(props: {
  /** The navigation landmark's name, e.g. "Audit log pages". */
  label: string;
  page: number;
  pages: number;
  /** e.g. "12 entries"; omitted while loading. */
  totalText?: string | undefined;
  onPage: (page: number) => void;
}) {
  const { label, page, pages, totalText, onPage } = props;
  return (
    <nav aria-label={label} className="mt-3 flex items-center gap-3">
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </Button>
      <span>
        Page {page} of {pages}
        {totalText ? ` · ${totalText}` : ''}
      </span>
      <Button variant="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </Button>
    </nav>
  );
}
