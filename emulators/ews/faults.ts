/** Faults the tests inject (`fault()` and `POST /__control/faults`), answered before the operation runs. */
export interface EwsFault {
  /** `serverBusy`: a SOAP fault ErrorServerBusy with BackOffMilliseconds; `status`: a bare HTTP status. */
  kind: 'serverBusy' | 'status';
  status?: 401 | 500 | 503;
  backOffMs?: number;
  /** Only requests of this operation (e.g. `SyncFolderItems`). */
  operation?: string;
  times: number;
}

/** The queued faults, oldest first; each is used up after `times` matching requests. */
export class FaultQueue {
  private faults: EwsFault[] = [];

  add(fault: Partial<EwsFault>): void {
    this.faults.push({ kind: 'status', times: 1, ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault for this operation, counted as used once; null when none applies. */
  take(operation: string): EwsFault | null {
    const index = this.faults.findIndex((fault) => !fault.operation || fault.operation === operation);
    if (index < 0) return null;
    const fault = this.faults[index]!;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }
}
