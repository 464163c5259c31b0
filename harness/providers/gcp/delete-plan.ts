import { lastSegment, parseInstances } from './instances.ts';
import { ECHO_MACHINE, gcpNames, LABEL_KEY } from './names.ts';
import type { GcpSettings } from './settings.ts';
import type { HostStep } from './steps.ts';

/** The kinds of resource `up` makes, in the order `down` deletes them: a route names its instance, an instance its subnet, a subnet and a firewall rule their network. */
export const KINDS = ['route', 'instance', 'firewall', 'subnet', 'network'] as const;
export type ResourceKind = (typeof KINDS)[number];

export interface GcpResource {
  kind: ResourceKind;
  name: string;
  /** Instances are zonal, subnets regional: their delete commands need it. */
  zone?: string;
  region?: string;
  status?: string;
}

const GROUP: Record<ResourceKind, string[]> = {
  route: ['compute', 'routes'],
  instance: ['compute', 'instances'],
  firewall: ['compute', 'firewall-rules'],
  subnet: ['compute', 'networks', 'subnets'],
  network: ['compute', 'networks'],
};

/**
 * The list command of one kind. Instances are found by their label; the other kinds take no
 * labels, so the filter narrows by name prefix and clusterResources() keeps only those whose
 * description is exactly the cluster's (cluster "lab" must not take cluster "lab-2"'s).
 */
export function listArgv(kind: ResourceKind, cluster: string, s: GcpSettings): string[] {
  const n = gcpNames(cluster);
  const filter = kind === 'instance' ? `labels.${n.label}` : `name ~ ^${n.prefix}`;
  return ['gcloud', ...GROUP[kind], 'list', `--filter=${filter}`, '--format=json', `--project=${s.project}`];
}

interface RawResource {
  name: string;
  description?: string;
  region?: string;
}

/** What of the cluster one list command's JSON output holds. */
export function clusterResources(kind: ResourceKind, cluster: string, json: string): GcpResource[] {
  if (kind === 'instance') {
    return parseInstances(json)
      .filter((i) => i.labels[LABEL_KEY] === cluster)
      .map((i) => ({ kind, name: i.name, zone: i.zone, status: i.status }));
  }
  const marker = gcpNames(cluster).description;
  return (JSON.parse(json || '[]') as RawResource[])
    .filter((r) => r.description === marker)
    .map((r) => ({ kind, name: r.name, ...(kind === 'subnet' ? { region: lastSegment(r.region) } : {}) }));
}

/** One delete command per kind (and zone or region), in KINDS order; --quiet answers gcloud's prompt. */
export function deleteSteps(resources: GcpResource[], s: GcpSettings): HostStep[] {
  const steps: HostStep[] = [];
  for (const kind of KINDS) {
    const byPlace = new Map<string, string[]>();
    for (const r of resources.filter((x) => x.kind === kind)) {
      const place = kind === 'instance' ? `--zone=${r.zone}` : kind === 'subnet' ? `--region=${r.region}` : '';
      byPlace.set(place, [...(byPlace.get(place) ?? []), r.name]);
    }
    for (const [place, names] of byPlace) {
      steps.push({
        title: `delete ${names.length} ${kind}${names.length === 1 ? '' : 's'}`,
        on: 'host',
        argv: ['gcloud', ...GROUP[kind], 'delete', ...names, ...(place ? [place] : []), '--quiet', `--project=${s.project}`],
      });
    }
  }
  return steps;
}

/** What `up` would have made for these nodes: the deletes --dry-run shows for `down`. */
export function expectedResources(cluster: string, nodes: string[], s: GcpSettings): GcpResource[] {
  const n = gcpNames(cluster);
  return [
    ...nodes.map((node): GcpResource => ({ kind: 'route', name: n.route(node) })),
    ...[...nodes, ECHO_MACHINE].map((m): GcpResource => ({ kind: 'instance', name: n.instance(m), zone: s.zone })),
    ...[n.firewallInternal, n.firewallSsh, n.firewallApiserver].map((name): GcpResource => ({ kind: 'firewall', name })),
    ...[n.hostSubnet, n.outsideSubnet].map((name): GcpResource => ({ kind: 'subnet', name, region: s.region })),
    { kind: 'network', name: n.network },
  ];
}
