/**
 * Profiles: discovery of ~/.aws profiles, app-managed profiles (secret in the keychain only),
 * resolution to refreshing credentials, MFA questions, connection tests and file watching.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ConnectionTest, ProfileSummary, SsoStatus } from '../../../shared/contract';
import type { addProfileSchema, updateProfileSchema } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { z } from 'zod';
import type { CoreDeps } from '../context';
import { registerSecret } from '../log/redact';
import type { SecretStore } from '../secrets/secret-store';
import { AppProfileStore, type StoredAppProfile } from './app-profile-store';
import { testConnection } from './connection-test';
import { credentialError, isMfaRejection } from './credential-errors';
import { runCredentialProcess } from './credential-process';
import { homeDir } from '../local-folders';
import { awsFilePaths, discoverAwsProfiles, envEndpoint, type AwsDiscovery, type AwsProfile } from './discovery';
import { MfaBroker, type MfaPrompt } from './mfa-broker';
import { proxyEnv, readCaBundle, requestHandlerFor } from './network';
import { presets } from './presets';
import { refreshingProvider, type RefreshingProvider } from './refreshing-provider';
import { SsoCacheWatcher } from './sso-cache-watcher';
import { SsoSignIn, ssoCachePath, ssoTarget, type SsoTokenCache } from './sso-login';
import type { ProfileResolver, ResolvedProfile } from './types';
import { credentialProvidersSdk } from '../lazy-sdk';

/** Input for adding an app profile (after the contract schema has parsed it). */
export type AddProfileInput = z.input<typeof addProfileSchema>;
/** Input for editing an app profile. */
export type UpdateProfileInput = z.output<typeof updateProfileSchema>;

/** Tuning knobs, mostly for tests. */
export interface ProfileServiceOptions {
  /** How long a credential_process may take (default 60 s, like a slow corporate helper). */
  processTimeoutMs?: number;
  /** Watch ~/.aws files for changes (default true). */
  watch?: boolean;
  /** Debounce for file changes (default 250 ms). */
  watchDebounceMs?: number;
}

/** Shows only the last 4 characters of an access key id. */
export function maskKeyId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return `••••${id.slice(-4)}`;
}

const MAX_MFA_ATTEMPTS = 3;

/** Lists, manages and resolves profiles. */
export class ProfileService implements ProfileResolver {
  private discovery?: Promise<AwsDiscovery>;
  private readonly store: AppProfileStore;
  private readonly providers = new Map<string, RefreshingProvider>();
  private readonly secretPresent = new Map<string, boolean>();
  private readonly watchers: FSWatcher[] = [];
  private ssoCache?: SsoCacheWatcher;
  private readonly offSsoStatus: () => void;
  private debounce?: NodeJS.Timeout;
  private readonly options: Required<ProfileServiceOptions>;
  /** MFA questions in flight; the handler for 'profiles:mfaAnswer' answers them. */
  readonly mfa: MfaBroker;
  /** In-app SSO sign-in. */
  readonly sso: SsoSignIn;

  /** Builds the service; starts watching the shared files unless told not to. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly secrets: SecretStore,
    options: ProfileServiceOptions = {},
  ) {
    this.options = { processTimeoutMs: 60_000, watch: true, watchDebounceMs: 250, ...options };
    this.store = new AppProfileStore(deps.platform.dataDir);
    this.mfa = new MfaBroker(deps.events);
    this.sso = new SsoSignIn(deps, () => this.awsProfiles());
    // A finished in-app sign-in wakes the waiting transfers at once, whether or not the cache watcher sees the file.
    this.offSsoStatus = deps.events.on('profiles:ssoStatus', (status) => {
      if (status.state !== 'done') return;
      void this.signedInThrough(status.profileId).catch((err: unknown) => deps.logger.warn('profiles: could not tell who a sign-in was for', err));
    });
    if (this.options.watch) this.startWatching();
  }

  /** Wakes every profile that shares the cache file the given profile just signed in to. */
  private async signedInThrough(profileId: string): Promise<void> {
    const p = await this.find(profileId);
    await this.ssoTokenChanged(basename(ssoCachePath(homeDir(this.deps.env), ssoTarget(await this.awsProfiles(), p.name))));
  }

