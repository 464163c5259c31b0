import type { CommandArgs, OptionSpec, OptionValues } from './args.ts';

/** One CLI command, one file: `cluster up`, later `plugin install`, `apply`, `get pods`, `exec`. */
export interface Command {
  /** The words that select it, e.g. "cluster up". */
  name: string;
  summary: string;
  options: OptionSpec;
  /** Positional arguments, for the usage line (e.g. "POD -- COMMAND..."); commands without it take none. */
  args?: string;
  /** Runs the command and returns the process exit code. */
  run(values: OptionValues, args: CommandArgs): Promise<number>;
}

/** Options every cluster command understands. */
export const CLUSTER_OPTIONS: OptionSpec = {
  name: { type: 'string' },
  state: { type: 'string' },
  provider: { type: 'string' },
};
