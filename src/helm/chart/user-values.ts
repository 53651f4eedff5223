/**
 * User values as `helm template/install` merges them (pkg/cli/values): every `-f` file in order
 * (maps merged, later wins), then every `--set`, then every `--set-string`, whatever their
 * order on the command line.
 */
import type { GoMap } from '../template/values.js';
import { mergeMaps } from './coalesce.js';
import { HelmError } from './errors.js';
import { parseSetInto } from './strvals.js';
import { readValues } from './yaml.js';

export interface ValueSources {
  /** Contents of `-f` files, with the name used in errors. */
  files?: { name: string; text: string }[];
  set?: string[];
  setString?: string[];
}

export function mergeUserValues(src: ValueSources): GoMap {
  let base: GoMap = {};
  for (const f of src.files ?? []) {
    let cur: GoMap;
    try {
      cur = readValues(f.text, f.name);
    } catch (e) {
      throw new HelmError(`failed to parse ${f.name}: ${(e as Error).message.replace(`${f.name}: `, '')}`, { cause: e });
    }
    base = mergeMaps(base, cur);
  }
  for (const expr of src.set ?? []) {
    try {
      parseSetInto(expr, base, false);
    } catch (e) {
      throw new HelmError(`failed parsing --set data: ${(e as Error).message}`, { cause: e });
    }
  }
  for (const expr of src.setString ?? []) {
    try {
      parseSetInto(expr, base, true);
    } catch (e) {
      throw new HelmError(`failed parsing --set-string data: ${(e as Error).message}`, { cause: e });
    }
  }
  return base;
}
