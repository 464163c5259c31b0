import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;

export type OptionValues = Record<string, string | boolean | undefined>;

/** Parses the options of one command, quoting the bad value on any mistake. */
export function parseOptions(command: string, spec: OptionSpec, args: string[]): OptionValues {
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(positionals[0])}`);
    return values as OptionValues;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** The positional arguments of a command: those among the options, and everything after `--`. */
export interface CommandArgs {
  positionals: string[];
  /** The words after the first `--`, untouched (exec's command line). */
  after: string[];
}

/** Like parseOptions, for commands that take positional arguments (`exec POD -- CMD...`). */
export function parseCommandArgs(command: string, spec: OptionSpec, args: string[]): { values: OptionValues } & CommandArgs {
  const cut = args.indexOf('--');
  const before = cut < 0 ? args : args.slice(0, cut);
  try {
    const { values, positionals } = parseArgs({ args: before, options: spec, strict: true, allowPositionals: true });
    return { values: values as OptionValues, positionals, after: cut < 0 ? [] : args.slice(cut + 1) };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** A whole number option, e.g. --workers 10. */
export function intOption(name: string, value: string | boolean | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new UsageError(`--${name} ${JSON.stringify(value)}: expected a whole number`);
  }
  return Number(value);
}

export function stringOption(value: string | boolean | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
