/**
 * Reads ~/.aws/config and ~/.aws/credentials with the SDK's own loader and turns them into the same
 * list of profile names that `aws configure list-profiles` prints, with each profile's kind, region
 * and endpoint.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { ProfileKind } from '../../../shared/contract';

/** An environment to read AWS_* and HOME from (tests pass their own). */
export type Env = Record<string, string | undefined>;

/** One INI section's settings, as the SDK's parser returns them. */
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
  /** True when the name only loads through our own reading (the SDK's parser skips non-ASCII config section names). */
  sdkInvisible: boolean;
}

/** What discovery found. */
export interface AwsDiscovery {
  paths: AwsFilePaths;
  /** Files that exist but cannot be read (the SDK's loader silently treats them as empty). */
  unreadable: string[];
  profiles: AwsProfile[];
  ssoSessions: Record<string, Section>;
  services: Record<string, Section>;
}

/** The user's home folder: HOME (or USERPROFILE) from the given environment first, so tests can move it. */
export function homeDir(env: Env): string {
  return env.HOME || env.USERPROFILE || homedir();
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

/**
 * The profile name in a raw config section header, or undefined when the section is not a profile.
 * Mirrors botocore: `default`, or `profile NAME` where NAME may be quoted (shlex); sso-session,
 * services, plugins and bare sections are not profiles.
 */
export function configSectionProfile(section: string): string | undefined {
  if (section === 'default') return 'default';
  // The SDK's parser gives `profile.NAME` for names made of [\w-@+.%:/] only.
  if (section.startsWith('profile.')) return section.slice('profile.'.length) || undefined;
  const m = /^profile\s+(.+)$/.exec(section);
  if (!m) return undefined;
  const rest = m[1]!.trim();
  const quoted = /^(["'])(.*)\1$/.exec(rest);
  if (quoted) return quoted[2] || undefined;
  // shlex would split an unquoted name with spaces into several words, and botocore then skips it.
  return /\s/.test(rest) ? undefined : rest;
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

/** False when the file is there but cannot be read (permissions, a folder in its place); a missing file is fine. */
function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}

/** Reads both files fresh (no SDK cache) and lists the profiles in `aws configure list-profiles` order. */
export async function discoverAwsProfiles(env: Env): Promise<AwsDiscovery> {
  const paths = awsFilePaths(env);
  // The credentials file as the SDK parses it: every section is a profile.
  const { credentialsFile } = await loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config, ignoreCache: true });
  // The config file read raw (loaded as a "credentials" file) so that names the SDK would drop are still seen.
  const raw = (await loadSharedConfigFiles({ filepath: paths.config, configFilepath: paths.credentials, ignoreCache: true })).credentialsFile;

  const ssoSessions: AwsDiscovery['ssoSessions'] = {};
  const services: AwsDiscovery['services'] = {};
  const configProfiles = new Map<string, { settings: Section; sdkInvisible: boolean }>();
  for (const [section, values] of Object.entries(raw)) {
    if (section.startsWith('sso-session.')) ssoSessions[section.slice('sso-session.'.length)] = { ...values };
    else if (section.startsWith('services.')) services[section.slice('services.'.length)] = { ...values };
    else {
      const name = configSectionProfile(section);
      if (name === undefined) continue;
      const sdkInvisible = section !== 'default' && !section.startsWith('profile.');
      const prev = configProfiles.get(name);
      configProfiles.set(name, { settings: { ...prev?.settings, ...values }, sdkInvisible: sdkInvisible && (prev?.sdkInvisible ?? true) });
    }
  }

  const names = [...configProfiles.keys()];
  for (const name of Object.keys(credentialsFile)) if (!configProfiles.has(name)) names.push(name);

  const regionFromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const endpointFromEnv = envEndpoint(env);
  const profiles = names.map((name): AwsProfile => {
    const fromConfig = configProfiles.get(name);
    const settings = { ...fromConfig?.settings, ...credentialsFile[name] };
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
      sdkInvisible: (fromConfig?.sdkInvisible ?? false) && !credentialsFile[name],
    };
  });
  const unreadable = [paths.config, paths.credentials].filter((file) => !readable(file));
  return { paths, unreadable, profiles, ssoSessions, services };
}
