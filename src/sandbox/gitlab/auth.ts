import type { FakeRequest } from '../fake-server.js';
import { header } from './http.js';
import { userByName, type SandboxState } from './state.js';
import type { GitLabSandboxUser } from './types.js';

/**
 * The active user a request's token belongs to: a PRIVATE-TOKEN header, a Bearer authorization,
 * or a `private_token` query parameter, in that order. Undefined answers 401.
 */
export function authenticate(state: SandboxState, req: FakeRequest): GitLabSandboxUser | undefined {
  const privateToken = header(req, 'private-token');
  const authorization = header(req, 'authorization');
  let token: string | undefined;
  if (privateToken) token = privateToken;
  else if (authorization && /^bearer\s+/i.test(authorization)) token = authorization.replace(/^bearer\s+/i, '').trim();
  else {
    const fromQuery = req.url.searchParams.get('private_token');
    if (fromQuery) token = fromQuery;
  }
  if (!token) return undefined;
  const username = state.tokens.get(token);
  const user = username ? userByName(state, username) : undefined;
  if (!user || (user.state ?? 'active') !== 'active') return undefined;
  return user;
}
