import { ManualClock } from '../../src/api/clock.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { runClusterContract } from './contract.js';

runClusterContract({
  name: 'MemoryCluster',
  newCluster: async () => ({ cluster: new MemoryCluster({ clock: new ManualClock() }), close: async () => undefined }),
});
