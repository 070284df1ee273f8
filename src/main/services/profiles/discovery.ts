/**
 * Reads ~/.aws/config and ~/.aws/credentials the way the AWS CLI does (./ini.ts, botocore's build_profile_map)
 * and turns them into the list of profile names that `aws configure list-profiles` prints, in its order, with
 * each profile's kind, region and endpoint. The SDK's loader is asked only which names it can find, because
 * the SDK signs those itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { ProfileKind } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { readAwsIni, shlexSplit, type IniSection } from './ini';
import { homeDir } from '../local-folders';

/** An environment to read AWS_* and HOME from (tests pass their own). */
export type Env = Record<string, string | undefined>;

/** One INI section's settings; an indented block `s3 =\n  a = b` gives the key `s3.a`. */
export type Section = Record<string, string | undefined>;

/** The two shared files, after AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and HOME. */
export interface AwsFilePaths {
  config: string;
  credentials: string;
  home: string;
}

/** A profile found in the shared files, with its merged settings (credentials file wins, like the SDK). */
export interface AwsProfile {
  name: string;
  settings: Section;
  kind: ProfileKind;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  mfaSerial?: string;
  /** True when the SDK's loader cannot find this name (it reads `[profile  a]`, `[profile café]`, a CR-only file… otherwise). */
  sdkInvisible: boolean;
}

/** What discovery found. */
export interface AwsDiscovery {
  paths: AwsFilePaths;
  /** Files that exist but cannot be read (the SDK's loader silently treats them as empty). */
  unreadable: string[];
  /** Files the AWS CLI refuses ("Unable to parse config file"), each with the plain reason; they add no profiles. */
  refused: AppError[];
  profiles: AwsProfile[];
  ssoSessions: Record<string, Section>;
  services: Record<string, Section>;
}

/** Expands a leading `~/` the way the SDK does. */
function expandHome(path: string, home: string): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/** Where the shared files are for this environment. */
export function awsFilePaths(env: Env): AwsFilePaths {
  const home = homeDir(env);
  return {
    home,
    config: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home),
    credentials: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home),
  };
}

/** What a config file section is, by botocore's build_profile_map; undefined for anything else ([plugins]…). */
export function configSection(header: string): { type: 'profile' | 'sso-session' | 'services'; name: string } | undefined {
  if (header === 'default') return { type: 'profile', name: 'default' };
  // Prefixes, not words: botocore takes `[profiles a]` and `[profile-x a]` as profile "a" too.
  const type = (['profile', 'sso-session', 'services'] as const).find((t) => header.startsWith(t));
  if (!type) return undefined;
  let parts: string[];
  try {
    parts = shlexSplit(header);
  } catch {
    return undefined;
  }
  return parts.length === 2 ? { type, name: parts[1]! } : undefined;
}

/** Decides how a profile signs in, in the SDK's order of precedence. */
export function profileKind(s: Section): ProfileKind {
  if (s.role_arn && (s.source_profile || s.credential_source)) return 'role';
  if (s.aws_access_key_id && s.aws_secret_access_key) return 'keys';
  if (s.role_arn && s.web_identity_token_file) return 'web-identity';
  if (s.credential_process) return 'process';
  if (s.sso_session || s.sso_start_url) return 'sso';
  // Nothing to sign in with in the file: the SDK's chain (instance or container role) supplies it.
  return 'instance';
}

/** The endpoint for S3 from the environment (the CLI's --endpoint sets these), or undefined. */
export function envEndpoint(env: Env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

function profileEndpoint(s: Section, services: AwsDiscovery['services']): string | undefined {
  const svc = s.services ? services[s.services] : undefined;
  return svc?.['s3.endpoint_url'] || s['s3.endpoint_url'] || s.endpoint_url || undefined;
}

function addressingStyle(s: Section): boolean | undefined {
  const style = s['s3.addressing_style'];
  if (style === 'path') return true;
  if (style === 'virtual') return false;
  return undefined;
}

/** A file's sections as the CLI reads them; a missing file has none, a folder or a forbidden file is unreadable. */
function readShared(file: string): { sections: IniSection[]; unreadable?: true; refused?: AppError } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { sections: [] } : { sections: [], unreadable: true };
  }
  const read = readAwsIni(bytes);
  if (read.problem) {
    const { code, ...params } = read.problem;
    return { sections: [], refused: new AppError(code, { file, ...params }) };
  }
  return read;
}

/** A record without a prototype, so names such as "constructor" or "__proto__" are plain keys. */
function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * A value as the SDK reads it: an inline ` # comment` or ` ; comment` is dropped. The CLI would keep it in the
 * value (region "eu-west-1 # prod"), which nothing can use; the SDK, which signs, drops it.
 */
function withoutInlineComments(settings: Section): Section {
  const out = record<string>();
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) out[k] = v.split(/(?:^|\s)[;#]/)[0]!.trim();
  return out;
}

/** Reads both files fresh (no SDK cache) and lists the profiles in `aws configure list-profiles` order. */
export async function discoverAwsProfiles(env: Env): Promise<AwsDiscovery> {
  const paths = awsFilePaths(env);
  const config = readShared(paths.config);
  const credentials = readShared(paths.credentials);
  // The SDK's view, only to know which names its own providers (fromIni) will find.
  const sdk = await loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config, ignoreCache: true });

  const ssoSessions = record<Section>();
  const services = record<Section>();
  // A Map keeps the first position of a name that comes back, as botocore's dict does; its settings are replaced.
  const profiles = new Map<string, Section>();
  for (const section of config.sections) {
    const kind = configSection(section.header);
    if (kind?.type === 'profile') profiles.set(kind.name, section.settings);
    else if (kind?.type === 'sso-session') ssoSessions[kind.name] = withoutInlineComments(section.settings);
    else if (kind?.type === 'services') services[kind.name] = withoutInlineComments(section.settings);
  }
  // Every credentials section is a profile under its whole header ([profile x] there is "profile x"); its keys win.
  for (const section of credentials.sections) profiles.set(section.header, { ...profiles.get(section.header), ...section.settings });

  const regionFromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const endpointFromEnv = envEndpoint(env);
  const list = [...profiles].map(([name, raw]): AwsProfile => {
    const settings = withoutInlineComments(raw);
    const endpoint = endpointFromEnv ?? profileEndpoint(settings, services);
    const style = addressingStyle(settings);
    return {
      name,
      settings,
      kind: profileKind(settings),
      region: regionFromEnv ?? settings.region,
      endpoint,
      forcePathStyle: style ?? (endpoint ? true : undefined),
      mfaSerial: settings.mfa_serial || undefined,
      sdkInvisible: !Object.hasOwn(sdk.configFile, name) && !Object.hasOwn(sdk.credentialsFile, name),
    };
  });
  const unreadable = [config, credentials].flatMap((f, i) => (f.unreadable ? [i === 0 ? paths.config : paths.credentials] : []));
  const refused = [config.refused, credentials.refused].filter((e): e is AppError => e !== undefined);
  return { paths, unreadable, refused, profiles: list, ssoSessions, services };
}
