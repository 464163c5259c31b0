import type { OptionSpec, OptionValues } from './args.ts';

/** One CLI command, one file: `cluster up`, later `plugin install`, `apply`, `get pods`, `exec`. */
export interface Command {
  /** The words that select it, e.g. "cluster up". */
  name: string;
  summary: string;
  options: OptionSpec;
  /** Runs the command and returns the process exit code. */
  run(values: OptionValues): Promise<number>;
}

/** Options every cluster command understands. */
export const CLUSTER_OPTIONS: OptionSpec = {
  name: { type: 'string' },
  state: { type: 'string' },
  provider: { type: 'string' },
};
