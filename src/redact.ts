// Personal data out of logs and stored errors: a Salesforce error often quotes the SOQL or the values it refused,
// with the visitor's email, phone or name inside. Applied where Salesforce errors become messages
// (src/salesforce/failures.ts, step-outcome.ts) and to every log line (src/log.ts).

// The domain needs no dot: an address Salesforce refused as invalid (`ada@example`) is still the visitor's.
// No `/` before the `@`: `node_modules/@prisma/client` in a stack is a path, not an address.
// The lookbehind starts a match only at the start of a run, so a long base64 text costs one pass, not n².
const EMAIL =
  /(?<![A-Za-z0-9.!#$%&*+=?^_`{|}~-])[A-Za-z0-9.!#$%&*+=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/g;
// International (+…), (area) local, and 3-3-4 forms; not dates (4-2-2) nor Salesforce ids (letters inside).
const PHONE =
  /\+\d[\d ().-]{6,}\d|\(\d{2,4}\)\s?\d{3,4}[ .-]?\d{3,4}|(?<![\w-])\d{3}[ .-]\d{3}[ .-]\d{4}(?![\w-])/g;
// A SOQL string literal: a name, a company, a search term. Ids and numbers are not quoted in what we send.
const SOQL_LITERAL = /'(?:[^'\\]|\\.)*'/g;
const SOQL = /\bSELECT\b[\s\S]*\bFROM\b/i;

export const REDACTED = '[redacted]';

/** The text with emails, phone numbers and (in SOQL) quoted values replaced by `[redacted]`. */
export function redactPersonalData(text: string): string {
  let out = text.replace(EMAIL, REDACTED).replace(PHONE, REDACTED);
  if (SOQL.test(out)) out = out.replace(SOQL_LITERAL, `'${REDACTED}'`);
  return out;
}
