import { FakeServer, json } from '../src/sandbox/fake-server.js';
import got from 'got';

test('fake server answers over real HTTP', async () => {
  const server = new FakeServer(
    'smoke',
    () => json(200, { ok: true }),
    () => ({ type: 'status', status: 429 }),
  );
  const url = await server.start();
  try {
    const body = await got(`${url}/x`).json<{ ok: boolean }>();
    expect(body.ok).toBe(true);
    expect(server.log).toHaveLength(1);
  } finally {
    await server.stop();
  }
});
