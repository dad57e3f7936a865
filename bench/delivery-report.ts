/** Printing the delivery bench's figures (delivery.ts), in the shape of the other benches' tables. */

export const SEND_P95_GOAL_MS = 2_000;
export const ANSWER_P95_GOAL_MS = 1_000;

export interface LatencyFigures {
  database: string;
  route: string;
  samples: number;
  timedOut: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}
export type SendFigures = LatencyFigures;
export type AnswerFigures = LatencyFigures;

export interface CallFigures {
  database: string;
  group: string;
  google: Record<string, number>;
  microsoft: Record<string, number>;
  /** Copies Tandem placed itself (plain CalDAV: one PUT each, on Radicale, which counts nothing). */
  tandemCalDavCopies: number;
  /** The organiser's calendar plus each calendar Tandem writes to itself. */
  calendarsTouched: number;
  /** iMIP emails that reached the inbox (the organiser's provider's, or Tandem's, to addresses no emulator hosts). */
  deliveryMails: number;
}

/** Nearest rank: the smallest latency at least `share` of the samples do not exceed. */
export function percentile(sorted: number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

const WRITE = /^(POST|PATCH|PUT|DELETE) /;
const sum = (counts: Record<string, number>, pick: (route: string) => boolean) =>
  Object.entries(counts).reduce((total, [route, count]) => total + (pick(route) ? count : 0), 0);

function latencyTable(rows: LatencyFigures[], goalMs: number) {
  return rows.map((row) => ({
    database: row.database,
    route: row.route,
    samples: row.samples,
    'p50 (ms)': Math.round(row.p50Ms),
    'p95 (ms)': Math.round(row.p95Ms),
    'max (ms)': Math.round(row.maxMs),
    'timed out': row.timedOut,
    [`goal p95 < ${goalMs} ms`]: row.timedOut === 0 && row.p95Ms < goalMs ? 'met' : 'NOT met',
  }));
}

export function printDelivery(figures: {
  sends: SendFigures[];
  answers: AnswerFigures[];
  calls: CallFigures[];
}): void {
  console.log(
    '\n(d) Send → invitation in the attendee’s emulated calendar (createMeeting, inline driver, deliver-meeting job, provider / iMIP over SMTP)',
  );
  console.table(latencyTable(figures.sends, SEND_P95_GOAL_MS));
  console.log(
    '\n(e) Answer given in the provider (attendee declines in their calendar) → shown on the meeting for the tutor (push, webhook, sync, answers from the mirror)',
  );
  console.table(latencyTable(figures.answers, ANSWER_P95_GOAL_MS));
  console.log(
    '\n(f) Provider calls for one meeting sent to 5 learners, push channels on (emulator request counters; target: one write per calendar touched, plus the syncs the echoes cause)',
  );
  console.table(
    figures.calls.map((row) => {
      const writes =
        sum(row.google, (route) => WRITE.test(route)) + sum(row.microsoft, (route) => WRITE.test(route));
      const providerWrites = writes + row.tandemCalDavCopies;
      return {
        database: row.database,
        group: row.group,
        'Google writes': sum(row.google, (route) => WRITE.test(route)),
        'Google reads': sum(row.google, (route) => !WRITE.test(route)),
        'Graph writes': sum(row.microsoft, (route) => WRITE.test(route)),
        'Graph reads': sum(row.microsoft, (route) => !WRITE.test(route)),
        'CalDAV copies placed': row.tandemCalDavCopies,
        'iMIP emails to the inbox': row.deliveryMails,
        'calendars touched': row.calendarsTouched,
        'writes = calendars touched': providerWrites === row.calendarsTouched ? 'met' : 'NOT met',
      };
    }),
  );
  for (const row of figures.calls)
    console.log(
      `  ${row.database}, ${row.group}: Google ${JSON.stringify(row.google)}; Graph ${JSON.stringify(row.microsoft)}`,
    );
}