  /**
   * A token landed in the SSO cache (`aws sso login`, or our own sign-in): every SSO profile that signs in through
   * that file hears 'profiles:signedIn', so its waiting transfers go on. An expired or unreadable token wakes nobody.
   */
  private async ssoTokenChanged(fileName: string): Promise<void> {
    const d = await this.awsProfiles();
    const home = homeDir(this.deps.env);
    const profileIds: string[] = [];
    let path: string | undefined;
    for (const p of d.profiles) {
      if (p.kind !== 'sso') continue;
      let file: string;
      try {
        file = ssoCachePath(home, ssoTarget(d, p.name));
      } catch {
        continue; // A profile without a usable sso section cannot be signed in to.
      }
      if (basename(file) !== fileName) continue;
      profileIds.push(`aws:${p.name}`);
      path = file;
    }
    if (!path || !tokenIsFresh(path)) return;
    this.deps.logger.info(`profiles: a new SSO sign-in for ${profileIds.join(', ')}`);
    this.deps.events.emit('profiles:signedIn', { profileIds });
  }

  /** Where new secrets will be kept, after checking once that the keychain answers. */
  async secretStorage(): Promise<'keychain' | 'memory'> {
    await this.secrets.ready();
    return this.secrets.kind;
  }

  /** Replaces the UI round trip for MFA codes (the CLI prompts on the terminal). */
  setMfaPrompt(prompt: MfaPrompt | undefined): void {
    this.mfa.prompt = prompt;
  }

  private awsProfiles(): Promise<AwsDiscovery> {
    this.discovery ??= discoverAwsProfiles(this.deps.env).then(
      (d) => {
        this.reportFileProblems(d);
        return d;
      },
      (err: unknown) => {
        this.discovery = undefined;
        throw err;
      },
    );
    return this.discovery;
  }

  private readonly reportedFileProblems = new Set<string>();

  /**
   * Says once per problem when an AWS settings file exists but cannot be opened, or is one the AWS CLI refuses
   * (its profiles are then left out, as the CLI lists none), instead of showing fewer profiles silently.
   */
  private reportFileProblems(d: AwsDiscovery): void {
    const errors = [...d.unreadable.map((file) => new AppError('CONFIG_SYNTAX', { file, reason: 'it cannot be opened' })), ...d.refused];
    for (const error of errors) {
      if (this.reportedFileProblems.has(error.message)) continue;
      this.reportedFileProblems.add(error.message);
      this.deps.logger.warn(error.message);
      this.deps.events.emit('app:notice', { level: 'warning', error: error.toData() });
    }
  }

  /** Forgets what was read from disk and every cached provider, then tells the UI. */
  async reload(): Promise<ProfileSummary[]> {
    this.discovery = undefined;
    // Clients built earlier hold these providers: reset them so edited keys apply on their next request.
    this.forgetCredentials();
    const list = await this.list();
    this.deps.events.emit('profiles:changed', list);
    return list;
  }

  /** Drops cached credentials (of one profile, or all) in every holder, and the providers themselves. */
  private forgetCredentials(id?: string): void {
    for (const [key, provider] of this.providers) {
      if (id !== undefined && key !== id) continue;
      provider.reset();
      this.providers.delete(key);
    }
  }

  /** Every profile the app can use, as the UI may see it (never a secret). */
  async list(): Promise<ProfileSummary[]> {
    const env = this.deps.env;
    const d = await this.awsProfiles();
    const defaultName = env.AWS_PROFILE || 'default';
    const out: ProfileSummary[] = [];
    const fromEnv = this.envSummary();
    if (fromEnv) out.push(fromEnv);
    for (const p of d.profiles) out.push(this.awsSummary(p, defaultName));
    // In parallel: on a cold start each one is a keychain round trip.
    out.push(...(await Promise.all(this.store.list().map((p) => this.appSummary(p)))));
    if (out.length === 0) {
      out.push(
        clean({
          id: 'instance',
          name: 'Instance or container role',
          kind: 'instance',
          source: 'environment',
          region: env.AWS_REGION || env.AWS_DEFAULT_REGION,
          endpoint: envEndpoint(env),
          hasSecret: false,
          isDefault: true,
        }),
      );
    }
    return markChosenDefault(out, this.deps.settings.get().defaultProfileId);
  }

