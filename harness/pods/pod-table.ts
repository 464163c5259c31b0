import type { PodInfo } from './pod-runtime.ts';

/** `get pods -o wide`: NAME, STATUS, IP, NODE, NODE_IP, then the reason of every pod that is not running. */
export function podTable(pods: PodInfo[]): string {
  const rows = [
    ['NAME', 'STATUS', 'IP', 'NODE', 'NODE_IP'],
    ...[...pods].sort((a, b) => a.name.localeCompare(b.name)).map((p) => [p.name, p.status, p.ip ?? '<none>', p.node, p.nodeIp ?? '<none>']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join(''));
  const events = pods.filter((p) => p.message).map((p) => `  ${p.name}: ${p.message}`);
  return [...lines, ...(events.length > 0 ? ['Events:', ...events] : [])].join('\n');
}
