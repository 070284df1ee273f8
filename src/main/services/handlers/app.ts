/** Handlers for app-level commands. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Handlers } from '../dispatch';
import type { CoreDeps } from '../context';
import { homeDir, listFolders } from '../local-folders';

/** Hosts the browser opens links to; anything else is refused (security checklist: openExternal). */
export const externalAllowlist = [
  'aws.amazon.com',
  'docs.aws.amazon.com',
  'console.aws.amazon.com',
  'signin.aws.amazon.com',
  'device.sso.us-east-1.amazonaws.com',
  'github.com',
];

/** True for an https URL whose host is on the allowlist (or an AWS SSO device page). */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return externalAllowlist.includes(host) || /^device\.sso\.[a-z0-9-]+\.amazonaws\.com$/.test(host) || /\.awsapps\.com$/.test(host);
}

/** App and settings handlers. */
export function createAppHandlers(
  deps: CoreDeps,
  diagnostics: () => string,
): Pick<Handlers, 'app:info' | 'app:pickFiles' | 'app:listFolders' | 'app:openExternal' | 'app:openLogs' | 'app:diagnostics' | 'settings:get' | 'settings:update'> {
  const { platform, settings, events } = deps;
  return {
    'app:info': () => ({
      version: platform.version,
      platform: process.platform,
      capabilities: platform.capabilities,
      dataDir: platform.dataDir,
      logsDir: platform.logsDir,
      // Every desktop OS keeps it here (Electron's getPath('downloads') answers the same outside XDG overrides).
      downloadsDir: join(homedir(), 'Downloads'),
    }),
    'app:pickFiles': async ({ folders }) => {
      if (!platform.pickFiles) throw new AppError('NOT_SUPPORTED', { what: 'native file picker' });
      return platform.pickFiles({ folders });
    },
    'app:listFolders': ({ path }) => listFolders(path, homeDir(deps.env)),
    'app:openExternal': async ({ url }) => {
      if (!isAllowedExternalUrl(url)) throw new AppError('NOT_SUPPORTED', { what: `opening ${new URL(url).hostname}` });
      if (!platform.openExternal) throw new AppError('NOT_SUPPORTED', { what: 'opening links' });
      await platform.openExternal(url);
    },
    'app:openLogs': async () => {
      if (!platform.openPath) throw new AppError('NOT_SUPPORTED', { what: 'opening folders' });
      await platform.openPath(platform.logsDir);
    },
    'app:diagnostics': () => diagnostics(),
    'settings:get': () => settings.get(),
    'settings:update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings:changed', next);
      return next;
    },
  };
}