  /** The `env` profile, when AWS_ACCESS_KEY_ID is set. */
  private envSummary(): ProfileSummary | undefined {
    const env = this.deps.env;
    if (!env.AWS_ACCESS_KEY_ID) return undefined;
    return clean({
      id: 'env',
      name: 'Environment variables',
      kind: 'environment' as const,
      source: 'environment' as const,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION,
      endpoint: envEndpoint(env),
      forcePathStyle: envEndpoint(env) ? true : undefined,
      accessKeyIdMasked: maskKeyId(env.AWS_ACCESS_KEY_ID),
      hasSecret: Boolean(env.AWS_SECRET_ACCESS_KEY),
    });
  }

  private awsSummary(p: AwsProfile, defaultName: string): ProfileSummary {
    return clean({
      id: `aws:${p.name}`,
      name: p.name,
      kind: p.kind,
      source: 'aws-config',
      region: p.region,
      endpoint: p.endpoint,
      forcePathStyle: p.forcePathStyle,
      accessKeyIdMasked: p.kind === 'keys' ? maskKeyId(p.settings.aws_access_key_id) : undefined,
      hasSecret: p.kind === 'keys',
      mfa: p.mfaSerial ? true : undefined,
      isDefault: p.name === defaultName ? true : undefined,
    });
  }

  private async appSummary(p: StoredAppProfile): Promise<ProfileSummary> {
    const env = this.deps.env;
    const endpoint = envEndpoint(env) ?? p.endpoint;
    // Whether a secret exists is remembered: each keychain read costs a D-Bus round trip, and the list is read often.
    const hasSecret = this.secretPresent.get(account(p)) ?? Boolean(await this.readSecret(p).catch(() => undefined));
    return clean({
      id: `app:${p.name}`,
      name: p.name,
      kind: 'keys',
      source: 'app',
      region: env.AWS_REGION || p.region,
      endpoint,
      forcePathStyle: p.forcePathStyle ?? (endpoint ? true : presets[p.preset]?.forcePathStyle),
      accessKeyIdMasked: maskKeyId(p.accessKeyId),
      hasSecret,
      secretStorage: this.secrets.kind,
      isDefault: env.AWS_PROFILE === p.name ? true : undefined,
    });
  }

  private async readSecret(p: StoredAppProfile): Promise<{ secretAccessKey: string; sessionToken?: string } | undefined> {
    const secret = parseSecret(await this.secrets.get(account(p)));
    this.secretPresent.set(account(p), Boolean(secret));
    return secret;
  }

  private async writeSecret(p: StoredAppProfile, secretAccessKey: string, sessionToken: string | undefined): Promise<void> {
    registerSecret(secretAccessKey);
    registerSecret(sessionToken);
    await this.secrets.set(account(p), JSON.stringify(sessionToken ? { secretAccessKey, sessionToken } : { secretAccessKey }));
    this.secretPresent.set(account(p), true);
  }

  /** Turns a profile id, or a bare name (the CLI's --profile), into a summary. */
  async find(idOrName: string): Promise<ProfileSummary> {
    // The environment's keys need neither ~/.aws nor the app's profiles (whose secrets are keychain round trips).
    if (idOrName === 'env') {
      const fromEnv = this.envSummary();
      if (fromEnv) return fromEnv;
    }
    const list = await this.list();
    const byId = list.find((p) => p.id === idOrName);
    if (byId) return byId;
    // A bare name: ~/.aws first, as the AWS CLI (and src/cli/profile-choice.ts) would pick it, then the app's.
    const byName = list.find((p) => p.source === 'aws-config' && p.name === idOrName) ?? list.find((p) => p.name === idOrName);
    if (byName) return byName;
    throw new AppError('PROFILE_NOT_FOUND', { profile: idOrName.replace(/^(aws|app):/, '') });
  }

