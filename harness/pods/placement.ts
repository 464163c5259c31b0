import { UsageError } from '../errors.ts';

/**
 * Where each pod goes, as a scheduler without constraints would do it: a pod that already
 * runs stays where it is, a pod with nodeName goes there, and every other pod goes to the
 * worker with the fewest pods (the first such worker in order), so pods spread evenly.
 */
export function placePods(
  pods: Array<{ name: string; nodeName?: string }>,
  nodes: Array<{ name: string; role: string }>,
  running: Map<string, string>,
): Map<string, string> {
  const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.name);
  const load = new Map(workers.map((w) => [w, 0]));
  for (const node of running.values()) if (load.has(node)) load.set(node, load.get(node)! + 1);
  const placed = new Map<string, string>();
  // Fixed places first, so that spreading counts them.
  for (const p of pods) {
    const at = running.get(p.name) ?? p.nodeName;
    if (at === undefined) continue;
    if (!nodes.some((n) => n.name === at)) {
      throw new UsageError(`pod ${p.name}: nodeName ${JSON.stringify(at)} is not a node of this cluster (${nodes.map((n) => n.name).join(', ')})`);
    }
    placed.set(p.name, at);
    if (!running.has(p.name) && load.has(at)) load.set(at, load.get(at)! + 1);
  }
  for (const p of pods) {
    if (placed.has(p.name)) continue;
    if (workers.length === 0) throw new UsageError(`pod ${p.name}: the cluster has no worker to place it on`);
    const least = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
    placed.set(p.name, least);
    load.set(least, load.get(least)! + 1);
  }
  return placed;
}
