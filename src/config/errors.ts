/**
 * Bad configuration or input. `problems` holds one line per problem, each naming the file,
 * the line and the field: `roster.yml:14 [2].gitlab.username: required`. The CLI prints the
 * problems and exits 2. Messages never contain secret values.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}