  /** Resolves a profile to region, endpoint, CA bundle and refreshing credentials. */
  async resolve(profileId: string): Promise<ResolvedProfile> {
    const summary = await this.find(profileId);
    const env = this.deps.env;
    let caPath = env.AWS_CA_BUNDLE;
    if (summary.source === 'aws-config' && !caPath) {
      caPath = (await this.awsProfiles()).profiles.find((p) => p.name === summary.name)?.settings.ca_bundle;
    }
    const caBundle = readCaBundle(caPath);
    // Built at its first use: only the STS, SSO and OIDC calls behind a profile and the connection test take it, and
    // building it loads the SDK's HTTP handler (about 15 ms of a no-change sync pass with AWS_CA_BUNDLE set).
    let handler: NodeHttpHandler | undefined | null = null;
    const requestHandler = (): NodeHttpHandler | undefined => (handler === null ? (handler = requestHandlerFor({ caBundle, env })) : handler);
    let credentials = this.providers.get(summary.id);
    if (!credentials) {
      const fetch = this.fetcher(summary, requestHandler);
      credentials = refreshingProvider(async () => {
        let creds: AwsCredentialIdentity;
        try {
          creds = await fetch();
        } catch (err) {
          throw credentialError(err, summary.name, summary.kind);
        }
        registerSecret(creds.secretAccessKey);
        registerSecret(creds.sessionToken);
        return creds;
      }, { profile: summary.name });
      this.providers.set(summary.id, credentials);
    }
    const resolved: ResolvedProfile = {
      summary,
      region: summary.region || 'us-east-1',
      forcePathStyle: summary.forcePathStyle ?? Boolean(summary.endpoint),
      credentials,
    };
    if (summary.endpoint) resolved.endpoint = summary.endpoint;
    if (caBundle) resolved.caBundle = caBundle;
    const proxy = proxyEnv(env);
    // requestHandlerFor's own rule: a handler exactly when there is a CA bundle or a proxy.
    if (caBundle || proxy) Object.defineProperty(resolved, 'requestHandler', { get: requestHandler, enumerable: true });
    if (proxy) resolved.proxyEnv = proxy;
    return resolved;
  }

