/**
 * Renders many template snippets with the real `helm template` (3.17.2) in one invocation: each
 * snippet becomes a named template, included and base64-encoded into one YAML document, so any
 * output (even invalid YAML) survives. A snippet that fails makes the whole render fail, so batch
 * only snippets expected to succeed; use `renderError` for failures.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { oracles } from '../../helpers/oracles.js';
import { fromUtf8 } from '../../../src/helm/funcs/unicode.js';

const run = promisify(execFile);

async function helmTemplate(files: Record<string, string>, values: unknown): Promise<{ stdout: string; stderr: string; code: number }> {
  const { helm } = await oracles();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fluxion-sprig-'));
  try {
    const chart = path.join(dir, 'c');
    await mkdir(path.join(chart, 'templates'), { recursive: true });
    await writeFile(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
    await writeFile(path.join(chart, 'values.yaml'), JSON.stringify(values ?? {}));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(chart, 'templates', name), text);
    const env = { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data'), KUBECONFIG: '/dev/null' };
    try {
      const r = await run(helm, ['template', 'r', chart], { env, maxBuffer: 1 << 28 });
      return { stdout: r.stdout, stderr: r.stderr, code: 0 };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; code?: number };
      return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Renders each template text; returns the rendered strings in order. `values` become `.Values`. */
export async function renderWithHelm(templates: string[], values?: unknown): Promise<string[]> {
  const defs = templates.map((t, i) => `{{- define "case${i}" -}}${t}{{- end -}}\n`).join('');
  const body = templates.map((_, i) => `c${i}: {{ include "case${i}" . | b64enc | quote }}\n`).join('');
  const r = await helmTemplate({ '_cases.tpl': defs, 't.yaml': body }, values);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  const doc = r.stdout.replace(/^---\n# Source: [^\n]*\n/, '');
  const out = parse(doc) as Record<string, string>;
  // Go output is bytes: decode like our string model does (invalid UTF-8 kept as escaped bytes).
  return templates.map((_, i) => fromUtf8(Buffer.from(out[`c${i}`] ?? '', 'base64')));
}

/** Renders one template expected to fail; returns helm's error message (stderr). */
export async function renderError(template: string, values?: unknown): Promise<string> {
  const r = await helmTemplate({ 't.yaml': `x: {{ include "case" . | b64enc | quote }}\n`, '_cases.tpl': `{{- define "case" -}}${template}{{- end -}}` }, values);
  if (r.code === 0) throw new Error(`expected helm to fail for ${template}`);
  return r.stderr.trim();
}
