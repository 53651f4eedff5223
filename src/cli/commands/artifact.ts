/**
 * `fluxion push|pull|list|tag artifact`: the `flux` CLI's OCI artifact commands. `push` packs a
 * directory (or one file) into Flux's artifact — one deterministic tar+gzip layer with the origin
 * in the manifest's annotations — `pull` extracts an artifact's first layer, `list` prints a
 * repository's tags with their digest and origin, and `tag` puts an artifact's manifest under more
 * tags. As with flux, `--ignore-paths` (default: VCS files and binary extensions) decides what is
 * packed; `.sourceignore` files are packed as they are and applied by the OCIRepository that
 * consumes the artifact.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import semver from 'semver';
import { stringify } from 'yaml';
import { isCompatibleRange } from '../../helm/chart/semver.js';
import { extractArtifact } from '../../sources/artifact/extract.js';
import type { TarFile } from '../../sources/artifact/tarball.js';
import { VCS_PATTERNS } from '../../sources/ignore.js';
import { OciAnnotations, pushArtifact } from '../../sources/oci/push.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { parseArtifactUrl, registryAccess, registryErrorMessage, registryFlags, withRegistry } from '../output/oci-access.js';
import type { RegistryAccess } from '../output/oci-access.js';
import { renderTable } from '../output/table.js';

/** fluxcd/pkg/sourceignore's ExcludeExt: with the VCS patterns, flux's default `--ignore-paths`. */
const EXCLUDE_EXT = ['*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip'];
export const DEFAULT_ARTIFACT_IGNORE = [...VCS_PATTERNS, ...EXCLUDE_EXT];

/** The `artifact` word after the verb (flux's sub-command). */
function subcommand(ctx: CommandContext, verb: string, words: readonly string[]): string[] {
  const [word, ...rest] = ctx.args;
  if (!word || !words.includes(word)) throw new CommandError(word ? `unknown command "${word}" for "fluxion ${verb}": use ${words[0]}` : `a sub-command is required: fluxion ${verb} ${words[0]}`);
  return rest;
}

/** Runs registry work, reporting failures as flux words them (`<prefix>: <cause>`). */
async function registryStep<T>(access: RegistryAccess, prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError(`${prefix}${registryErrorMessage(err, access)}`, { cause: err });
  }
}

/**
 * The files `flux push artifact` packs from `target` (a directory, or one file): regular files
 * not matched by `patterns` (gitignore syntax, relative to the directory). Symlinks are skipped,
 * as flux skips them without `--resolve-symlinks`.
 */
export async function artifactFiles(target: string, patterns: readonly string[]): Promise<TarFile[]> {
  const matcher = ignore({ allowRelativePaths: true }).add([...patterns]);
  const info = await stat(target);
  const file = async (abs: string, rel: string): Promise<TarFile> => {
    const s = await stat(abs);
    return { path: rel, content: await readFile(abs), ...((s.mode & 0o111) !== 0 ? { executable: true } : {}) };
  };
  if (!info.isDirectory()) return matcher.ignores(path.basename(target)) ? [] : [await file(target, path.basename(target))];
  const out: TarFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!matcher.ignores(`${r}/`)) await walk(path.join(dir, e.name), r);
      } else if (e.isFile() && !matcher.ignores(r)) out.push(await file(path.join(dir, e.name), r));
    }
  };
  await walk(target, '');
  return out;
}

/** `--annotations key=value`, split as flux splits them (exactly one `=`). */
function annotationsOf(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const kv = a.split('=');
    if (kv.length !== 2) throw new CommandError(`invalid annotation ${a}, must be in the format key=value`);
    out[kv[0]!] = kv[1]!;
  }
  return out;
}

/** RFC 3339 to the second, as Go's `time.RFC3339` formats a UTC time. */
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const insecureFlag = (what: string) => ({ 'insecure-registry': { type: 'bool' as const, help: `allows artifacts to be ${what} without TLS` } });

