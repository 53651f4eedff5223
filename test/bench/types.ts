/** The contract every `test/bench/*.bench.ts` file follows: a default export of `Benchmark`. */

export interface BenchFigure {
  /** What was measured, e.g. "memory per idle supervised actor". */
  name: string;
  value: number;
  unit: string;
  /** A target from an issue, e.g. "<= 20 KiB". Shown beside the figure. */
  target?: string;
  /** The same measurement for a peer (git CLI, kubectl kustomize, helm…), same unit. */
  peer?: { name: string; value: number };
  /** Free text: the workload, caveats. */
  note?: string;
}

export interface Benchmark {
  /** Section title in docs/benchmarks.md. */
  title: string;
  /** Run the benchmark; return its figures. May take a while; never runs in CI. */
  run(): Promise<BenchFigure[]>;
}
