import { randomBytes } from 'node:crypto';

/**
 * Server-side state behind `$skiptoken` and `$deltatoken`. A delta token remembers the change key
 * of every instance the client has seen in its window; the next round reports what differs.
 * Tokens are opaque to clients (as Graph's are) and die with `expireAll` (the control API).
 */

export interface DeltaScope {
  mailboxId: string;
  calendarId: string;
  /** ISO instants of the window fixed by the first request. */
  start: string;
  end: string;
}

export interface DeltaRound extends DeltaScope {
  generation: number;
  /** Instance id → change key, as of the end of the round. */
  seen: Map<string, string>;
}

export interface PendingPage extends DeltaRound {
  /** Items still to send: instance ids, and removed ids. */
  items: { id: string; removed: boolean }[];
}

export class DeltaTokens {
  private readonly rounds = new Map<string, DeltaRound>();
  private readonly pages = new Map<string, PendingPage>();
  generation = 0;

  expireAll(): void {
    this.generation += 1;
    this.rounds.clear();
    this.pages.clear();
  }

  issueDelta(round: Omit<DeltaRound, 'generation'>): string {
    const token = randomBytes(24).toString('base64url');
    this.rounds.set(token, { ...round, generation: this.generation });
    return token;
  }

  issuePage(page: Omit<PendingPage, 'generation'>): string {
    const token = randomBytes(24).toString('base64url');
    this.pages.set(token, { ...page, generation: this.generation });
    return token;
  }

  delta(token: string): DeltaRound | null {
    const round = this.rounds.get(token);
    return round && round.generation === this.generation ? round : null;
  }

  /** A nextLink may be followed again (a client retrying after a network error). */
  page(token: string): PendingPage | null {
    const page = this.pages.get(token);
    return page && page.generation === this.generation ? page : null;
  }
}