  /** The function that fetches fresh credentials for a profile (the refreshing wrapper decides when). */
  private fetcher(summary: ProfileSummary, handler: () => NodeHttpHandler | undefined): () => Promise<AwsCredentialIdentity> {
    const env = this.deps.env;
    if (summary.id === 'env') {
      return async () => {
        if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) throw new AppError('NO_CREDENTIALS', { profile: summary.name });
        return staticCreds(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_CREDENTIAL_EXPIRATION);
      };
    }
    if (summary.id === 'instance') {
      // A fresh chain each time: the chain memoizes, and the wrapper above owns refreshing.
      return () => credentialProvidersSdk().fromNodeProviderChain({ ignoreCache: true })();
    }
    if (summary.source === 'app') {
      return async () => {
        const stored = this.store.list().find((p) => p.name === summary.name);
        const secret = stored ? await this.readSecret(stored) : undefined;
        if (!stored || !secret) throw new AppError('NO_CREDENTIALS', { profile: summary.name });
        return staticCreds(stored.accessKeyId, secret.secretAccessKey, secret.sessionToken);
      };
    }
    return async () => {
      const d = await this.awsProfiles();
      const p = d.profiles.find((x) => x.name === summary.name);
      if (!p) throw new AppError('PROFILE_NOT_FOUND', { profile: summary.name });
      const files = { profile: p.name, filepath: d.paths.credentials, configFilepath: d.paths.config, ignoreCache: true };
      if (p.kind === 'process') {
        return runCredentialProcess(p.settings.credential_process!, { profile: p.name, env, timeoutMs: this.options.processTimeoutMs });
      }
      if (p.kind === 'keys' && (p.sdkInvisible || !p.settings.role_arn)) {
        return staticCreds(p.settings.aws_access_key_id!, p.settings.aws_secret_access_key!, p.settings.aws_session_token);
      }
      if (p.sdkInvisible) {
        throw new AppError('NOT_SUPPORTED', {
          what: `signing in with "${p.name}" (the AWS SDK reads its section differently: write it as [profile NAME] in ${d.paths.config}, NAME made of English letters, digits and - _ . @ + % : /)`,
        });
      }
      if (p.kind === 'instance') return credentialProvidersSdk().fromNodeProviderChain(files)();
      const requestHandler = handler();
      return this.withMfa(summary.id, p, () =>
        credentialProvidersSdk().fromIni({
          ...files,
          mfaCodeProvider: (serial) => this.mfa.ask(summary.id, serial, this.mfaRetry.get(summary.id) ?? false),
          // The SDK hands this one config to the SSO and OIDC clients too, so an STS endpoint must not leak into them.
          // The CA bundle and proxy apply to the STS, SSO and OIDC calls behind the profile too.
          clientConfig: { ...(p.kind === 'sso' ? {} : stsClientConfig(env, p.region)), ...(requestHandler ? { requestHandler } : {}) },
          // Web identity ignores clientConfig and reads region and handler from here.
          parentClientConfig: { ...(p.region ? { region: p.region } : {}), ...(requestHandler ? { requestHandler } : {}) },
        })(),
      );
    };
  }

  private readonly mfaRetry = new Map<string, boolean>();

  /** Re-asks for the MFA code after a refused one (up to 3 tries), telling the person it was refused. */
  private async withMfa(id: string, p: AwsProfile, fetch: () => Promise<AwsCredentialIdentity>): Promise<AwsCredentialIdentity> {
    if (!p.mfaSerial) return fetch();
    try {
      for (let attempt = 1; ; attempt++) {
        this.mfaRetry.set(id, attempt > 1);
        try {
          return await fetch();
        } catch (err) {
          // Our own errors (a cancelled question is MFA_REQUIRED) are final; matching their text for "MFA" would
          // re-ask a person who chose Cancel whenever the profile's name contains "mfa".
          if (err instanceof AppError || !isMfaRejection(err)) throw err;
          const invalid = new AppError('MFA_INVALID', {}, { details: 'the code was refused' });
          if (attempt >= MAX_MFA_ATTEMPTS) throw invalid;
          this.deps.events.emit('app:notice', { level: 'warning', error: invalid.toData() });
        }
      }
    } finally {
      this.mfaRetry.delete(id);
    }
  }

  /** Adds an app profile: non-secret fields to profiles.json, the secret to the keychain only. */
  add(input: AddProfileInput): Promise<ProfileSummary> {
    // Each change reads profiles.json inside the store's queue, so parallel changes cannot save over each other.
    return this.store.exclusive(() => this.addNow(input));
  }

  /**
   * True when `name` is taken: by an app profile, or by a ~/.aws profile (two cards of one name that only their
   * buttons tell apart, and `--profile name` would quietly take the ~/.aws one). Unreadable AWS files take no name.
   */
  private async nameTaken(name: string, apps: readonly { name: string }[]): Promise<boolean> {
    if (apps.some((p) => p.name === name)) return true;
    const aws = await this.awsProfiles().catch(() => undefined);
    return aws?.profiles.some((p) => p.name === name) ?? false;
  }

  private async addNow(input: AddProfileInput): Promise<ProfileSummary> {
    const all = this.store.list();
    if (await this.nameTaken(input.name, all)) throw new AppError('PROFILE_EXISTS', { profile: input.name });
    // Direct callers (the CLI) may skip the schema's default.
    const presetName = input.preset ?? 'aws';
    const preset = presets[presetName];
    const region = input.region ?? preset.region;
    const endpoint = input.endpoint ?? preset.endpoint?.(region);
    if (preset.needsEndpoint && !endpoint) throw new AppError('INVALID_INPUT', { field: 'endpoint: this service needs its address' });
    const stored: StoredAppProfile = clean({
      uid: AppProfileStore.newUid(),
      name: input.name,
      accessKeyId: input.accessKeyId,
      region,
      endpoint,
      preset: presetName,
      forcePathStyle: input.forcePathStyle ?? preset.forcePathStyle,
    });
    // Secret first: a profile on disk without its secret would look broken after a crash.
    await this.writeSecret(stored, input.secretAccessKey, input.sessionToken || undefined);
    this.store.save([...all, stored]);
    const summary = await this.appSummary(stored);
    await this.changed();
    return summary;
  }

  /** Edits an app profile; an omitted secret keeps the stored one; a rename keeps the keychain entry. */
  update(input: UpdateProfileInput): Promise<ProfileSummary> {
    return this.store.exclusive(() => this.updateNow(input));
  }

  private async updateNow(input: UpdateProfileInput): Promise<ProfileSummary> {
    const all = this.store.list();
    const index = all.findIndex((p) => `app:${p.name}` === input.id);
    if (index < 0) throw new AppError('PROFILE_NOT_FOUND', { profile: input.id.replace(/^(aws|app):/, '') });
    const current = all[index]!;
    if (input.name && input.name !== current.name && (await this.nameTaken(input.name, all))) throw new AppError('PROFILE_EXISTS', { profile: input.name });
    const next: StoredAppProfile = { ...current };
    if (input.name) next.name = input.name;
    if (input.accessKeyId) next.accessKeyId = input.accessKeyId;
    if (input.region) next.region = input.region;
    if (input.preset) next.preset = input.preset;
    if (input.endpoint !== undefined) {
      if (input.endpoint === '') delete next.endpoint;
      else next.endpoint = input.endpoint;
    }
    if (input.forcePathStyle !== undefined) next.forcePathStyle = input.forcePathStyle;
    if (input.secretAccessKey !== undefined || input.sessionToken !== undefined) {
      const old = await this.readSecret(current);
      const secret = input.secretAccessKey ?? old?.secretAccessKey;
      if (!secret) throw new AppError('NO_CREDENTIALS', { profile: next.name });
      await this.writeSecret(next, secret, input.sessionToken !== undefined ? input.sessionToken || undefined : old?.sessionToken);
    }
    all[index] = next;
    this.store.save(all);
    this.forgetCredentials(input.id);
    // A rename changes the id; the last-used and default choices follow it so the main screen keeps its place.
    const newId = `app:${next.name}`;
    const settings = this.deps.settings.get();
    if (newId !== input.id && settings.lastProfileId === input.id) this.deps.settings.update({ lastProfileId: newId });
    if (newId !== input.id && settings.defaultProfileId === input.id) this.deps.settings.update({ defaultProfileId: newId });
    const summary = await this.appSummary(next);
    await this.changed();
    return summary;
  }

  /** Removes an app profile and its keychain entry. */
  remove(id: string): Promise<void> {
    return this.store.exclusive(() => this.removeNow(id));
  }

  private async removeNow(id: string): Promise<void> {
    const all = this.store.list();
    const victim = all.find((p) => `app:${p.name}` === id);
    if (!victim) {
      if (id.startsWith('aws:')) throw new AppError('NOT_SUPPORTED', { what: 'removing a profile from your AWS settings files (edit ~/.aws/config instead)' });
      throw new AppError('PROFILE_NOT_FOUND', { profile: id.replace(/^(aws|app):/, '') });
    }
    await this.secrets.delete(account(victim));
    this.secretPresent.delete(account(victim));
    this.store.save(all.filter((p) => p !== victim));
    this.forgetCredentials(id);
    const settings = this.deps.settings.get();
    if (settings.defaultProfileId === id) this.deps.settings.update({ defaultProfileId: undefined });
    // The main screen falls back to the chosen default, if another one is chosen.
    if (settings.lastProfileId === id) this.deps.settings.update({ lastProfileId: settings.defaultProfileId !== id ? settings.defaultProfileId : undefined });
    await this.changed();
  }

  /** "Use this by default": the CLI then uses it when no profile is named (after AWS_PROFILE and keys in the environment). */
  async setDefault(id: string): Promise<ProfileSummary[]> {
    const summary = await this.find(id);
    this.deps.settings.update({ defaultProfileId: summary.id });
    const list = await this.list();
    this.deps.events.emit('profiles:changed', list);
    return list;
  }

  /** "Test connection" for a profile. */
  async test(id: string): Promise<ConnectionTest> {
    return testConnection(await this.resolve(id), this.deps.env);
  }

  /** Starts the in-app SSO sign-in for a profile. */
  async ssoSignIn(id: string): Promise<SsoStatus> {
    const summary = await this.find(id);
    if (summary.kind !== 'sso') throw new AppError('NOT_SUPPORTED', { what: `SSO sign-in for "${summary.name}", which does not use SSO` });
    // Existing providers need no reset: they never cache a failure and re-read the token cache on the next call.
    return this.sso.signIn(summary.id, summary.name);
  }

  private async changed(): Promise<void> {
    this.deps.events.emit('profiles:changed', await this.list());
  }

  private startWatching(): void {
    const paths = awsFilePaths(this.deps.env);
    const wanted = new Map<string, Set<string>>();
    for (const file of [paths.config, paths.credentials]) {
      const dir = dirname(file);
      if (!wanted.has(dir)) wanted.set(dir, new Set());
      wanted.get(dir)!.add(basename(file));
    }
    // Watch the folders, not the files: editors save by replacing the file, which ends a file watch.
    for (const [dir, names] of wanted) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name && !names.has(String(name))) return;
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => {
            this.reload().catch((err: unknown) => this.deps.logger.warn('profiles: reload after a file change failed', err));
          }, this.options.watchDebounceMs);
        });
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // No ~/.aws folder yet: nothing to watch; a restart picks it up.
      }
    }
    this.ssoCache = new SsoCacheWatcher({
      home: homeDir(this.deps.env),
      debounceMs: this.options.watchDebounceMs,
      onToken: (name) => void this.ssoTokenChanged(name).catch((err: unknown) => this.deps.logger.warn('profiles: reading a new SSO token failed', err)),
    });
  }

  /** Stops watching files and cancels waiting MFA questions. */
  dispose(): void {
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    this.ssoCache?.close();
    this.offSsoStatus();
    this.mfa.cancelAll();
    this.sso.dispose();
  }
}

