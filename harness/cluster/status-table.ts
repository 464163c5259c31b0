import type { MachineHealth } from '../providers/provider.ts';
import type { ClusterState } from './state.ts';

/** The `cluster status` table: NODE, ROLE, NODE_IP, POD_CIDR, STATE, columns padded to fit. */
export function statusTable(state: ClusterState, health: MachineHealth[]): string {
  const stateOf = new Map(health.map((h) => [h.name, h.state]));
  const rows = [
    ['NODE', 'ROLE', 'NODE_IP', 'POD_CIDR', 'STATE'],
    ...state.nodes.map((n) => [n.name, n.role, n.ip, n.podCidr, stateOf.get(n.name) ?? 'unknown']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('')).join('\n');
}

/** One line about the helper machines and where egress probes go. */
export function outsideLine(state: ClusterState, health: MachineHealth[]): string {
  const s = (name: string): string => health.find((h) => h.name === name)?.state ?? 'unknown';
  const o = state.outside;
  const router = [o.routerHostIp, o.routerOutsideIp].filter(Boolean).join('/');
  return `outside: router ${router} (${s('router')}), echo host ${o.echoHostName} ${o.echoHostIp} (${s('echo')})`;
}
