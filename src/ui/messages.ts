/**
 * Localised texts for errors and input problems raised by the api layer: what happened and what to do.
 */
import * as vscode from 'vscode';
import type { InputProblem } from '../api/damPath';
import { isAemError, type AemError, type AemOperation } from '../api/errors';
import type { ServerProblem } from '../model/servers';

function operationText(operation: AemOperation): string {
  switch (operation) {
    case 'start':
      return vscode.l10n.t('start processing');
    case 'status':
      return vscode.l10n.t('read the job status');
    case 'logs':
      return vscode.l10n.t('read the job log');
    case 'downloadLogs':
      return vscode.l10n.t('download the job logs');
    case 'cancel':
      return vscode.l10n.t('cancel the job');
    case 'resume':
      return vscode.l10n.t('resume the job');
    case 'history':
      return vscode.l10n.t('read the job history');
    case 'csrf':
      return vscode.l10n.t('get a CSRF token');
    case 'listFolder':
      return vscode.l10n.t('list the DAM folder');
  }
}

/** One sentence on what went wrong, for tree nodes and status lines. */
export function shortReason(error: unknown): string {
  if (!isAemError(error)) return error instanceof Error ? error.message : String(error);
  const e: AemError = error;
  switch (e.kind) {
    case 'unauthorized':
      return e.details.loginPage ? vscode.l10n.t('the server answered with its login page') : vscode.l10n.t('credentials rejected (HTTP 401)');
    case 'forbidden':
      return vscode.l10n.t('access denied (HTTP 403)');
    case 'notFound':
      return vscode.l10n.t('not found (HTTP 404)');
    case 'endpointMissing':
      return vscode.l10n.t('AEM Guides API not found (HTTP 404)');
    case 'invalidInput':
      return vscode.l10n.t('invalid input');
    case 'conflict':
      return vscode.l10n.t('refused by the server (HTTP 409)');
    case 'server':
      return vscode.l10n.t('server error (HTTP {0})', e.status ?? 500);
    case 'network':
      return e.details.code === 'ECONNREFUSED'
        ? vscode.l10n.t('connection refused')
        : e.details.code === 'ENOTFOUND'
          ? vscode.l10n.t('host not found')
          : vscode.l10n.t('network error ({0})', e.details.code ?? '?');
    case 'timeout':
      return vscode.l10n.t('no answer in time');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
    case 'protocol':
      return vscode.l10n.t('unexpected answer: {0}', e.details.detail ?? '?');
  }
}

/** A full message: what failed, why, what the server said, and what to do. */
export function describeError(error: unknown): string {
  if (!isAemError(error)) {
    return vscode.l10n.t('Unexpected error: {0}', error instanceof Error ? error.message : String(error));
  }
  const e = error;
  const head = vscode.l10n.t('Could not {0} on {1}: {2}.', operationText(e.operation), e.server, shortReason(e));
  const said = e.details.serverMessage ? ' ' + vscode.l10n.t('The server said: "{0}"', e.details.serverMessage) : '';
  const problems = e.details.problems?.length ? ' ' + e.details.problems.join('; ') + '.' : '';
  const next = nextStep(e);
  return `${head}${problems}${said}${next ? ' ' + next : ''}`;
}

function nextStep(e: AemError): string | undefined {
  switch (e.kind) {
    case 'unauthorized':
      return vscode.l10n.t('Sign in again ("AEM Guides: Sign In...").');
    case 'forbidden':
      return vscode.l10n.t('Ask an AEM administrator for permission to run bulk processing.');
    case 'endpointMissing':
      return vscode.l10n.t('Check that AEM Guides is installed on this server and that no dispatcher blocks /bin/guides.');
    case 'notFound':
      return e.operation === 'listFolder' ? vscode.l10n.t('Check the folder path.') : vscode.l10n.t('The job may have been removed from the server.');
    case 'conflict':
      return e.operation === 'start' ? vscode.l10n.t('Wait for the running job on this folder to finish, or cancel it.') : undefined;
    case 'server':
      return vscode.l10n.t('Try again later; the server log may say more.');
    case 'network':
      return vscode.l10n.t('Check the server URL and that the server is running.');
    case 'timeout':
      return vscode.l10n.t('The server may be busy: try again, or raise the "aemGuides.requestTimeout" setting.');
    case 'protocol':
      return vscode.l10n.t('Check that the URL is an AEM author with AEM Guides.');
    case 'invalidInput':
    case 'cancelled':
      return undefined;
  }
}

/** Localised text of an input problem (the api layer's codes). */
export function describeProblem(problem: InputProblem): string {
  const v = problem.value ?? '';
  switch (problem.code) {
    case 'pathEmpty':
      return vscode.l10n.t('Enter a DAM folder path, for example /content/dam/my-docs.');
    case 'pathNotAbsolute':
      return vscode.l10n.t('"{0}" is not absolute: start it with /content/dam/.', v);
    case 'pathNotUnderDam':
      return vscode.l10n.t('"{0}" is not under /content/dam.', v);
    case 'pathDotSegment':
      return vscode.l10n.t('"{0}" must not contain "." or ".." segments.', v);
    case 'pathDoubleSlash':
      return vscode.l10n.t('"{0}" must not contain "//".', v);
    case 'pathControlChar':
      return vscode.l10n.t('The path must not contain control characters (line breaks, tabs).');
    case 'pathTrailingSlash':
      return vscode.l10n.t('"{0}" must not end with "/".', v);
    case 'excludedNotUnderPath':
      return vscode.l10n.t('Excluded path "{0}" is not below the folder being processed.', v);
    case 'excludedInvalid':
      return vscode.l10n.t('Excluded path "{0}" is invalid: {1}', v, describeProblem({ code: problem.cause ?? 'pathEmpty', value: v }));
    case 'fileTypeUnknown':
      return vscode.l10n.t('Unknown file type "{0}".', v);
    case 'timeInvalid':
      return vscode.l10n.t('{0} is not a valid time.', v);
    case 'timeRange':
      return vscode.l10n.t('"Created after" must not be later than "created before".');
    case 'typeInvalid':
      return vscode.l10n.t('"{0}" is not a processing type.', v);
  }
}

export function describeServerProblem(problem: ServerProblem): string {
  switch (problem) {
    case 'nameEmpty':
      return vscode.l10n.t('Enter a name for this server.');
    case 'urlEmpty':
      return vscode.l10n.t('Enter the author server URL, for example http://localhost:4502.');
    case 'urlInvalid':
      return vscode.l10n.t('This is not a valid URL.');
    case 'urlScheme':
      return vscode.l10n.t('The URL must start with http:// or https://.');
    case 'urlHasPath':
      return vscode.l10n.t('Enter only the server address (scheme, host and port), without a path.');
    case 'urlHasCredentials':
      return vscode.l10n.t('Do not put credentials in the URL; you will be asked for them next.');
    case 'usernameEmpty':
      return vscode.l10n.t('Enter a user name.');
  }
}
