import { TANDEM_PROPERTY_ID } from './config';
import { valueListOf } from './errors';
import type { GraphEvent } from './event-mapping';
import { tandemTagOf } from './event-mapping';
import type { GraphSession } from './graph-session';
import { ProviderNotFoundError } from '../errors';

/**
 * Graph's delta refuses $expand, so our tag (an extended property) is not in delta items. This
 * reads it back: per series (occurrences share their master's tag), one GET per item for small
 * pages, and one calendarView listing of the window for big ones (full syncs).
 */

export const EXPAND_TAG = `$expand=singleValueExtendedProperties($filter=id eq '${TANDEM_PROPERTY_ID}')`;
const BULK_THRESHOLD = 8;
const CONCURRENCY = 4;

export class TagLookup {
  private readonly tags = new Map<string, string | null>();
  private bulkLoaded = false;

  constructor(
    private readonly session: GraphSession,
    private readonly calendarId: string,
    private readonly window: { start: Date; end: Date },
  ) {}

  private keyOf(event: GraphEvent): string {
    return event.seriesMasterId ?? event.id;
  }

  async tagsFor(events: GraphEvent[]): Promise<Map<string, string | null>> {
    let missing = [...new Set(events.map((event) => this.keyOf(event)))].filter((key) => !this.tags.has(key));
    if (missing.length > BULK_THRESHOLD && !this.bulkLoaded) {
      await this.loadWindow();
      missing = missing.filter((key) => !this.tags.has(key));
    }
    for (let index = 0; index < missing.length; index += CONCURRENCY) {
      await Promise.all(missing.slice(index, index + CONCURRENCY).map((key) => this.loadOne(key)));
    }
    return new Map(events.map((event) => [event.id, this.tags.get(this.keyOf(event)) ?? null]));
  }

  private async loadOne(id: string): Promise<void> {
    try {
      const event = await this.session.call(
        'read event tag',
        () =>
          this.session
            .api(`${this.session.eventPath(id)}?$select=id&${EXPAND_TAG}`)
            .get() as Promise<GraphEvent>,
      );
      this.tags.set(id, tandemTagOf(event));
    } catch (error) {
      // Gone since the delta page was cut: the next round reports its removal.
      if (!(error instanceof ProviderNotFoundError)) throw error;
      this.tags.set(id, null);
    }
  }

  private async loadWindow(): Promise<void> {
    this.bulkLoaded = true;
    let next: string | null =
      `${this.session.calendarPath(this.calendarId)}/calendarView?startDateTime=${this.window.start.toISOString()}` +
      `&endDateTime=${this.window.end.toISOString()}&$top=200&$select=id,seriesMasterId&${EXPAND_TAG}`;
    while (next) {
      const url: string = next;
      const page = await this.session.call(
        'read event tags',
        () => this.session.api(url).get() as Promise<{ value: GraphEvent[]; '@odata.nextLink'?: string }>,
      );
      for (const event of valueListOf(page, 'read event tags')) {
        // Occurrences carry their master's properties, so one answer covers the whole series.
        this.tags.set(this.keyOf(event), tandemTagOf(event));
      }
      next = page['@odata.nextLink'] ?? null;
    }
  }
}
