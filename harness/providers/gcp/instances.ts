/** One VM as `gcloud compute instances list --format=json` describes it (the fields used here). */
export interface GcpInstance {
  name: string;
  /** PROVISIONING, STAGING, RUNNING, STOPPING, STOPPED, SUSPENDED, TERMINATED ... */
  status: string;
  /** The zone's name (the API gives a URL). */
  zone: string;
  labels: Record<string, string>;
  metadata: Record<string, string>;
  internalIp?: string;
  externalIp?: string;
}

interface RawInstance {
  name: string;
  status?: string;
  zone?: string;
  labels?: Record<string, string>;
  metadata?: { items?: Array<{ key: string; value?: string }> };
  networkInterfaces?: Array<{ networkIP?: string; accessConfigs?: Array<{ natIP?: string }> }>;
}

/** The last path segment of a resource URL: .../zones/us-central1-a -> us-central1-a. */
export const lastSegment = (url: string | undefined): string => (url ?? '').split('/').pop() ?? '';

export function parseInstances(json: string): GcpInstance[] {
  return (JSON.parse(json || '[]') as RawInstance[]).map((r) => {
    const nic = r.networkInterfaces?.[0];
    const externalIp = nic?.accessConfigs?.find((a) => a.natIP)?.natIP;
    return {
      name: r.name,
      status: r.status ?? 'UNKNOWN',
      zone: lastSegment(r.zone),
      labels: r.labels ?? {},
      metadata: Object.fromEntries((r.metadata?.items ?? []).map((i) => [i.key, i.value ?? ''])),
      ...(nic?.networkIP ? { internalIp: nic.networkIP } : {}),
      ...(externalIp ? { externalIp } : {}),
    };
  });
}
