import { HttpError, RetriesExhaustedError } from '../http/errors.js';

/**
 * What a person should do about a GitLab refusal, named by the variable to fix; undefined for any
 * other failure. A refused credential fails again on a re-run: the message says what to change.
 */
export function gitlabHint(error: unknown): string | undefined {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  if (!(cause instanceof HttpError) || cause.vendor !== 'gitlab') return undefined;
  if (cause.status === 401) {
    return (
      'GitLab refused GITLAB_TOKEN (wrong, expired or revoked): ' +
      'create a project access token with the api scope and set GITLAB_TOKEN.'
    );
  }
  if (cause.status === 403) {
    return (
      'GITLAB_TOKEN may not do this in AUDIT_PROJECT: ' +
      'it needs the api scope and the Planner role (Reporter before GitLab 17.7) or higher in the project.'
    );
  }
  if (cause.status === 404 && /^(\/api\/v4)?\/projects\/[^/]+(\/(issues|labels))?(\?|$)/.test(cause.path)) {
    return (
      'the project in AUDIT_PROJECT (default CI_PROJECT_PATH) was not found with that token: ' +
      'check its path, and that the token belongs to the project or its user is a member.'
    );
  }
  return undefined;
}

/** Whether re-running cannot help until a variable is fixed. */
export function isCredentialRefusal(error: unknown): boolean {
  return gitlabHint(error) !== undefined;
}

/** The error's message, with what to do when GitLab refused the bot's credentials. */
export function explained(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const hint = gitlabHint(error);
  return hint ? `${message}. ${hint}` : message;
}
