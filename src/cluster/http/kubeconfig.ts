/** The kubeconfig a client needs to reach a served cluster: plain HTTP, any bearer token. */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  namespace?: string;
  user?: string;
}

export function kubeconfigYaml(url: string, options: KubeconfigOptions = {}): string {
  const user = options.user ?? 'fluxion';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fluxion', cluster: { server: url } }],
    contexts: [{ name: 'fluxion', context: { cluster: 'fluxion', user, namespace: options.namespace ?? 'default' } }],
    'current-context': 'fluxion',
    preferences: {},
    // Any token is accepted; the user name only labels the context.
    users: [{ name: user, user: { token: `fluxion-${user}` } }],
  });
}
