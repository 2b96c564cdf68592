import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('logs a person reads at a terminal', () => {
  test('pretty lines instead of JSON, with every secret still scrubbed', async () => {
    const out = collector();
    const logger = createLogger({ secrets: ['s3cr3t-token-value'], pretty: true, destination: out.stream });
    logger.warn({ platform: 'zendesk', header: 'Bearer s3cr3t-token-value' }, 'retrying after s3cr3t-token-value');
    logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = out.text();
    expect(text).toMatch(/WARN.*retrying after \[REDACTED\]/);
    expect(text).toContain('platform: "zendesk"');
    expect(text).not.toContain('s3cr3t-token-value');
    expect(() => JSON.parse(text.split('\n')[0])).toThrow();
  });

  test('JSON lines by default (CI, files)', () => {
    const out = collector();
    const logger = createLogger({ secrets: [], destination: out.stream });
    logger.info({ platform: 'calendly' }, 'hello');
    logger.flush();
    expect(JSON.parse(out.text().split('\n')[0])).toMatchObject({ msg: 'hello', platform: 'calendly', level: 30 });
  });
});
