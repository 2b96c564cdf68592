import { buildOrganisation } from './data.js';
import { createZendeskSandbox } from '../src/sandbox/zendesk.js';
const mode = process.argv[2];
const org = buildOrganisation(50000, new Date());
const z = createZendeskSandbox({ email: 'a@b.c', token: 't', data: org.zendesk, memoizeListings: true });
await z.start();
const pages: string[] = [];
for (let p = 0; p < 500; p++) {
  const r = await fetch(`${z.url}/api/v2/users?role[]=agent&role[]=admin&per_page=100&page=${p + 1}`, { headers: { authorization: `Basic ${Buffer.from('a@b.c/token:t').toString('base64')}` } });
  pages.push(await r.text());
}
await z.stop();
(globalThis as any).gc();
const before = process.memoryUsage().heapUsed;
const keep: unknown[] = [];
for (const text of pages) {
  const users = JSON.parse(text).users as Record<string, unknown>[];
  if (mode === 'project') keep.push(...users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, role_type: u.role_type, custom_role_id: u.custom_role_id, suspended: u.suspended, last_login_at: u.last_login_at, created_at: u.created_at, two_factor_auth_enabled: u.two_factor_auth_enabled, default_group_id: u.default_group_id })));
  else keep.push(...users);
}
(globalThis as any).gc();
console.log(mode, keep.length, 'retained MB', Math.round((process.memoryUsage().heapUsed - before) / 1e6));
