// The credential lives in sessionStorage only: it is gone when the tab closes, and never sent anywhere but /graphql.
const KEY = 'cxsf-console-credential';

export const session = {
  get(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set(credential: string): void {
    sessionStorage.setItem(KEY, credential);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
