import { ManualClock } from '../../src/api/clock.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { runClusterContract } from './contract.js';

runClusterContract({
  name: 'MemoryCluster',
  newCluster: async () => {
    const clock = new ManualClock();
    return { cluster: new MemoryCluster({ clock }), clock, close: async () => undefined };
  },
});
