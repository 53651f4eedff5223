/**
 * Registry credentials as Flux's OCI clients find them (source-controller's OCIRepository,
 * image-reflector-controller's ImageRepository): `kubernetes.io/dockerconfigjson` Secrets — from
 * `secretRef` and the `imagePullSecrets` of `serviceAccountName` — searched for the registry's
 * host, and TLS material from `certSecretRef` (`ca.crt`, `tls.crt` with `tls.key`).
 */
import type { HttpCredentials } from '../sources/helm/http.js';
import { dockerConfigCredentials } from '../sources/oci/registry.js';
import type { EffectContext } from './controller.js';

export interface RegistryAuthSpec {
  secretRef?: { name: string };
  serviceAccountName?: string;
  certSecretRef?: { name: string };
}

export interface RegistryCredentialOptions {
  /** Also read the ServiceAccount's pull secrets when `secretRef` is set (ImageRepository does; OCIRepository does not). */
  serviceAccountWithSecret: boolean;
  /** The kind's error for a problem: `missing` when a Secret or ServiceAccount does not exist (yet). */
  fail: (message: string, missing: boolean) => Error;
}

async function secretValues(ctx: EffectContext, namespace: string, name: string, fail: RegistryCredentialOptions['fail']): Promise<Record<string, string>> {
  const secret = await ctx.cluster.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
  if (!secret) throw fail(`secret '${namespace}/${name}' not found`, true);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) out[k] = v;
  return out;
}

export async function registryCredentials(ctx: EffectContext, namespace: string, host: string, spec: RegistryAuthSpec, options: RegistryCredentialOptions): Promise<HttpCredentials | undefined> {
  const { fail } = options;
  const pullSecrets: string[] = [];
  if (spec.secretRef) pullSecrets.push(spec.secretRef.name);
  if (spec.serviceAccountName && (!spec.secretRef || options.serviceAccountWithSecret)) {
    const sa = await ctx.cluster.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: spec.serviceAccountName, namespace });
    if (!sa) throw fail(`serviceaccount '${namespace}/${spec.serviceAccountName}' not found`, true);
    for (const s of (sa.imagePullSecrets as { name?: string }[] | undefined) ?? []) if (s.name) pullSecrets.push(s.name);
  }
  const creds: HttpCredentials = {};
  for (const name of pullSecrets) {
    const data = await secretValues(ctx, namespace, name, fail);
    const config = data['.dockerconfigjson'] ?? data['.dockercfg'];
    if (config === undefined) throw fail(`secret '${namespace}/${name}': no .dockerconfigjson key (create it with kubectl create secret docker-registry)`, false);
    let found: { username: string; password: string } | undefined;
    try {
      // The legacy .dockercfg is the `auths` map itself.
      found = dockerConfigCredentials(data['.dockerconfigjson'] !== undefined ? config : JSON.stringify({ auths: JSON.parse(config) as unknown }), host);
    } catch (err) {
      throw fail(`secret '${namespace}/${name}': ${(err as Error).message}`, false);
    }
    if (found) {
      Object.assign(creds, found);
      break;
    }
  }
  if (spec.certSecretRef) {
    const data = await secretValues(ctx, namespace, spec.certSecretRef.name, fail);
    if ((data['tls.crt'] === undefined) !== (data['tls.key'] === undefined)) throw fail(`secret '${namespace}/${spec.certSecretRef.name}': tls.crt and tls.key go together`, false);
    if (data['ca.crt'] !== undefined) creds.ca = data['ca.crt'];
    if (data['tls.crt'] !== undefined) creds.cert = data['tls.crt'];
    if (data['tls.key'] !== undefined) creds.key = data['tls.key'];
  }
  return Object.keys(creds).length ? creds : undefined;
}
