import { UsageError } from '../../errors.ts';

/** Where and how the gcp provider makes its machines; everything but the project has a default. */
export interface GcpSettings {
  project: string;
  zone: string;
  /** The zone's region (us-central1 for us-central1-a): subnets are regional. */
  region: string;
  machineType: string;
  imageFamily: string;
  imageProject: string;
  /** The account the provider's own key logs in as; the guest agent gives it passwordless sudo. */
  sshUser: string;
  /** The pkgs.k8s.io channel kubeadm, kubelet and kubectl come from, e.g. v1.33. */
  kubernetesMinor: string;
  /** Who may reach SSH (22) on every VM and the API server (6443) on the master. */
  adminSourceRanges: string[];
}

export const DEFAULT_ZONE = 'us-central1-a';

/**
 * The settings from the environment: gcloud's own property variables for project and zone
 * (which `--project`/`--zone` set, harness/cli/provider-options.ts), CNI_LAB_GCP_* for the rest.
 */
export function gcpSettings(env: NodeJS.ProcessEnv = process.env): GcpSettings {
  const project = env.CLOUDSDK_CORE_PROJECT?.trim();
  if (!project) {
    throw new UsageError('gcp: no project: pass --project PROJECT_ID or set CLOUDSDK_CORE_PROJECT');
  }
  if (/\s/.test(project)) throw new UsageError(`--project ${JSON.stringify(project)}: a project id has no spaces`);
  const zone = env.CLOUDSDK_COMPUTE_ZONE?.trim() || DEFAULT_ZONE;
  // Zones are REGION-LETTER (gcloud compute zones list): us-central1-a is in us-central1.
  const m = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone);
  if (!m) throw new UsageError(`--zone ${JSON.stringify(zone)}: expected a zone such as ${DEFAULT_ZONE}`);
  const kubernetesMinor = env.CNI_LAB_GCP_KUBERNETES || 'v1.33';
  if (!/^v\d+\.\d+$/.test(kubernetesMinor)) {
    throw new UsageError(`CNI_LAB_GCP_KUBERNETES ${JSON.stringify(kubernetesMinor)}: expected a minor version such as v1.33`);
  }
  return {
    project,
    zone,
    region: m[1]!,
    // kubeadm's preflight wants 2 CPUs on the control plane (e2-standard-2: 2 vCPU, 8 GB).
    machineType: env.CNI_LAB_GCP_MACHINE_TYPE || 'e2-standard-2',
    imageFamily: env.CNI_LAB_GCP_IMAGE_FAMILY || 'debian-12',
    imageProject: env.CNI_LAB_GCP_IMAGE_PROJECT || 'debian-cloud',
    sshUser: env.CNI_LAB_GCP_SSH_USER || 'cnilab',
    kubernetesMinor,
    adminSourceRanges: (env.CNI_LAB_GCP_ADMIN_RANGES || '0.0.0.0/0').split(',').map((r) => r.trim()).filter(Boolean),
  };
}
