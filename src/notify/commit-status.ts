/**
 * Commit statuses on GitHub and GitLab, as notification-controller's `github` and `gitlab`
 * providers set them (internal/notifier/github.go, gitlab.go): the revision's commit gets a
 * status named `<kind>/<name>/<provider uid prefix>`, success for info events and failure for
 * errors, described by the reason in words; an identical latest status is not set again.
 */
import type { Clock } from '../api/clock.js';
import type { FluxEvent } from './event.js';
import { NotificationSendError, postWithRetries } from './http-post.js';
import type { ResolvedProvider } from './providers.js';
import { ProviderConfigError } from './providers.js';

/** The commit-status provider types fluxion implements. */
export const COMMIT_STATUS_TYPES: readonly string[] = ['github', 'gitlab'];

/** Every git provider type Flux treats as a commit-status provider. */
export const GIT_PROVIDER_TYPES: readonly string[] = ['github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops'];

/** `kind/name/<first segment of the provider UID>`, lower-case (generateDefaultCommitStatus). */
export function defaultCommitStatus(providerUid: string, event: FluxEvent): string {
  return `${event.involvedObject.kind}/${event.involvedObject.name}/${providerUid.split('-')[0]}`.toLowerCase();
}

/** Go's camel-case splitter as Flux uses it: `HealthCheckFailed` → `health check failed`. */
export function describeReason(reason: string): string {
  const runs: string[] = [];
  let last = 0;
  for (const ch of reason) {
    const cls = /\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{N}/u.test(ch) ? 3 : 4;
    if (cls === last && runs.length) runs[runs.length - 1] += ch;
    else runs.push(ch);
    last = cls;
  }
  // An upper-case run followed by a lower-case one gives its last letter to the next word (HTTPServer → HTTP Server).
  for (let i = 0; i < runs.length - 1; i++) {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    if (/^\p{Lu}/u.test(a) && /^\p{Ll}/u.test(b)) {
      runs[i + 1] = a.slice(-1) + b;
      runs[i] = a.slice(0, -1);
    }
  }
  return runs
    .filter((r) => r.length)
    .join(' ')
    .toLowerCase();
}

/** `main@sha1:<hex>`, `sha1:<hex>`, `main/<hex>` or `<hex>` → the commit hash. */
export function commitOf(revision: string): string {
  const m = /(?:^|[@:/])([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision);
  if (!m) throw new ProviderConfigError(`failed to extract commit hash from '${revision}' revision`);
  return m[1]!;
}

/** `https://github.com/org/repo(.git)` → host and `org/repo`; ssh URLs become https. */
export function parseGitAddress(address: string): { host: string; id: string } {
  let u: URL;
  try {
    const scp = /^([^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(address);
    u = new URL(scp ? `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}` : address);
  } catch {
    throw new ProviderConfigError(`failed parsing URL "${address}"`);
  }
  const scheme = u.protocol === 'ssh:' ? 'https:' : u.protocol;
  return { host: `${scheme}//${u.host}`, id: u.pathname.replace(/^\/+/, '').replace(/\.git$/, '') };
}

interface Ctx {
  clock: Clock;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

async function github(p: ResolvedProvider, event: FluxEvent, status: string, sha: string, ctx: Ctx): Promise<void> {
  const token = p.token || p.basicAuth?.password;
  if (!token) throw new ProviderConfigError('github token or github app details must be specified');
  const { host, id } = parseGitAddress(p.address);
  const [owner, repo] = id.split('/');
  if (!owner || !repo) throw new ProviderConfigError(`invalid repository id "${id}"`);
  // github.com is served by api.github.com; GitHub Enterprise under <host>/api/v3.
  const base = new URL(host).host === 'github.com' ? 'https://api.github.com' : `${host}/api/v3`;
  const headers = { ...JSON_HEADERS, Accept: 'application/vnd.github.v3+json', Authorization: `Bearer ${token}` };
  const state = event.severity === 'error' ? 'failure' : 'success';
  const description = describeReason(event.reason);
  const common = { headers, clock: ctx.clock, timeoutMs: p.timeoutMs, ...(p.tls ? { tls: p.tls } : {}) };
  const listed = await postWithRetries({ ...common, method: 'GET', url: `${base}/repos/${owner}/${repo}/commits/${sha}/statuses?per_page=50`, body: '' }).catch((err: Error) => {
    throw new NotificationSendError(`could not list commit statuses: ${err.message}`);
  });
  const statuses = JSON.parse(listed || '[]') as { context?: string; state?: string; description?: string }[];
  const latest = statuses.find((s) => s.context === status);
  if (latest && latest.state === state && latest.description === description) return;
  await postWithRetries({ ...common, url: `${base}/repos/${owner}/${repo}/statuses/${sha}`, body: JSON.stringify({ state, description, context: status }) }).catch((err: Error) => {
    throw new NotificationSendError(`could not create commit status: ${err.message}`);
  });
}

async function gitlab(p: ResolvedProvider, event: FluxEvent, status: string, sha: string, ctx: Ctx): Promise<void> {
  const token = p.token || p.basicAuth?.password;
  if (!token) throw new ProviderConfigError('gitlab token cannot be empty');
  const { host, id } = parseGitAddress(p.address);
  const base = `${host}/api/v4/projects/${encodeURIComponent(id)}`;
  const headers = { ...JSON_HEADERS, 'PRIVATE-TOKEN': token };
  const state = event.severity === 'error' ? 'failed' : 'success';
  const description = describeReason(event.reason);
  const common = { headers, clock: ctx.clock, timeoutMs: p.timeoutMs, ...(p.tls ? { tls: p.tls } : {}) };
  const listed = await postWithRetries({ ...common, method: 'GET', url: `${base}/repository/commits/${sha}/statuses?name=${encodeURIComponent(status)}`, body: '' }).catch((err: Error) => {
    throw new NotificationSendError(`unable to list commit status: ${err.message}`);
  });
  const statuses = JSON.parse(listed || '[]') as { sha?: string; status?: string; name?: string; description?: string }[];
  const same = statuses.find((s) => s.sha === sha);
  if (same && same.status === state && same.description === description && same.name === status) return;
  await postWithRetries({ ...common, url: `${base}/statuses/${sha}`, body: JSON.stringify({ state, name: status, description }) });
}

/**
 * Sets the commit status for an event (the revision in `metadata.revision`); `Progressing`
 * events are skipped, as Flux skips them.
 */
export async function sendCommitStatus(p: ResolvedProvider, event: FluxEvent, ctx: Ctx): Promise<void> {
  if (event.reason === 'Progressing') return;
  if (!p.uid) throw new ProviderConfigError('the provider has no uid to name the commit status with');
  const revision = event.metadata?.revision;
  if (!revision) throw new ProviderConfigError('missing revision metadata');
  const sha = commitOf(revision);
  const status = defaultCommitStatus(p.uid, event);
  if (p.type === 'github') return github(p, event, status, sha, ctx);
  if (p.type === 'gitlab') return gitlab(p, event, status, sha, ctx);
  throw new ProviderConfigError(`provider type ${p.type} is not supported by fluxion`);
}