export const pushCommand = defineCommand({
  name: 'push',
  summary: 'Push artifacts',
  description: `Packs a directory (or one file) into a Flux artifact — one tar+gzip layer, with --source and
--revision recorded as OCI annotations — and pushes it to the given tag. Registry credentials come
from --creds, else from the Docker config (~/.docker/config.json or $DOCKER_CONFIG).`,
  usageLine: 'fluxion push artifact oci://HOST/REPO:TAG --path=DIR|FILE --source=URL --revision=REV [flags]',
  examples: `  # Publish ./deploy, tagged with the current commit
  fluxion push artifact oci://registry.example.com/team/app:$(git rev-parse --short HEAD) \\
    --path=./deploy --source="$(git remote get-url origin)" \\
    --revision="$(git branch --show-current)@sha1:$(git rev-parse HEAD)"

  # To a plain-HTTP registry on this machine, with an extra annotation, digest printed as JSON
  fluxion push artifact oci://localhost:5000/app:v1 --path=./deploy --source=https://github.com/org/app \\
    --revision=main@sha1:0123456789abcdef0123456789abcdef01234567 --insecure-registry \\
    --annotations='org.opencontainers.image.licenses=Apache-2.0' --output json`,
  offline: true,
  flags: {
    path: { type: 'string', short: 'f', help: 'path to the directory where the Kubernetes manifests are located' },
    source: { type: 'string', help: 'the source address, e.g. the Git URL' },
    revision: { type: 'string', help: "the source revision in the format '<branch|tag>@sha1:<commit-sha>'" },
    ...registryFlags,
    'ignore-paths': { type: 'strings', default: DEFAULT_ARTIFACT_IGNORE, help: 'set paths to ignore in .gitignore format' },
    'add-ignore-paths': { type: 'strings', help: 'additional paths to ignore in .gitignore format (appended to --ignore-paths)' },
    annotations: { type: 'stringArray', short: 'a', help: "Set custom OCI annotations in the format '<key>=<value>'" },
    output: { type: 'string', short: 'o', help: "the format in which the artifact digest should be printed, can be 'json' or 'yaml'" },
    reproducible: { type: 'bool', help: "ensure reproducible image digests by setting the created timestamp to '1970-01-01T00:00:00Z'" },
    ...insecureFlag('pushed'),
  },
  async run(ctx) {
    const [url] = subcommand(ctx, 'push', ['artifact']);
    if (!url) throw new CommandError('artifact URL is required');
    const f = (k: string): string => String(ctx.flags[k] ?? '');
    if (!f('source')) throw new CommandError('--source is required');
    if (!f('revision')) throw new CommandError('--revision is required');
    if (!f('path')) throw new CommandError(`invalid path ""`);
    const output = f('output');
    if (output && output !== 'json' && output !== 'yaml') throw new CommandError(`invalid output format '${output}', can be 'json' or 'yaml'`);
    const ref = parseArtifactUrl(url);
    if (ref.digest) throw new CommandError(`'${url}' invalid URL: an artifact is pushed to a tag, not a digest`);
    const tag = ref.tag ?? 'latest';
    const target = path.resolve(ctx.io.cwd, f('path'));
    try {
      await stat(target);
    } catch {
      throw new CommandError(`invalid path '${f('path')}', must point to an existing directory or file: stat ${f('path')}: no such file or directory`);
    }
    const annotations = annotationsOf((ctx.flags.annotations as string[] | undefined) ?? []);
    const access = await registryAccess(ctx, ref.repository.host);
    if (!output) ctx.log.action(`pushing artifact to ${ref.address}`);
    const patterns = [...((ctx.flags['ignore-paths'] as string[] | undefined) ?? []), ...((ctx.flags['add-ignore-paths'] as string[] | undefined) ?? [])];
    const files = await artifactFiles(target, patterns);
    const created = ctx.flags.reproducible === true ? '1970-01-01T00:00:00Z' : rfc3339(new Date());
    const pushed = await registryStep(access, 'pushing artifact failed: ', () =>
      withRegistry(ref.repository, access, (client) => pushArtifact(client, tag, files, { source: f('source'), revision: f('revision'), created, annotations })),
    );
    const digestUrl = `${ref.name}@${pushed.digest}`;
    const info = { url: `oci://${digestUrl}`, repository: ref.name, tag, digest: pushed.digest };
    if (output === 'json') ctx.io.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else if (output === 'yaml') ctx.io.stdout.write(stringify({ digest: info.digest, repository: info.repository, tag: info.tag, url: info.url }));
    else ctx.log.success(`artifact successfully pushed to ${digestUrl}`);
    return 0;
  },
});

