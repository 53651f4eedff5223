/**
 * Template functions as Helm 3.17 provides them: Sprig v3.3.0's generic function map (minus `env`
 * and `expandenv`) and Helm's own functions, which win on name clashes. Values follow the model of
 * `../template/values.ts` (bigint = Go int, number = float64, null = nil…).
 *
 * Differences from Go worth knowing: `keys` and `values` return map entries in sorted key order
 * (Go's order is random); random functions use the injected `random` (seedable in tests).
 */
import type { FuncMap } from '../template/values.js';
import { collectionFuncs } from './collections.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { argString, arity } from './go.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { SIGNATURES } from './signatures.js';
import { goFunc } from '../template/signature.js';
import { encodingFuncs } from './encoding.js';
import { helmFuncs, type HelmFuncContext } from './helm.js';
import { mathFuncs } from './math.js';
import { stringFuncs } from './strings.js';

export type { HelmFuncContext } from './helm.js';
export { Certificate } from './crypto.js';
export { SemverVersion } from './semver.js';
export { GoTime, GoMonth, GoWeekday } from './time.js';
export { helmFuncs, warnWrap, unwrapWarning, WARN_START, WARN_END } from './helm.js';

export interface SprigOptions {
  /** Uniform random numbers in [0, 1); defaults to Math.random. Inject a seeded source in tests. */
  random?: () => number;
  /** The current time; defaults to `new Date()`. */
  now?: () => Date;
}

/** Declares each function's Go parameter types for the template engine. */
function typed(funcs: FuncMap): FuncMap {
  for (const [name, fn] of Object.entries(funcs)) {
    const sig = SIGNATURES[name];
    if (sig) goFunc(sig, fn);
  }
  return funcs;
}

/** Sprig's GenericFuncMap without `env` and `expandenv` (Helm removes them). */
export function sprigFuncs(options: SprigOptions = {}): FuncMap {
  return typed(untypedSprigFuncs(options));
}

function untypedSprigFuncs(options: SprigOptions): FuncMap {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  return {
    ...stringFuncs(random),
    ...collectionFuncs(),
    ...mathFuncs(random),
    ...encodingFuncs(random),
    ...regexFuncs(),
    ...semverFuncs(),
    ...dateFuncs(now),
    ...cryptoFuncs(random),
    fail: (...a) => {
      arity(a, 'fail', 1);
      throw new Error(argString(a[0], 'fail'));
    },
  };
}

/** Sprig and Helm functions together, Helm's winning (as in Helm's engine). */
export function funcMap(ctx: HelmFuncContext, options: SprigOptions = {}): FuncMap {
  return { ...sprigFuncs(options), ...typed(helmFuncs(ctx)) };
}
