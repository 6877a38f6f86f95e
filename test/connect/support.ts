// Helpers to walk the OAuth flow as a browser would; the service itself is test/support/service.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService, type TestService } from '../support/service.ts';

export type ConnectService = TestService;
export const startConnectService = startService;

/** GET without following redirects. */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual' });
}

/** The message of the callback page, as the admin reads it. */
export async function pageMessage(response: Response): Promise<string> {
  const html = await response.text();
  const text = /<p id="message"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? '';
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
