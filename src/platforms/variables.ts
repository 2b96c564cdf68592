/** A platform's environment variables as its checker reads them, with its module's `env` list for the messages. */

import { ConfigError } from '../config/errors.js';
import type { Env, EnvWith } from '../config/types.js';
import type { EnvVariable } from './contract.js';

/** A variable's value as readEnv kept it: undefined when unset or blank. */
export function variable(env: Env, name: string): string | undefined {
  const value = env[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `env NAME: required (what it is)`, with `more` said after what it is. */
export function requiredProblem(variables: readonly EnvVariable[], name: string, more = ''): string {
  const why = variables.find((candidate) => candidate.name === name)?.why;
  return `env ${name}: required (${why ?? name}${more})`;
}

/**
 * Checks that every one of `names` is set; otherwise throws a ConfigError listing each missing
 * one as `env NAME: required (what it is)`, what it is taken from `variables`.
 */
export function requireVariables<K extends string>(
  env: Env,
  variables: readonly EnvVariable[],
  names: readonly K[],
): EnvWith<K> {
  const problems = names
    .filter((name) => variable(env, name) === undefined)
    .map((name) => requiredProblem(variables, name));
  if (problems.length > 0) throw new ConfigError(problems);
  return env as EnvWith<K>;
}
