import {
  jobEventSchemas,
  type JobDispatcher,
  type JobEvent,
  type JobEventData,
  type JobEventName,
} from '@/server/jobs/events';

/** A JobDispatcher that only records what was sent (checked against the event schemas), for tests. */
export class RecordingDispatcher implements JobDispatcher {
  readonly sent: JobEvent[] = [];

  async send(events: JobEvent | JobEvent[]): Promise<void> {
    for (const event of Array.isArray(events) ? events : [events]) {
      this.sent.push({ name: event.name, data: jobEventSchemas[event.name].parse(event.data) } as JobEvent);
    }
  }

  /** The payloads sent under one event name, in order. */
  sentOf<N extends JobEventName>(name: N): JobEventData<N>[] {
    return this.sent.filter((event) => event.name === name).map((event) => event.data as JobEventData<N>);
  }

  clear(): void {
    this.sent.length = 0;
  }
}
