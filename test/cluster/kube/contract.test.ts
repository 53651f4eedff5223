/**
 * The Cluster contract, run by KubeCluster (client-node, real HTTP) against a MemoryCluster
 * served as a Kubernetes API on 127.0.0.1 — the client path fluxion uses in a real cluster,
 * exercised in every run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../src/api/clock.js';
import { connectCluster } from '../../../src/cli/connect.js';
import { serveCluster } from '../../../src/cluster/http/index.js';
import { MemoryCluster } from '../../../src/cluster/memory/index.js';
import { runClusterContract } from '../contract.js';

runClusterContract({
  name: 'KubeCluster against the served simulator',
  newCluster: async () => {
    const clock = new ManualClock();
    const served = await serveCluster(new MemoryCluster({ clock }), { port: 0 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-kube-contract-'));
    const file = path.join(dir, 'kubeconfig');
    await served.writeKubeconfig(file);
    // Rate limiting off: the contract is about behaviour, and the system clock would pace it.
    const cluster = await connectCluster({ kubeconfig: file, env: {}, qps: 0 });
    return {
      cluster,
      clock,
      close: async () => {
        await served.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
