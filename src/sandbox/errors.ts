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

/** One Salesforce API error; `status` is the HTTP status a REST call answers with. */
export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields: string[] = [],
    readonly duplicateResult?: DuplicateResult,
  ) {
    super(message);
    this.name = errorCode;
  }

  /** The REST shape, an element of the error array. */
  toRest(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      message: this.message,
      errorCode: this.errorCode,
      fields: this.fields,
    };
    if (this.duplicateResult) out.duplicateResult = this.duplicateResult;
    return out;
  }

  /** The Collections (and SaveResult) shape. */
  toRecordError(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      statusCode: this.errorCode,
      message: this.message,
      fields: this.fields,
    };
    if (this.duplicateResult) out.duplicateResult = this.duplicateResult;
    return out;
  }
}

export const notFound = () => new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const entityIsDeleted = () => new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
export const invalidSession = () => new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
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
