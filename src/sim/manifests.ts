/** Reading manifests for `fluxion sim`: files and directories of multi-document YAML. */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta.js';

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Every object in the given files and directories (recursively, `.yaml`/`.yml`, sorted by path). */
export async function readManifests(paths: readonly string[]): Promise<KubeObject[]> {
  const files: string[] = [];
  const visit = async (p: string): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (!s) throw new ManifestError(`${p}: no such file or directory`);
    if (s.isDirectory()) {
      for (const e of (await readdir(p)).sort()) {
        if (e.startsWith('.')) continue;
        const child = path.join(p, e);
        const cs = await stat(child);
        if (cs.isDirectory() || /\.ya?ml$/.test(e)) await visit(child);
      }
    } else files.push(p);
  };
  for (const p of paths) await visit(p);
  const out: KubeObject[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(await readFile(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new ManifestError(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const obj = doc.toJS() as KubeObject | null;
      if (!obj) continue;
      if (typeof obj !== 'object' || !obj.apiVersion || !obj.kind || !obj.metadata?.name) {
        throw new ManifestError(`${file}: every document needs apiVersion, kind and metadata.name`);
      }
      out.push(obj);
    }
  }
  return out;
}
