/** A connectivity scenario as written in scenarios/*.yaml (see scenarios/README.md). */

export const SOURCE_CLASSES = ['client-pod-ip', 'client-node-ip', 'client-node-any-address'] as const;
/** Which address the receiver must see as the probe's source. */
export type SourceClass = (typeof SOURCE_CLASSES)[number];

export const PLACEMENTS = ['same-node', 'other-node', 'any'] as const;
/** Where the destination is, relative to the source's node. */
export type Placement = (typeof PLACEMENTS)[number];

export const ROLES = ['worker', 'control-plane'] as const;
export type Role = (typeof ROLES)[number];

export interface Source {
  kind: 'pod' | 'node';
  /** Nodes of this role only (for node sources), or pods on nodes of this role. */
  role?: Role;
}

export interface Destination {
  kind: 'pod' | 'node' | 'outside';
  placement: Placement;
}

export interface Protocol {
  name: 'tcp' | 'udp' | 'icmp';
  port?: number;
}

export interface Expectation {
  reach: boolean;
  /** Required when reach is true. */
  source?: SourceClass;
}

export interface Check {
  name: string;
  from: Source;
  to: Destination;
  protocols: Protocol[];
  expect: Expectation;
  /** Why the expectation holds, shown beside the cell. */
  why?: string;
}

export interface Scenario {
  name: string;
  description: string;
  file: string;
  checks: Check[];
}

/** `tcp-80`, `udp-53`, `icmp`: the protocol part of a cell id. */
export const protocolId = (p: Protocol): string => (p.port === undefined ? p.name : `${p.name}-${p.port}`);
