import { FakeServer } from '../src/sandbox/fake-server.js';
import type { PlatformFake } from '../src/platforms/contract.js';
import { PLATFORM_MODULES } from '../src/platforms/registry.js';
import { SANDBOX_TOKENS, startSandbox, type SandboxedModule } from '../src/sandbox/environment.js';

const NOW = new Date('2026-11-24T09:00:00Z');

/** A module of the test's own: one fake answering 200 to a request with its token, 401 to any other. */
function exampleModule(fakeName = 'example'): SandboxedModule & { started: PlatformFake[] } {
  const started: PlatformFake[] = [];
  return {
    id: 'example',
    started,
    sandbox: {
      tokens: { example: 'sandbox-example-token' },
      async start({ tokens }) {
        const fake = Object.assign(
          new FakeServer(
            'example',
            (req) =>
              req.headers.authorization === `Bearer ${tokens.example}`
                ? { status: 200, body: { ok: true } }
                : { status: 401, body: { error: 'unauthorized' } },
            () => ({ type: 'status', status: 429 }),
          ),
          { data: { users: [] } },
        );
        await fake.start();
        started.push(fake);
        return { fakes: { [fakeName]: fake }, env: { EXAMPLE_URL: fake.url, EXAMPLE_TOKEN: tokens.example } };
      },
    },
  };
}

test("every registered module's fakes run, by name, beside GitLab, with the variables that point at them", async () => {
  const sandbox = await startSandbox({ clock: () => NOW });
  try {
    expect(Object.keys(sandbox.fakes)).toEqual(['zendesk', 'zendeskUsFederal', 'calendly', 'pagerduty']);
    expect(sandbox.pagerduty).toBe(sandbox.fakes.pagerduty);
    expect(sandbox.env.PAGERDUTY_URL).toBe(sandbox.pagerduty.url);
    expect(sandbox.env.PAGERDUTY_TOKEN).toBe(SANDBOX_TOKENS.pagerduty);
    expect(sandbox.env.GITLAB_URL).toBe(sandbox.gitlab.url);
    expect(sandbox.env.GITLAB_TOKEN).toBe(SANDBOX_TOKENS.gitlab);
  } finally {
    await sandbox.stop();
  }
});

test("a test's own module runs beside the registered ones, its credential replaceable like theirs", async () => {
  const example = exampleModule();
  const sandbox = await startSandbox({
    clock: () => NOW,
    registry: [...PLATFORM_MODULES, example],
    tokens: { example: 'replaced-example-token', calendly: 'replaced-calendly-token' } as never,
  });
  try {
    const fake = sandbox.fakes.example;
    expect(sandbox.env.EXAMPLE_URL).toBe(fake.url);
    expect(sandbox.env.EXAMPLE_TOKEN).toBe('replaced-example-token');
    expect(sandbox.env.CALENDLY_TOKEN).toBe('replaced-calendly-token');
    expect(sandbox.env.PAGERDUTY_TOKEN).toBe(SANDBOX_TOKENS.pagerduty);
    const answer = await fetch(`${fake.url}/anything`, { headers: { authorization: 'Bearer replaced-example-token' } });
    expect(answer.status).toBe(200);
  } finally {
    await sandbox.stop();
  }
  expect(() => example.started[0].url).toThrow('not running');
});

test('a credential no fake accepts is refused before anything starts', async () => {
  await expect(startSandbox({ clock: () => NOW, tokens: { pagerdutyy: 'typo' } as never })).rejects.toThrow(
    'no fake accepts a credential named "pagerdutyy"',
  );
});

test("a fake named like another (or like the sandbox's own members) is refused, and every fake stops", async () => {
  for (const name of ['pagerduty', 'gitlab']) {
    const example = exampleModule(name);
    await expect(startSandbox({ clock: () => NOW, registry: [...PLATFORM_MODULES, example] })).rejects.toThrow(
      `a fake is named "${name}", which another fake or the sandbox itself uses`,
    );
    expect(() => example.started[0].url).toThrow('not running');
  }
});
