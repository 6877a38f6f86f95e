// The sandbox's clock: real time plus an offset a test can move forward, so session timeouts can be
// exercised without waiting.
export class SandboxClock {
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward, by a finite ms');
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
