// Answers kept for a short time and in bounded number, so consoles asking again (every agent's refresh, several agents
// on one visitor) cost no Salesforce call. Values are promises: an ask already under way is shared, not repeated.

export class AnswerCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly options: {
      /** How long an answer is served. */
      ttlMs: number;
      /** Past this, the oldest answers go first. */
      maxEntries: number;
      now?: () => number;
    },
  ) {}

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.options.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { value, expiresAt: this.#now() + this.options.ttlMs });
  }

  /** Forgets `key`, but only while it still holds `value` (a newer answer stays). */
  forget(key: string, value: T): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
