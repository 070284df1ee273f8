/** Presets for S3-compatible services: each sets path style and, through a custom endpoint, WHEN_REQUIRED checksums. */
import type { z } from 'zod';
import type { providerPresetSchema } from '../../../shared/contract';

/** A preset name. */
export type ProviderPreset = z.output<typeof providerPresetSchema>;

/** What a preset fills in when the user leaves it out. */
export interface PresetDefaults {
  forcePathStyle: boolean;
  /** Default region when none is given. */
  region: string;
  /** Builds the endpoint from the region when the service has a regular address. */
  endpoint?: (region: string) => string;
  /** The user must give an endpoint (self-hosted, or it carries an account id). */
  needsEndpoint: boolean;
}

/** The preset table. */
export const presets: Record<ProviderPreset, PresetDefaults> = {
  aws: { forcePathStyle: false, region: 'us-east-1', needsEndpoint: false },
  minio: { forcePathStyle: true, region: 'us-east-1', needsEndpoint: true },
  // R2's address carries the account id, so the user pastes it; region is always "auto".
  r2: { forcePathStyle: true, region: 'auto', needsEndpoint: true },
  b2: { forcePathStyle: true, region: 'us-west-004', endpoint: (r) => `https://s3.${r}.backblazeb2.com`, needsEndpoint: false },
  wasabi: { forcePathStyle: true, region: 'us-east-1', endpoint: (r) => `https://s3.${r}.wasabisys.com`, needsEndpoint: false },
  custom: { forcePathStyle: true, region: 'us-east-1', needsEndpoint: true },
};
