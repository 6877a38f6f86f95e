// Faults on demand: each counter is consumed by the calls it hits.
import { SfError } from './errors.ts';
import { type Faults, noFaults } from './settings.ts';

export class FaultState {
  plan: Faults = noFaults();

  set(patch: Partial<Faults>): void {
    this.plan = { ...this.plan, ...patch };
  }

  reset(): void {
    this.plan = noFaults();
  }

  /** Fixed latency plus up to `latencyJitterMs` of random extra. */
  delayMs(): number {
    const { latencyMs, latencyJitterMs } = this.plan;
    return latencyMs + (latencyJitterMs > 0 ? Math.random() * latencyJitterMs : 0);
  }

  private take(key: 'fail503' | 'lockRows' | 'dropConnections' | 'loseResponses'): boolean {
    if (this.plan[key] <= 0) return false;
    this.plan = { ...this.plan, [key]: this.plan[key] - 1 };
    return true;
  }

  takeDrop(): boolean {
    return this.take('dropConnections');
  }

  /** The next write is carried out but its response is never sent. */
  takeLostResponse(): boolean {
    return this.take('loseResponses');
  }

  take503(): boolean {
    return this.take('fail503');
  }

  /** Called once per record write; a hit fails that write as a real row-lock timeout would. */
  checkLock(id?: string): void {
    if (!this.take('lockRows')) return;
    throw new SfError(
      400,
      'UNABLE_TO_LOCK_ROW',
      id
        ? `unable to obtain exclusive access to this record or 1 records: ${id}`
        : 'unable to obtain exclusive access to this record',
    );
  }

  /** Counts one API call against `requestLimitAfter`; false once the allowance is spent. */
  allowCall(): boolean {
    const left = this.plan.requestLimitAfter;
    if (left === null) return true;
    if (left <= 0) return false;
    this.plan = { ...this.plan, requestLimitAfter: left - 1 };
    return true;
  }
}
