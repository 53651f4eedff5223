/**
 * How the artifact commands reach a registry, as the `flux` CLI does through go-containerregistry:
 * `oci://HOST/REPO[:TAG|@DIGEST]` references (tag `latest` when none is given), credentials from
 * `--creds` or the Docker config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`),
 * plain HTTP with `--insecure-registry`, and — like go-containerregistry — a fallback to plain
 * HTTP for loopback and private-network registries when TLS fails.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpCredentials } from '../../sources/helm/http.js';
import { OciError, RegistryClient, RegistryStatusError, dockerConfigCredentials, parseOciUrl } from '../../sources/oci/registry.js';
import type { OciRepositoryRef } from '../../sources/oci/registry.js';
import { CommandError } from './command.js';
import type { CommandContext } from './command.js';
import type { FlagSpec } from '../flags.js';

export const OCI_PROVIDERS = ['generic', 'aws', 'azure', 'gcp'] as const;

/** An artifact (or repository) reference from the command line. */
export interface ArtifactRef {
  repository: OciRepositoryRef;
  /** `HOST/REPO`, as go-containerregistry names the repository. */
  name: string;
  tag?: string;
  digest?: string;
  /** The URL without `oci://`, as flux prints it (`HOST/REPO:TAG`). */
  address: string;
}

export const URL_FORMAT = "URL must be in format 'oci://<domain>/<org>/<repo>'";

/**
 * Parses `oci://HOST/REPO[:TAG][@DIGEST]`. A repository reference (`list artifacts`) refuses a
 * tag or digest, as go-containerregistry's `NewRepository` does.
 */
export function parseArtifactUrl(url: string, options: { repositoryOnly?: boolean } = {}): ArtifactRef {
  if (!url.startsWith('oci://')) throw new CommandError(URL_FORMAT);
  const address = url.slice('oci://'.length);
  let rest = address;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new CommandError(`'${url}' invalid URL: digest '${digest}' must be sha256:<64 hex digits>`);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.indexOf('/') && rest.indexOf('/') >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new CommandError(`'${url}' invalid URL: tag '${tag}' must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  }
  if (options.repositoryOnly && (tag !== undefined || digest !== undefined)) throw new CommandError(`'${url}' invalid URL: a repository URL must not contain a tag or digest`);
  let repository: OciRepositoryRef;
  try {
    repository = parseOciUrl(`oci://${rest}`);
  } catch (err) {
    throw new CommandError(`'${url}' invalid URL: ${(err as Error).message}`);
  }
  return { repository, name: `${repository.host}/${repository.repository}`, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), address };
}

/** The flags every artifact command shares. */
export const registryFlags: Record<string, FlagSpec> = {
  creds: { type: 'string', help: 'credentials for OCI registry in the format <username>[:<password>] if --provider is generic' },
  provider: { type: 'string', default: 'generic', help: `the OCI provider name, available options are: (${OCI_PROVIDERS.join(', ')})` },
  timeout: { type: 'duration', default: '5m0s', help: 'timeout for this operation' },
};

export interface RegistryAccess {
  insecure: boolean;
  credentials?: HttpCredentials;
  timeoutMs: number;
}

/** `--provider`: every flux provider is accepted as a value, but fluxion logs in with static credentials only. */
function checkProvider(ctx: CommandContext): void {
  const provider = String(ctx.flags.provider ?? 'generic');
  if (!(OCI_PROVIDERS as readonly string[]).includes(provider)) throw new CommandError(`invalid argument "${provider}" for "--provider" flag: source OCI provider '${provider}' is not supported, must be one of: ${OCI_PROVIDERS.join(', ')}`);
  if (provider !== 'generic') throw new CommandError(`error during login with provider: fluxion has no ${provider} login; use --creds or a Docker config`);
}

/** `--creds user:password`, else the Docker config's entry for the host, else anonymous. */
async function credentialsFor(ctx: CommandContext, host: string): Promise<HttpCredentials | undefined> {
  const creds = String(ctx.flags.creds ?? '');
  if (creds) {
    ctx.log.action('logging in to registry with credentials');
    const i = creds.indexOf(':');
    // go-containerregistry takes a lone value as a registry token; the registry client speaks basic auth only.
    if (i < 0) throw new CommandError('could not login with credentials: a registry token without a username is not supported, use <username>:<password>');
    return { username: creds.slice(0, i), password: creds.slice(i + 1) };
  }
  const env = ctx.io.env;
  const dir = env.DOCKER_CONFIG || (env.HOME ? path.join(env.HOME, '.docker') : undefined);
  if (!dir) return undefined;
  let config: string;
  try {
    config = await readFile(path.join(dir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return dockerConfigCredentials(config, host);
  } catch (err) {
    throw new CommandError(`reading ${path.join(dir, 'config.json')} failed: ${(err as Error).message}`);
  }
}

/** Provider, credentials and transport settings for `host`, logging as flux does. */
export async function registryAccess(ctx: CommandContext, host: string): Promise<RegistryAccess> {
  checkProvider(ctx);
  const credentials = await credentialsFor(ctx, host);
  return { insecure: ctx.flags['insecure-registry'] === true, timeoutMs: Number(ctx.flags.timeout ?? 300_000), ...(credentials ? { credentials } : {}) };
}

/** go-containerregistry's `Registry.Scheme()` hosts: localhost, loopback and RFC 1918 addresses may be plain HTTP. */
export function mayBePlainHttp(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^10\.\d+\.\d+\.\d+$/.test(h) || /^192\.168\.\d+\.\d+$/.test(h) || /^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(h);
}

/** A TLS handshake with a plain-HTTP server fails with one of these. */
function tlsMismatch(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OciError) return false;
    if (/^(EPROTO|ECONNRESET|ERR_SSL_)/.test((e as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}

/**
 * Runs `work` with a client of the repository: over plain HTTP with `--insecure-registry`, else
 * over HTTPS, falling back to plain HTTP when TLS fails against a host that may serve it.
 * `work` should only talk to the registry: it may run twice.
 */
export async function withRegistry<T>(repository: OciRepositoryRef, access: RegistryAccess, work: (client: RegistryClient) => Promise<T>): Promise<T> {
  const client = (scheme: 'http' | 'https'): RegistryClient =>
    new RegistryClient({ ...repository, base: `${scheme}://${repository.host}` }, { timeoutMs: access.timeoutMs, ...(access.credentials ? { credentials: access.credentials } : {}) });
  if (access.insecure || plainHosts.has(repository.host)) return work(client('http'));
  try {
    return await work(client('https'));
  } catch (err) {
    if (!mayBePlainHttp(repository.host) || !tlsMismatch(err)) throw err;
    const result = await work(client('http'));
    plainHosts.add(repository.host);
    return result;
  }
}

/** Hosts found to speak plain HTTP, so that one command does not retry TLS for each request. */
const plainHosts = new Set<string>();

/** A registry refusal without credentials says how to give some. */
export function registryErrorMessage(err: unknown, access: RegistryAccess | undefined): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RegistryStatusError && (err.status === 401 || err.status === 403) && !access?.credentials) return `${message} (no credentials were given: use --creds <username>:<password> or docker login)`;
  return message;
}
