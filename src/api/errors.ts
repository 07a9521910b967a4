/**
 * Errors the client raises. Each carries a `kind` the UI turns into a localised message with a
 * next step (see src/ui/errorMessages.ts); `message` here is English for logs and tests.
 * Nothing in an AemError may hold a password, token, cookie or request headers: it is logged.
 */

export type AemErrorKind =
  /** 401, or AEM's login page answered with 200: credentials missing, wrong or expired. */
  | 'unauthorized'
  /** 403 even with a fresh CSRF token: the user lacks permission. */
  | 'forbidden'
  /** The job (or DAM folder) named in the request does not exist. */
  | 'notFound'
  /** 404 on the endpoint itself: AEM Guides missing or too old, or a dispatcher blocks the path. */
  | 'endpointMissing'
  /** Refused before any request, or a 400 from the server (its own message kept). */
  | 'invalidInput'
  /** 409: e.g. the folder is already being processed, or the job cannot be resumed now. */
  | 'conflict'
  /** 5xx (503 may carry Retry-After). */
  | 'server'
  /** Connection refused, DNS failure, reset. */
  | 'network'
  | 'timeout'
  /** The caller aborted the request. */
  | 'cancelled'
  /** The server answered, but not in the shape the API documents (HTML, bad JSON, wrong types). */
  | 'protocol';

/** The operations of the API, named so messages can say which one failed. */
export type AemOperation =
  | 'start'
  | 'status'
  | 'logs'
  | 'downloadLogs'
  | 'cancel'
  | 'resume'
  | 'history'
  | 'csrf'
  | 'listFolder';

export interface AemErrorDetails {
  readonly server: string;
  readonly operation: AemOperation;
  readonly status?: number;
  /** The server's own explanation (from a JSON `message`/`error` field), trimmed. */
  readonly serverMessage?: string;
  /** From a Retry-After header, in milliseconds. */
  readonly retryAfterMs?: number;
  /** For `protocol`: what was wrong, e.g. `an HTML page` or `field "triggeredCount" is not a number`. */
  readonly detail?: string;
  /** For `unauthorized`: the server answered with its login page rather than 401. */
  readonly loginPage?: boolean;
  /** For `network`: the system error code (ECONNREFUSED, ENOTFOUND, ECONNRESET...). */
  readonly code?: string;
  /** For `invalidInput` raised before any request: what is wrong, one entry per problem. */
  readonly problems?: readonly string[];
}

const OPERATION_TEXT: Record<AemOperation, string> = {
  start: 'start processing',
  status: 'get job status',
  logs: 'read job logs',
  downloadLogs: 'download job logs',
  cancel: 'cancel job',
  resume: 'resume job',
  history: 'read job history',
  csrf: 'get a CSRF token',
  listFolder: 'list DAM folder',
};

export class AemError extends Error {
  override readonly name = 'AemError';

  constructor(
    readonly kind: AemErrorKind,
    readonly details: AemErrorDetails,
  ) {
    super(englishMessage(kind, details));
  }

  get server(): string {
    return this.details.server;
  }
  get operation(): AemOperation {
    return this.details.operation;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  /** Worth trying again later without the user changing anything. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'server' || this.kind === 'protocol';
  }
}

export function isAemError(value: unknown): value is AemError {
  return value instanceof AemError;
}

function englishMessage(kind: AemErrorKind, d: AemErrorDetails): string {
  const head = `Could not ${OPERATION_TEXT[d.operation]} on ${d.server}`;
  const said = d.serverMessage ? ` The server said: ${d.serverMessage}` : '';
  switch (kind) {
    case 'unauthorized':
      return d.loginPage
        ? `${head}: the server answered with its login page. Sign in again.`
        : `${head}: the credentials were rejected (HTTP 401). Sign in again.`;
    case 'forbidden':
      return `${head}: access denied (HTTP 403). Ask an administrator for permission.${said}`;
    case 'notFound':
      return `${head}: not found (HTTP 404).${said}`;
    case 'endpointMissing':
      return `${head}: the AEM Guides API is not available (HTTP 404). Check that AEM Guides is installed and that no dispatcher blocks /bin/guides.`;
    case 'invalidInput':
      return d.problems && d.problems.length > 0
        ? `${head}: ${d.problems.join('; ')}`
        : `${head}: the server refused the input (HTTP 400).${said}`;
    case 'conflict':
      return `${head}: the server refused it (HTTP 409).${said}`;
    case 'server':
      return `${head}: server error (HTTP ${d.status ?? 500}).${said} Try again later.`;
    case 'network':
      return `${head}: the server cannot be reached (${d.code ?? 'network error'}). Check the URL and your connection.`;
    case 'timeout':
      return `${head}: no answer in time. The server may be busy; try again or raise aemGuides.requestTimeout.`;
    case 'cancelled':
      return `${head}: cancelled.`;
    case 'protocol':
      return `${head}: unexpected answer (${d.detail ?? 'malformed response'}). Is the URL that of an AEM author with AEM Guides?`;
  }
}
