import { FAILSAFE_SCHEMA, Type, YAMLException, loadAll, type EventType, type State } from 'js-yaml';
import { ConfigError } from './errors.js';
import { duplicateKeyMessage, withTabHint } from './yaml-source.js';

/** js-yaml's parser state as its listener sees it, with the fields its type declarations leave out. */
export type ReaderState = State & {
  /** How many nodes are open, this one included (1 for a document's root). */
  depth: number;
  /** The anchor (`&name`) of the node that is closing, or null. */
  anchor: string | null;
};

/** Told when js-yaml starts (`open`) and finishes (`close`) reading each node. */
export type ReadListener = (event: EventType, state: ReaderState) => void;

/**
 * A scalar type of YAML 1.2's core schema, resolving plain scalars that match `pattern`: only
 * those starting with one of `starts` are tried (most plain scalars are text, tried four times).
 */
function scalarType(name: string, starts: string, pattern: RegExp, construct: (text: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${name}`, {
    kind: 'scalar',
    resolve: (text: unknown) =>
      typeof text === 'string' && (text === '' || starts.includes(text[0])) && pattern.test(text),
    construct,
  });
}

function integer(text: string): number {
  if (text.startsWith('0o')) return parseInt(text.slice(2), 8);
  if (text.startsWith('0x')) return parseInt(text.slice(2), 16);
  return parseInt(text, 10);
}

function float(text: string): number {
  if (/nan$/i.test(text)) return NaN;
  if (/inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return parseFloat(text);
}

/**
 * YAML 1.2's core schema, to the letter (js-yaml's own also takes 0b101, -0x1F and the like as
 * numbers): null, booleans, integers (decimal, 0o octal, 0x hexadecimal) and floats; the rest are strings.
 */
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType('null', '~nN', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalarType('bool', 'tTfF', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => /^t/i.test(text)),
    scalarType('int', '+-0123456789', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, integer),
    scalarType(
      'float',
      '+-.0123456789',
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
      float,
    ),
  ],
});

/**
 * Reads one YAML document (js-yaml, YAML 1.2 core schema) into plain values; null when the text
 * holds none. `listener` is told about every node read. Syntax errors, warnings and a second
 * document throw a ConfigError naming the line: `file:line: message`.
 */
export function readYaml(text: string, file: string, listener?: ReadListener): unknown {
  const documents = loadDocuments(text, file, listener);
  if (documents.length > 1) {
    // Read again for where the second document starts: js-yaml does not say.
    const starts: number[] = [];
    let input = text;
    loadDocuments(text, file, (event, state) => {
      input = state.input;
      if (event === 'open' && state.depth === 1) starts.push(state.position);
    });
    const line = lineOfDocument(input, starts[1]);
    throw new ConfigError([`${file}:${line}: expected a single document in the stream, but found more`]);
  }
  return documents[0] ?? null;
}

function loadDocuments(text: string, file: string, listener: ReadListener | undefined): unknown[] {
  try {
    return loadAll(text, undefined, {
      schema: CORE_SCHEMA,
      // An unknown directive or YAML version is a problem too: a roster must be plain YAML. Flow
      // content indented less than its parent is read as meant (and an unclosed `[` gets its own message).
      onWarning: (warning) => {
        if (warning.reason !== 'deficient indentation') throw warning;
      },
      listener: listener,
    });
  } catch (error) {
    if (error instanceof YAMLException) throw new ConfigError([syntaxProblem(error, text, file)]);
    throw error;
  }
}

/** `file:line: message`, in the words the audit config's reader uses where they differ. */
function syntaxProblem(error: YAMLException, text: string, file: string): string {
  const source = error.mark.buffer ?? text;
  const line = error.mark.line + 1;
  let message = error.reason;
  const alias = /^unidentified alias "(.*)"$/.exec(message)?.[1];
  if (message === 'duplicated mapping key') message = duplicateKeyMessage(source, error.mark.position);
  else if (alias !== undefined) message = `unknown alias *${alias} (define &${alias} before using it)`;
  return `${file}:${line}: ${withTabHint(message, source, line)}`;
}

/** The line of the `---` (or `...`) that ends the document before `start`, else the line of `start`. */
function lineOfDocument(text: string, start: number): number {
  const before = text.slice(0, start);
  const markers = [...before.matchAll(/^(?:---|\.\.\.)(?=\s|$)/gm)];
  const at = markers.at(-1)?.index ?? start;
  return before.slice(0, at).split('\n').length;
}
