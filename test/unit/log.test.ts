import { createLogger } from '../../src/log.js';
import { scrubSecrets } from '../../src/secrets.js';
import { HttpError } from '../../src/http/errors.js';

const TOKEN = 'pdtok_S3cr3tValue_1234567890';
const BASIC = Buffer.from(`jane@example.com/token:zd_Z3ndeskT0ken`).toString('base64');
const SECRETS = [TOKEN, 'zd_Z3ndeskT0ken', BASIC];

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    secrets: SECRETS,
    level: 'debug',
    destination: { write: (s: string) => void lines.push(s) },
  });
  const output = () => lines.join('');
  const expectClean = () => {
    const text = output();
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain('S3cr3t');
  };
  return { logger, lines, output, expectClean };
}

describe('createLogger never emits a secret', () => {
  test("in a vendor's error answer: its headers (cookies) are not logged, though the retry layer can read them", () => {
    const { logger, output } = capture();
    const error = new HttpError(
      'zendesk',
      'GET',
      '/api/v2/users',
      503,
      { 'set-cookie': '_session=abc123', 'retry-after': '7' },
      'unavailable',
    );
    logger.error({ err: error }, 'check failed');
    expect(output()).toContain('zendesk GET /api/v2/users answered HTTP 503: unavailable');
    expect(output()).not.toContain('abc123');
    expect(error.headers['retry-after']).toBe('7');
  });

  test('in the message', () => {
    const { logger, output, expectClean } = capture();
    logger.info(`calling PagerDuty with ${TOKEN}`);
    logger.info({ platform: 'pagerduty' }, `token=${TOKEN}`);
    expectClean();
    expect(output()).toContain('[REDACTED]');
  });

  test('in printf-style arguments', () => {
    const { logger, expectClean } = capture();
    logger.info('token %s', TOKEN);
    expectClean();
  });

  test('in a nested field', () => {
    const { logger, output, expectClean } = capture();
    logger.warn(
      { request: { url: `https://api.test/users?token=${TOKEN}`, list: [{ deep: { deeper: TOKEN } }] } },
      'request',
    );
    expectClean();
    expect(JSON.parse(output())).toMatchObject({
      request: { url: 'https://api.test/users?token=[REDACTED]', list: [{ deep: { deeper: '[REDACTED]' } }] },
    });
  });

  test("in a nested Error's message", () => {
    const { logger, expectClean } = capture();
    logger.error({ platform: 'pagerduty', err: new Error(`401 for token ${TOKEN}`) }, 'audit failed');
    expectClean();
  });

  test('in an Error logged without a message (pino uses err.message as msg)', () => {
    const { logger, expectClean } = capture();
    logger.error({ err: new Error(`401 for token ${TOKEN}`) });
    expectClean();
  });

  test('in an Error passed as the first argument', () => {
    const { logger, expectClean } = capture();
    logger.error(new Error(`401 for token ${TOKEN}`));
    logger.error(new Error(`401 for token ${TOKEN}`), 'request failed');
    expectClean();
  });

  test('in an authorization header field, in any case and depth', () => {
    const { logger, output, expectClean } = capture();
    logger.debug({ headers: { authorization: `Token token=${TOKEN}` } }, 'request');
    logger.debug({ request: { headers: { Authorization: `Basic ${BASIC}` } } }, 'request');
    logger.debug({ error: { options: { headers: { authorization: `Bearer ${TOKEN}` } } } }, 'request');
    logger.debug({ authorization: `Token token=${TOKEN}` }, 'request');
    expectClean();
    expect(JSON.parse(output().split('\n')[0])).toMatchObject({ headers: { authorization: '[REDACTED]' } });
  });

  test('in a child logger', () => {
    const { logger, expectClean } = capture();
    logger.child({ vendor: 'pagerduty', token: TOKEN }).info('hello');
    logger.child({ vendor: 'pagerduty', url: `https://api.test/?t=${TOKEN}` }).info('hello');
    expectClean();
  });
});

describe('scrubSecrets', () => {
  test('replaces every occurrence, skips values too short to be secrets', () => {
    expect(scrubSecrets(`${TOKEN}/${TOKEN}`, [TOKEN])).toBe('[REDACTED]/[REDACTED]');
    expect(scrubSecrets('abc', ['abc'])).toBe('abc');
  });

  test('a secret containing another secret is masked whole', () => {
    // e.g. a token and its trimmed form, or two tokens where one contains the other
    const long = 'xx-outer-abcd-outer-yy';
    const out = scrubSecrets(`value ${long}`, ['abcd', long]);
    expect(out).toBe('value [REDACTED]');
  });
});
