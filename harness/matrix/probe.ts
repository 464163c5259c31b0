import type { Cell, Endpoint } from './expand.ts';
import { parseNping, type Observation } from './nping-output.ts';

/** Runs argv at a source: inside a pod's container, or on a node. */
export interface SourceExec {
  exec(source: Endpoint, argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

export interface ProbeResult {
  observation: Observation;
  /** The command, pasteable, with where it ran. */
  command: string;
  raw: string;
}

/**
 * The nping echo-client command for one cell: one packet, the cell's protocol and port, and
 * an ephemeral source port. nping's UDP default (source port = destination port) would let
 * one cell's probe match another's conntrack entry in reverse (node:53 -> pod:53, then
 * pod:53 -> node:53) and skip NAT, so a cell's verdict would depend on the order of cells.
 */
export function probeArgv(cell: Cell, secret: string, sourcePort = ephemeralPort()): string[] {
  const proto =
    cell.protocol.name === 'icmp' ? ['--icmp'] : [`--${cell.protocol.name}`, '-p', String(cell.protocol.port), '-g', String(sourcePort)];
  return ['nping', '--echo-client', secret, '--no-crypto', ...proto, '-c', '1', cell.destination.ip];
}

/** A port from Linux's default ephemeral range, 32768-60999. */
export const ephemeralPort = (): number => 32768 + Math.floor(Math.random() * (60999 - 32768 + 1));

/** One probe of a cell; nping's exit code is not the verdict, its CAPT line is. */
export async function probe(cell: Cell, secret: string, at: SourceExec): Promise<ProbeResult> {
  const argv = probeArgv(cell, secret);
  const out = await at.exec(cell.source, argv);
  const raw = `${out.stdout}${out.stderr ? `\n[stderr]\n${out.stderr}` : ''}${out.exitCode !== 0 ? `\n[exit ${out.exitCode}]` : ''}`;
  return {
    observation: parseNping(out.stdout),
    command: `${cell.source.kind} ${cell.source.name}: ${argv.map((a) => (a === secret ? '<secret>' : a)).join(' ')}`,
    raw: raw.split(secret).join('<secret>'),
  };
}