export const pullCommand = defineCommand({
  name: 'pull',
  summary: 'Pull artifacts',
  description: `Downloads an artifact and unpacks its first layer into an existing directory. An archive holding
links, absolute paths or '..' entries is refused before anything is written. Credentials as for push.`,
  usageLine: 'fluxion pull artifact oci://HOST/REPO:TAG|@DIGEST --output DIR [flags]',
  examples: `  # Unpack the artifact tagged v1.2.0 into ./out
  mkdir -p out && fluxion pull artifact oci://registry.example.com/team/app:v1.2.0 --output ./out`,
  offline: true,
  flags: {
    output: { type: 'string', short: 'o', help: 'path where the artifact content should be extracted.' },
    ...registryFlags,
    ...insecureFlag('pulled'),
  },
  async run(ctx) {
    const [url] = subcommand(ctx, 'pull', ['artifact']);
    if (!url) throw new CommandError('artifact URL is required');
    const output = String(ctx.flags.output ?? '');
    if (!output) throw new CommandError('output path cannot be empty');
    const outDir = path.resolve(ctx.io.cwd, output);
    const isDir = await stat(outDir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new CommandError(`invalid output path "${output}": must be an existing directory`);
    const ref = parseArtifactUrl(url);
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const access = await registryAccess(ctx, ref.repository.host);
    ctx.log.action(`pulling artifact from ${ref.address}`);
    const { manifest, layer } = await registryStep(access, '', () =>
      withRegistry(ref.repository, access, async (client) => {
        const m = await client.manifest(reference);
        const first = m.layers[0];
        if (!first) throw new CommandError('no layers found in artifact');
        return { manifest: m, layer: await client.blob(first.digest) };
      }),
    );
    // go-containerregistry sniffs the gzip magic: anything else is a static (single file) layer.
    if (layer[0] !== 0x1f || layer[1] !== 0x8b) throw new CommandError(`the first layer of ${ref.address} is not a tar+gzip archive: fluxion extracts tarball layers only`);
    try {
      await extractArtifact(layer, outDir);
    } catch (err) {
      throw new CommandError(`extracting layer failed: ${(err as Error).message}`, { cause: err });
    }
    const source = manifest.annotations[OciAnnotations.source];
    const revision = manifest.annotations[OciAnnotations.revision];
    if (source) ctx.log.success(`source ${source}`);
    if (revision) ctx.log.success(`revision ${revision}`);
    ctx.log.success(`digest ${ref.name}@${manifest.digest}`);
    ctx.log.success(`artifact content extracted to ${output}`);
    return 0;
  },
});

/** Cosign's signature, attestation and SBOM tags, which flux leaves out of the list. */
const isCosignTag = (tag: string): boolean => ['.att', '.sbom', '.sig'].some((s) => tag.endsWith(s));

export const listCommand = defineCommand({
  name: 'list',
  summary: 'List artifacts',
  description: `Prints a repository's tags (cosign signature, attestation and SBOM tags left out), each with its
manifest digest and the source and revision it was pushed from. Credentials as for push.`,
  usageLine: 'fluxion list artifacts oci://HOST/REPO [flags]',
  examples: `  # Every tag of a repository
  fluxion list artifacts oci://registry.example.com/team/app

  # Only the 1.x versions
  fluxion list artifacts oci://registry.example.com/team/app --filter-semver '1.x'`,
  offline: true,
  flags: {
    'filter-semver': { type: 'string', help: 'filter tags returned from the oci repository using semver' },
    'filter-regex': { type: 'string', help: 'filter tags returned from the oci repository using regex' },
    ...registryFlags,
    'insecure-registry': { type: 'bool', help: 'allows the remote artifacts list to be fetched without TLS' },
  },
  async run(ctx) {
    const [url] = subcommand(ctx, 'list', ['artifacts', 'artifact']);
    if (!url) throw new CommandError('artifact repository URL is required');
    const ref = parseArtifactUrl(url, { repositoryOnly: true });
    const range = String(ctx.flags['filter-semver'] ?? '');
    if (range && !semver.validRange(range.replace(/,/g, ' ').replace(/\bv(?=\d)/g, ''))) throw new CommandError(`semver '${range}' parse error: improper constraint: ${range}`);
    let re: RegExp | undefined;
    try {
      re = ctx.flags['filter-regex'] ? new RegExp(String(ctx.flags['filter-regex'])) : undefined;
    } catch (err) {
      throw new CommandError(`regex '${String(ctx.flags['filter-regex'])}' parse error: ${(err as Error).message}`);
    }
    const access = await registryAccess(ctx, ref.repository.host);
    const rows = await registryStep(access, '', () =>
      withRegistry(ref.repository, access, async (client) => {
        let tags: string[];
        try {
          tags = await client.listTags();
        } catch (err) {
          throw new CommandError(`listing tags failed: ${registryErrorMessage(err, access)}`, { cause: err });
        }
        // flux sorts the tags in reverse string order before filtering.
        tags.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
        const out: string[][] = [];
        for (const tag of tags) {
          if (isCosignTag(tag)) continue;
          if (range) {
            const version = semver.valid(tag.replace(/^v/, ''));
            if (!version || !isCompatibleRange(range, version)) continue;
          }
          if (re && !re.test(tag)) continue;
          let m;
          try {
            m = await client.manifest(tag);
          } catch (err) {
            throw new CommandError(`fetching manifest failed: ${registryErrorMessage(err, access)}`, { cause: err });
          }
          out.push([`${ref.name}:${tag}`, m.digest, m.annotations[OciAnnotations.source] ?? '', m.annotations[OciAnnotations.revision] ?? '']);
        }
        return out;
      }),
    );
    ctx.io.stdout.write(renderTable(['artifact', 'digest', 'source', 'revision'], rows));
    return 0;
  },
});

export const tagCommand = defineCommand({
  name: 'tag',
  summary: 'Tag artifacts',
  description: `Adds tags to an artifact: its manifest is put, unchanged, under each new tag, so every tag names
the same digest. Credentials as for push.`,
  usageLine: 'fluxion tag artifact oci://HOST/REPO:TAG --tag NEW[,NEW…] [flags]',
  examples: `  # Promote v1.2.0 to stable and latest
  fluxion tag artifact oci://registry.example.com/team/app:v1.2.0 --tag stable,latest`,
  offline: true,
  flags: {
    tag: { type: 'strings', help: 'tag name' },
    ...registryFlags,
  },
  async run(ctx) {
    const [url] = subcommand(ctx, 'tag', ['artifact']);
    if (!url) throw new CommandError('artifact name is required');
    const tags = (ctx.flags.tag as string[] | undefined) ?? [];
    if (tags.length < 1) throw new CommandError('--tag is required');
    const ref = parseArtifactUrl(url);
    for (const t of tags) if (!/^[\w][\w.-]{0,127}$/.test(t)) throw new CommandError(`tagging artifact failed: invalid tag '${t}'`);
    const access = await registryAccess(ctx, ref.repository.host);
    ctx.log.action('tagging artifact');
    // crane.Tag: the source manifest, byte for byte, under each new tag (so the digest is the same).
    const m = await registryStep(access, 'tagging artifact failed: ', () => withRegistry(ref.repository, access, (client) => client.manifest(ref.digest ?? ref.tag ?? 'latest')));
    for (const t of tags) {
      await registryStep(access, 'tagging artifact failed: ', () => withRegistry(ref.repository, access, (client) => client.pushManifest(t, m.raw, m.mediaType)));
      ctx.log.success(`artifact tagged as ${ref.name}:${t}`);
    }
    return 0;
  },
});