/** True when an SSO cache file holds a token that has not run out. */
function tokenIsFresh(path: string): boolean {
  try {
    const token = JSON.parse(readFileSync(path, 'utf8')) as Partial<SsoTokenCache>;
    return Boolean(token.accessToken) && Date.parse(token.expiresAt ?? '') > Date.now();
  } catch {
    return false;
  }
}

/**
 * Moves the default mark to the connection chosen in the app, when it still exists; otherwise the list keeps the
 * AWS CLI's rule (AWS_PROFILE, or `default`).
 */
function markChosenDefault(list: ProfileSummary[], chosen: string | undefined): ProfileSummary[] {
  if (!chosen || !list.some((p) => p.id === chosen)) return list;
  for (const p of list) {
    if (p.id === chosen) p.isDefault = true;
    else delete p.isDefault;
  }
  return list;
}

/** The STS client settings for role profiles: the profile's region, and AWS_ENDPOINT_URL_STS for private endpoints. */
function stsClientConfig(env: Record<string, string | undefined>, region: string | undefined): { region?: string; endpoint?: string } {
  return { ...(region ? { region } : {}), ...(env.AWS_ENDPOINT_URL_STS ? { endpoint: env.AWS_ENDPOINT_URL_STS } : {}) };
}

function staticCreds(accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: string): AwsCredentialIdentity {
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** Reads the keychain's JSON value for an app profile, registering the secrets with the log redactor. */
function parseSecret(raw: string | undefined): { secretAccessKey: string; sessionToken?: string } | undefined {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { secretAccessKey?: string; sessionToken?: string };
    if (!parsed.secretAccessKey) return undefined;
    registerSecret(parsed.secretAccessKey);
    registerSecret(parsed.sessionToken);
    return parsed.sessionToken ? { secretAccessKey: parsed.secretAccessKey, sessionToken: parsed.sessionToken } : { secretAccessKey: parsed.secretAccessKey };
  } catch {
    return undefined;
  }
}

function account(p: StoredAppProfile): string {
  return `profile:${p.uid}`;
}

/** Drops undefined fields so payloads and files stay small and exact. */
function clean<T extends object>(value: T): T {
  for (const k of Object.keys(value) as (keyof T)[]) if (value[k] === undefined) delete value[k];
  return value;
}
