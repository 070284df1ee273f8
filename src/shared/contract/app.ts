/** App-level commands and events: capabilities, dialogs, links and notices. */
import { z } from 'zod';
import { command } from './define';
import type { AppErrorData } from '../errors';

/** What the current transport can do; the only way the UI learns whether it runs in Electron. */
export interface Capabilities {
  /** 'electron' or 'browser'; for display only, never for branching on security. */
  transport: 'electron' | 'browser';
  /** Native file and folder pickers exist (else the UI uses an in-page input). */
  nativeDialogs: boolean;
  /** Dropped files expose local paths (Electron); else the UI spools bytes to the server. */
  dropGivesPaths: boolean;
  /** Native notifications, tray and taskbar progress exist. */
  desktopIntegration: boolean;
}

/** Static facts about the running app. */
export interface AppInfo {
  version: string;
  platform: string;
  capabilities: Capabilities;
  /** Where settings, the journal and logs live, to show in Settings and Help. */
  dataDir: string;
  logsDir: string;
  /** The person's Downloads folder, where the file manager's downloads go on a desktop. */
  downloadsDir?: string;
}

/** A short message for a toast or a native notification. */
export interface Notice {
  level: 'info' | 'success' | 'warning' | 'error';
  /** A key in the UI catalogue, or an error to render from the error catalogue. */
  key?: string;
  params?: Record<string, string | number>;
  error?: AppErrorData;
}

/** One folder a listing holds. */
export interface FolderEntry {
  name: string;
  path: string;
}

/** What `app:listFolders` answers: where it looked (a real path), its parent inside home, and its folders. */
export interface FolderListing {
  path: string;
  home: string;
  /** Absent at home: the picker goes no higher. */
  parent?: string;
  folders: FolderEntry[];
  /** More folders than a listing returns. */
  truncated: boolean;
}

/** App commands. */
export const appCommands = {
  'app:info': command<AppInfo>()(z.object({}).strict()),
  'app:pickFiles': command<string[]>()(z.object({ folders: z.boolean().default(false) }).strict()),
  /** Browser mode's folder picker: the folders inside `path` (default home), never outside the person's home. */
  'app:listFolders': command<FolderListing>()(z.object({ path: z.string().max(4096).optional() }).strict()),
  'app:openExternal': command<void>()(z.object({ url: z.string().url().max(2048) }).strict()),
  'app:openLogs': command<void>()(z.object({}).strict()),
  'app:diagnostics': command<string>()(z.object({}).strict()),
} as const;

/** App events. */
export interface AppEvents {
  'app:notice': Notice;
}
