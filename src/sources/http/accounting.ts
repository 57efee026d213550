import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import type { ApiCall } from '../../storage/repos/ops.js';

/** Where call records go; store.ops satisfies it. */
export interface ApiCallStore {
  recordApiCalls(calls: readonly ApiCall[]): Promise<void>;
}

function statusClass(call: ApiCall): string {
  if (call.status === 0) return call.error === 'E_TIMEOUT' ? 'timeout' : 'error';
  if (call.status === 429 || call.status === 418) return String(call.status);
  return `${Math.floor(call.status / 100)}xx`;
}

/**
 * Counts every call (SPEC §5): metrics at once, storage in batches (a failed write is logged, never fails the
 * call it describes). Also keeps running totals per source so a caller can tell how many calls its work took.
 */
export class CallAccounting {
  private buffer: ApiCall[] = [];
  private readonly totals = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ApiCallStore | undefined,
    private readonly log: Logger,
    private readonly batchSize = 50,
  ) {}

  record(call: ApiCall): void {
    metrics.apiCalls.inc({ source: call.source, endpoint: call.endpoint, status: statusClass(call) });
    metrics.apiLatency.observe({ source: call.source }, call.latencyMs / 1000);
    metrics.apiWeight.inc({ source: call.source }, call.weight ?? 1);
    if (call.status === 0 || call.status >= 400) metrics.apiErrors.inc({ source: call.source, kind: call.error ?? String(call.status) });
    this.totals.set(call.source, (this.totals.get(call.source) ?? 0) + 1);
    if (!this.store) return;
    this.buffer.push(call);
    if (this.buffer.length >= this.batchSize) void this.flush();
  }

  /** Calls made so far to a source (all sources when omitted). */
  callsMade(source?: string): number {
    if (source !== undefined) return this.totals.get(source) ?? 0;
    let n = 0;
    for (const v of this.totals.values()) n += v;
    return n;
  }

  /** Writes buffered records; safe to call often and concurrently. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.store || this.buffer.length === 0) return;
      const batch = this.buffer;
      this.buffer = [];
      try {
        await this.store.recordApiCalls(batch);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, calls: batch.length }, 'could not store API call records');
      }
    });
    return this.flushing;
  }
}
