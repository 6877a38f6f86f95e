// Secrets at rest: Salesforce tokens and client secrets are stored as AES-256-GCM ciphertexts, and OAuth `state`
// values are signed with a key derived from the same one. Format: `v1:` + base64(iv ‖ tag ‖ ciphertext).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

const VERSION = 'v1';
/** GCM's recommended nonce size; a random one per message is safe far beyond this service's volume. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const KEY_FILE = 'encryption.key';

export class SecretBox {
  readonly #key: Buffer;
  readonly #signingKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`The encryption key must be ${KEY_BYTES} bytes.`);
    this.#key = key;
    // A separate key for signatures, so a MAC can never be confused with a ciphertext under the same key.
    this.#signingKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'cloudcx signing', KEY_BYTES));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
  }

  open(sealed: string): string {
    const [version, body] = sealed.split(':', 2);
    if (version !== VERSION || !body) throw new Error('Not a sealed secret (expected "v1:…").');
    const bytes = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }

  /** HMAC-SHA256 of `data`, base64url. */
  sign(data: string): string {
    return createHmac('sha256', this.#signingKey).update(data).digest('base64url');
  }

  verify(data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(data));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * The key comes from `ENCRYPTION_KEY`; without it, from `<dataDir>/encryption.key`, generated on first start
 * (mode 0600). Losing that file makes stored tokens unreadable: tenants then reconnect.
 */
export function loadSecretBox(config: Pick<Config, 'encryptionKey' | 'dataDir'>, log: Logger): SecretBox {
  if (config.encryptionKey) return new SecretBox(Buffer.from(config.encryptionKey, 'base64'));
  const file = path.join(config.dataDir, KEY_FILE);
  const generated = ensureKeyFile(file);
  log.warn(
    { keyFile: file, generated },
    'ENCRYPTION_KEY is not set: Salesforce tokens are encrypted with a key kept in the data folder. ' +
      'Set ENCRYPTION_KEY (openssl rand -base64 32) in production and keep it apart from the database.',
  );
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte base64 key.`);
  return new SecretBox(key);
}

/** Creates the key file atomically (several processes may start at once on one data folder). */
function ensureKeyFile(file: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(temporary);
  }
}
