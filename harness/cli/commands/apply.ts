import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';
import { parsePodManifest } from '../../pods/pod-manifest.ts';
import { POD_OPTIONS, selectRuntime } from '../../pods/select-runtime.ts';
import type { Command } from '../command.ts';

/** Reads -f FILE, quoting it when it cannot be read. */
export async function readManifestFile(file: string | boolean | undefined, command: string) {
  if (typeof file !== 'string') throw new UsageError(`${command}: -f FILE is required (e.g. -f pods.yaml)`);
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new UsageError(`${command} -f ${file}: cannot be read (${(e as Error).message})`);
  });
  return parsePodManifest(text, file);
}

export const apply: Command = {
  name: 'apply',
  summary: 'run the pods of -f FILE (kubectl apply): placed on workers, each started by its node\'s runtime',
  options: { ...POD_OPTIONS, filename: { type: 'string', short: 'f' } },
  async run(values) {
    const pods = await readManifestFile(values.filename, 'apply');
    const runtime = await selectRuntime(values);
    const results = await runtime.apply(pods);
    for (const r of results) {
      if (r.outcome === 'failed') console.log(`pod/${r.name} failed on ${r.node}: ${r.message ?? 'unknown error'}`);
      else console.log(`pod/${r.name} ${r.outcome} on ${r.node} (${(r.ms / 1000).toFixed(2)}s)`);
    }
    return results.some((r) => r.outcome === 'failed') ? 1 : 0;
  },
};
