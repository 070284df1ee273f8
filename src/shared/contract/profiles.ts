/** Profiles and credentials: what the UI may know about a profile (never a secret). */
import { z } from 'zod';
import { command } from './define';

/** How a profile signs in. */
export type ProfileKind = 'keys' | 'sso' | 'role' | 'process' | 'web-identity' | 'instance' | 'environment';

/** A profile as the UI sees it. Secrets never appear; `accessKeyIdMasked` shows only the last 4 characters. */
export interface ProfileSummary {
  /** `aws:<name>` for ~/.aws profiles, `app:<name>` for app-managed ones, `env` for the environment. */
  id: string;
  name: string;
  kind: ProfileKind;
  source: 'aws-config' | 'app' | 'environment';
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyIdMasked?: string;
  hasSecret: boolean;
  /** Where an app profile's secret lives: the OS keychain, or memory for this session only. */
  secretStorage?: 'keychain' | 'memory';
  /** A role profile that will ask for an MFA code. */
  mfa?: boolean;
  /** The connection chosen with "Use this by default"; without a choice, AWS_PROFILE, or the `default` profile when AWS_PROFILE is unset. */
  isDefault?: boolean;
}

/** Presets for S3-compatible services; each sets path style and checksum mode. */
export const providerPresetSchema = z.enum(['aws', 'minio', 'r2', 'b2', 'wasabi', 'custom']);

const name = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\s\\/[\]]([^\\/[\]]*[^\s\\/[\]])?$/, 'no slashes, brackets or edge spaces');
const endpoint = z.string().url().max(512).refine((u) => /^https?:\/\//.test(u), 'http or https');
const region = z.string().regex(/^[a-z0-9-]{2,32}$/);

/** Input for adding an app-managed profile; the secret goes to the keychain only. */
export const addProfileSchema = z
  .object({
    name,
    accessKeyId: z.string().trim().min(3).max(128).regex(/^[\x21-\x7e]+$/),
    secretAccessKey: z.string().min(1).max(256),
    sessionToken: z.string().max(4096).optional(),
    region: region.optional(),
    endpoint: endpoint.optional(),
    preset: providerPresetSchema.default('aws'),
    forcePathStyle: z.boolean().optional(),
  })
  .strict();

/** Input for editing an app-managed profile; an omitted secret keeps the stored one. */
export const updateProfileSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: name.optional(),
    accessKeyId: z.string().trim().min(3).max(128).regex(/^[\x21-\x7e]+$/).optional(),
    secretAccessKey: z.string().min(1).max(256).optional(),
    sessionToken: z.string().max(4096).optional(),
    region: region.optional(),
    endpoint: endpoint.or(z.literal('')).optional(),
    preset: providerPresetSchema.optional(),
    forcePathStyle: z.boolean().optional(),
  })
  .strict();

/** The outcome of "Test connection", in one plain sentence's worth of fields. */
export interface ConnectionTest {
  ok: boolean;
  account?: string;
  arn?: string;
  bucketCount?: number;
}

/** The state of an in-app SSO sign-in. */
export interface SsoStatus {
  profileId: string;
  state: 'waiting' | 'done' | 'failed' | 'expired';
  verificationUri?: string;
  userCode?: string;
  error?: string;
}

/** A request from the engine for an MFA code. */
export interface MfaRequest {
  requestId: string;
  profileId: string;
  mfaSerial: string;
  /** Set when the previous code was refused. */
  retry?: boolean;
}

const id = z.object({ id: z.string().min(1).max(200) }).strict();

/** Profile commands. */
export const profileCommands = {
  'profiles:list': command<ProfileSummary[]>()(z.object({}).strict()),
  'profiles:add': command<ProfileSummary>()(addProfileSchema),
  'profiles:update': command<ProfileSummary>()(updateProfileSchema),
  'profiles:remove': command<void>()(id),
  'profiles:setDefault': command<ProfileSummary[]>()(id),
  'profiles:test': command<ConnectionTest>()(id),
  /** Where a secret key saved now would be kept: the system keychain, or memory until the app quits (no keychain answered). */
  'profiles:secretStorage': command<'keychain' | 'memory'>()(z.object({}).strict()),
  'profiles:ssoSignIn': command<SsoStatus>()(id),
  'profiles:mfaAnswer': command<void>()(
    z.object({ requestId: z.string().min(1).max(100), code: z.string().regex(/^\d{6}$/).nullable() }).strict(),
  ),
} as const;

/** Profile events. */
export interface ProfileEvents {
  'profiles:changed': ProfileSummary[];
  'profiles:mfaRequest': MfaRequest;
  'profiles:ssoStatus': SsoStatus;
  /** A sign-in happened (in the app, or `aws sso login` in a terminal): these profiles' waiting transfers may go on. */
  'profiles:signedIn': { profileIds: string[] };
}
