// Salesforce's error shapes: REST answers an array of {message, errorCode, fields};
// Collections record results use statusCode; OAuth answers one {error, error_description}.

export interface DuplicateResult {
  allowSave: boolean;
  duplicateRule: string;
  duplicateRuleEntityType: string;
  errorMessage: string;
  matchResults: Array<{
    entityType: string;
    errors: unknown[];
    matchEngine: string;
    matchRecords: Array<{
      additionalInformation: unknown[];
      fieldDiffs: unknown[];
      matchConfidence: number;
      record: Record<string, unknown>;
    }>;
    rule: string;
    size: number;
    success: boolean;
  }>;
}

export type DuplicateResultKey = 'duplicateResut' | 'duplicateResult';

/** One Salesforce API error; `status` is the HTTP status a REST call answers with. */
export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** null: a refusal of the whole request, whose REST error has no `fields` key. */
    readonly fields: string[] | null = [],
    readonly duplicateResult?: DuplicateResult,
  ) {
    super(message);
    this.name = errorCode;
  }

  /**
   * The REST shape, an element of the error array. Real orgs spell the duplicate key `duplicateResut`
   * (captured on v50, read so by integrations on v48-v51: test/salesforce/captured/); the key is an org setting.
   */
  toRest(duplicateKey: DuplicateResultKey = 'duplicateResut'): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.duplicateResult) out[duplicateKey] = this.duplicateResult;
    Object.assign(out, { errorCode: this.errorCode, message: this.message });
    if (this.fields && (!this.duplicateResult || this.fields.length > 0)) out.fields = this.fields;
    return out;
  }

  /** The Collections (and SaveResult) shape: statusCode, message, fields, never the duplicate result. */
  toRecordError(): Record<string, unknown> {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

export const notFound = () => new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const entityIsDeleted = () => new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
export const invalidSession = () =>
  new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid', null);
export const jsonParserError = (detail: string) => new SfError(400, 'JSON_PARSER_ERROR', detail);
export const invalidType = (type: string) =>
  new SfError(
    400,
    'INVALID_TYPE',
    `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/** An OAuth endpoint error: one object, not the REST array. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}
