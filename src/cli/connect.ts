/**
 * Connects the CLI (and `fluxion controller`) to a Kubernetes API server: finds the
 * configuration as Flux's controllers do (`--kubeconfig`, `KUBECONFIG`, in-cluster service
 * account, `~/.kube/config`), picks the context, and returns a KubeCluster with Flux's
 * client-side rate limits (`--kube-api-qps` 50, `--kube-api-burst` 100) unless told otherwise.
 */
import type { Clock } from '../api/clock.js';
import { KubeCluster, loadKubeConfig } from '../cluster/kube/index.js';

export interface ConnectOptions {
  /** Kubeconfig file (`--kubeconfig`). */
  kubeconfig?: string;
  /** Context (`--context`); default the file's current-context. */
  context?: string;
  /** `--kube-api-qps`; `<= 0` disables client-side limiting. */
  qps?: number;
  /** `--kube-api-burst`. */
  burst?: number;
  /** Environment (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_*`). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** In-cluster service account mount (default `/var/run/secrets/kubernetes.io/serviceaccount`). */
  serviceAccountDir?: string;
  clock?: Clock;
}

/** Rejects with a `KubeConfigError` naming the file and the problem when the configuration is unusable. */
export async function connectCluster(options: ConnectOptions = {}): Promise<KubeCluster> {
  const { kubeConfig } = loadKubeConfig({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.serviceAccountDir ? { serviceAccountDir: options.serviceAccountDir } : {}),
  });
  return new KubeCluster({
    kubeConfig,
    ...(options.qps !== undefined ? { qps: options.qps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
