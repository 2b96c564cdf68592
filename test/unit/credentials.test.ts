import { credentialValues, scrubSecrets } from '../../src/secrets.js';
import { bodyExcerpt } from '../../src/http/errors.js';
import { safeToRepeat } from '../../src/gitlab/requester.js';

describe('credentials a request carried', () => {
  test('each vendor style: the header value, the credential after its scheme, and Basic decoded', () => {
    expect(credentialValues({ authorization: 'Token token=pd-secret-1' })).toEqual(
      expect.arrayContaining(['Token token=pd-secret-1', 'token=pd-secret-1', 'pd-secret-1']),
    );
    expect(credentialValues({ Authorization: 'Bearer cal-secret-2' })).toEqual(
      expect.arrayContaining(['Bearer cal-secret-2', 'cal-secret-2']),
    );
    const basic = Buffer.from('bot@example.com/token:zd-secret-3').toString('base64');
    expect(credentialValues({ authorization: `Basic ${basic}` })).toEqual(
      expect.arrayContaining([basic, 'bot@example.com/token:zd-secret-3', 'zd-secret-3']),
    );
    expect(credentialValues({ 'PRIVATE-TOKEN': 'glpat-secret-4', accept: 'application/json' })).toEqual([
      'glpat-secret-4',
    ]);
    expect(credentialValues(undefined)).toEqual([]);
  });

  test('an error body echoing them is masked before it is cut, so no piece of a token survives', () => {
    const headers = { authorization: 'Token token=pd-secret-0123456789' };
    const body = `${'x'.repeat(290)} pd-secret-0123456789 and more`;
    const shown = bodyExcerpt(body, headers);
    expect(shown).not.toMatch(/pd-sec/);
    expect(shown.length).toBeLessThanOrEqual(301);
    // Without it, the cut leaves a piece that whole-secret scrubbing cannot recognise.
    expect(scrubSecrets(`${body.slice(0, 300)}…`, ['pd-secret-0123456789'])).toMatch(/pd-sec/);
  });
});

describe('GitLab writes that are safe to send again', () => {
  test.each([
    ['GET', '/api/v4/projects/1/issues', true],
    ['PUT', '/api/v4/projects/1/issues/3', true],
    ['DELETE', '/api/v4/projects/1/labels/audit-bot-lock-issue-3', true],
    ['POST', '/api/v4/projects/support-ops%2Faccess-audits/labels', true],
    ['POST', '/api/v4/projects/1/issues/3/notes', false],
    ['POST', '/api/v4/projects/1/issues', false],
  ])('%s %s: %s', (method, path, safe) => {
    expect(safeToRepeat(method, path)).toBe(safe);
  });
});
