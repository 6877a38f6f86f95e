// When a DataLoader sends its batch: once asks have stopped arriving for a moment and the previous batch is back, or
// a bounded time after the batch's first ask, whichever comes first.
// Consoles' requests do not arrive in one tick: each passes authentication and a database read first, so fifty agents
// opening chats spread over a hundred milliseconds or more, with pauses (GC, a new database connection). A fixed tick
// would send a batch every few asks; waiting for a quiet gap collects a burst, and holding the next batch while one
// is at Salesforce collects what arrives meanwhile. The cap bounds how long any ask waits.

export interface QuietWindowOptions {
  /** Send once no ask arrived for this long. */
  quietMs: number;
  /** Never hold a batch's first ask longer than this, even while another batch is at Salesforce. */
  maxWaitMs: number;
}

export interface QuietWindow {
  /** DataLoader's `batchScheduleFn`: called with the batch's sender when its first ask arrives. */
  schedule(send: () => void): void;
  /** Call after every `load`: another ask arrived, so the quiet gap starts again. */
  touch(): void;
  /** Wrap the batch function's work: the next batch waits for it (up to its cap). */
  track<T>(work: Promise<T>): Promise<T>;
}

export function quietWindow({ quietMs, maxWaitMs }: QuietWindowOptions): QuietWindow {
  let pending: { send: () => void; deadline: number; lastAsk: number; timer?: NodeJS.Timeout } | undefined;
  let inFlight = 0;
  const arm = () => {
    const batch = pending;
    if (!batch) return;
    clearTimeout(batch.timer);
    const due = inFlight > 0 ? batch.deadline : Math.min(batch.lastAsk + quietMs, batch.deadline);
    batch.timer = setTimeout(
      () => {
        if (pending === batch) pending = undefined;
        batch.send();
      },
      Math.max(0, due - Date.now()),
    );
  };
  return {
    schedule(send) {
      const now = Date.now();
      pending = { send, deadline: now + maxWaitMs, lastAsk: now };
      arm();
    },
    touch() {
      if (!pending) return;
      pending.lastAsk = Date.now();
      arm();
    },
    track(work) {
      inFlight++;
      return work.finally(() => {
        inFlight--;
        arm();
      });
    },
  };
}
