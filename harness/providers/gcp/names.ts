/**
 * Names of the cluster's GCP resources, all under one prefix from the cluster name, so that
 * several clusters share a project. Names allow 63 lower-case letters, digits and dashes;
 * the longest here (cluster names have up to 30 characters, up to 200 workers) has 61.
 */
export function gcpNames(cluster: string) {
  const prefix = `cni-lab-${cluster}`;
  return {
    prefix,
    network: prefix,
    hostSubnet: `${prefix}-hosts`,
    outsideSubnet: `${prefix}-outside`,
    firewallInternal: `${prefix}-internal`,
    firewallSsh: `${prefix}-ssh`,
    firewallApiserver: `${prefix}-apiserver`,
    /** The VM of a node (my-k8s-master) or of the echo host (echo). */
    instance: (machine: string) => `${prefix}-${machine}`,
    route: (node: string) => `${prefix}-pods-${node}`,
    /** Network tags: firewall rules pick their targets by them. */
    nodeTag: `${prefix}-node`,
    controlPlaneTag: `${prefix}-control-plane`,
    /** The label on instances (and their disks); `down` and `leftovers` find them by it. */
    labelKey: LABEL_KEY,
    label: `${LABEL_KEY}=${cluster}`,
    /**
     * Networks, subnets, firewall rules and routes take no labels (their gcloud create
     * commands have no --labels flag): they carry this description, matched exactly.
     */
    description: `${LABEL_KEY}=${cluster}`,
  };
}

export const LABEL_KEY = 'cni-lab-cluster';

/** The machine name of the echo VM, as health() and the state name it. */
export const ECHO_MACHINE = 'echo';
