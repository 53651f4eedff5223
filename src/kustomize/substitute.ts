/**
 * kustomize-controller's post-build variable substitution (`spec.postBuild`), applied to each
 * built object unless it is annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`:
 * `${var}`, `${var:=default}`, `${var:-default}`, `${var=default}`, `${var-default}`, and `$${var}` as an
 * escape for a literal `${var}`. An undefined variable without a default becomes the empty
 * string, as in Flux. Values are substituted into the YAML text and the result parsed again, so a
 * substitution can produce numbers and booleans.
 */
import { parse, stringify } from 'yaml';

export class SubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

const VAR = /\$\$\{|\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^}]*))?\}/g;

/** Substitutes variables in a string. */
export function substituteText(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(VAR, (match, name: string | undefined, op: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const key = name as string;
    const has = Object.prototype.hasOwnProperty.call(vars, key);
    const value = has ? (vars[key] as string) : undefined;
    if (op === ':=' || op === ':-') return value !== undefined && value !== '' ? value : (fallback ?? '');
    if (op === '=' || op === '-') return value !== undefined ? value : (fallback ?? '');
    return value ?? '';
  });
}

/** Substitutes variables throughout an object; returns a new object. */
export function substituteObject<T>(obj: T, vars: Readonly<Record<string, string>>, where: string): T {
  const text = stringify(obj, { lineWidth: 0 });
  if (!text.includes('${')) return obj;
  const replaced = substituteText(text, vars);
  try {
    return parse(replaced) as T;
  } catch (err) {
    throw new SubstitutionError(`${where}: the object is not valid YAML after variable substitution: ${(err as Error).message}`);
  }
}
