/** The rules the roster's own values follow (GitLab usernames, emails), shared with the audit config and platforms. */

import { quote, type At, type Checker } from './validate.js';

/** Loose on purpose: something@domain.tld with no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** GitLab's rule: letters, digits, `_`, `-`, `.`; not starting with `-` or `.`; not ending in `.`, `.git`, `.atom`. */
const GITLAB_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function isGitLabUsername(value: string): boolean {
  return GITLAB_USERNAME.test(value) && !/(\.|\.git|\.atom)$/i.test(value) && value.length <= 255;
}

// The messages below are made once, not for each value checked (a roster holds tens of thousands).

const notAUsername = (value: string): string =>
  value.startsWith('@') && isGitLabUsername(value.slice(1))
    ? `${quote(value)} is not a GitLab username (drop the leading @)`
    : `${quote(value)} is not a GitLab username (letters, digits, _ - . only)`;

const notAnEmail = (value: string): string => `${quote(value)} is not an email address`;

/** Checks a GitLab username field. */
export function checkUsername(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isGitLabUsername, notAUsername);
}

export function checkEmail(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isEmail, notAnEmail, 'an email address');
}
