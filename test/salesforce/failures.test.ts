// A failed call is classified by its code (Salesforce's errorCode, or the socket's), never by its wording.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callFailureCode, classifyFailure } from '../../src/salesforce/failures.ts';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('call failures', () => {
  it("reads a refused connection's code from fetch's cause, and retries it", async () => {
    const error = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((e: unknown) => e);
    expect(callFailureCode(error)).toBe('ECONNREFUSED');
    expect(classifyFailure(callFailureCode(error))).toBe('retryable');
  });

  it("takes Salesforce's errorCode over any wording of the message", () => {
    const refusal = Object.assign(new Error('network field is not valid'), { errorCode: 'INVALID_FIELD' });
    expect(callFailureCode(refusal)).toBe('INVALID_FIELD');
    expect(classifyFailure('INVALID_FIELD')).toBe('invalid');
  });
});
