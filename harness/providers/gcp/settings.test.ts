import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.ts';
import { DEFAULT_ZONE, gcpSettings } from './settings.ts';

describe('gcpSettings', () => {
  it('needs a project, naming --project and CLOUDSDK_CORE_PROJECT', () => {
    expect(() => gcpSettings({})).toThrow(UsageError);
    expect(() => gcpSettings({})).toThrow(/--project .*CLOUDSDK_CORE_PROJECT/);
    expect(() => gcpSettings({ CLOUDSDK_CORE_PROJECT: '  ' })).toThrow(/--project/);
  });

  it('derives the region from the zone, with a default zone', () => {
    expect(gcpSettings({ CLOUDSDK_CORE_PROJECT: 'p' })).toMatchObject({ project: 'p', zone: DEFAULT_ZONE, region: 'us-central1' });
    expect(gcpSettings({ CLOUDSDK_CORE_PROJECT: 'p', CLOUDSDK_COMPUTE_ZONE: 'asia-southeast1-c' }).region).toBe('asia-southeast1');
  });

  it('quotes a zone or a Kubernetes version it cannot use', () => {
    expect(() => gcpSettings({ CLOUDSDK_CORE_PROJECT: 'p', CLOUDSDK_COMPUTE_ZONE: 'us-central1' })).toThrow(/--zone "us-central1"/);
    expect(() => gcpSettings({ CLOUDSDK_CORE_PROJECT: 'p', CNI_LAB_GCP_KUBERNETES: '1.33.2' })).toThrow(/CNI_LAB_GCP_KUBERNETES "1\.33\.2"/);
  });

  it('takes the admin source ranges as a comma list', () => {
    expect(gcpSettings({ CLOUDSDK_CORE_PROJECT: 'p', CNI_LAB_GCP_ADMIN_RANGES: '203.0.113.0/24, 192.0.2.7/32' }).adminSourceRanges).toEqual(['203.0.113.0/24', '192.0.2.7/32']);
  });
});
