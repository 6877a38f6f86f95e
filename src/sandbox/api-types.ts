// The internal request and response of one REST call, shared by top-level requests and composite subrequests.

export interface ApiRequest {
  method: string;
  /** The path below /services/data/vXX.X, e.g. '/sobjects/Lead/00Q...'. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, if any. */
  body: unknown;
  userId: string;
  /** The API version the call was made with ('62.0'): URLs in the answer carry it. */
  version: string;
  /** Set while running inside a composite request, which may not nest. */
  inComposite?: boolean;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Binary content (file bodies), sent as-is instead of JSON. */
  raw?: { data: Buffer; contentType: string };
}
