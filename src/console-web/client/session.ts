// The credential lives in sessionStorage only: it is gone when the tab closes, and never sent anywhere but /graphql.
const KEY = 'cxsf-console-credential';
export const BUDGET_SAMPLES = 'cxsf-console-budget';

export const session = {
  get(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set(credential: string): void {
    sessionStorage.setItem(KEY, credential);
  },
  /** Forgets the credential and what the console kept for it (the budget's samples). */
  clear(): void {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(BUDGET_SAMPLES);
  },
};
