import { POD_OPTIONS, selectRuntime } from '../../pods/select-runtime.ts';
import type { Command } from '../command.ts';
import { readManifestFile } from './apply.ts';

export const deletePods: Command = {
  name: 'delete',
  summary: 'remove the pods of -f FILE (kubectl delete); the runtime calls the plugin\'s DEL',
  options: { ...POD_OPTIONS, filename: { type: 'string', short: 'f' }, 'ignore-not-found': { type: 'boolean' } },
  async run(values) {
    const pods = await readManifestFile(values.filename, 'delete');
    const results = await (await selectRuntime(values)).delete(pods.map((p) => p.name));
    let missing = 0;
    for (const r of results) {
      if (r.deleted) console.log(`pod "${r.name}" deleted from ${r.node} (${(r.ms / 1000).toFixed(2)}s)`);
      else if (!values['ignore-not-found']) {
        missing++;
        console.error(`pods "${r.name}" not found`);
      }
    }
    return missing > 0 ? 1 : 0;
  },
};
