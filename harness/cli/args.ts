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
