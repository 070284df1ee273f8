/**
 * The single API contract: every command (request → Result) and event (engine → UI snapshot).
 * Both transports, Electron IPC and the browser-mode WebSocket, are derived from this file.
 */
import type { z } from 'zod';
import { appCommands, type AppEvents } from './app';
import { bucketCommands, type BucketEvents } from './buckets';
import type { OutputOf, ParsedInputOf } from './define';
import { historyCommands, type HistoryEvents } from './history';
import { landingCommands, type LandingEvents } from './landing';
import { profileCommands, type ProfileEvents } from './profiles';
import { settingsCommands, type SettingsEvents } from './settings';
import { syncCommands, type SyncEvents } from './sync';
import { transferCommands, type TransferEvents } from './transfers';

export * from './app';
export * from './buckets';
export * from './define';
export * from './history';
export * from './landing';
export * from './profiles';
export * from './settings';
export * from './sync';
export * from './transfers';

/** Every command, by `domain:verb` name. */
export const commands = {
  ...appCommands,
  ...settingsCommands,
  ...profileCommands,
  ...bucketCommands,
  ...transferCommands,
  ...syncCommands,
  ...landingCommands,
  ...historyCommands,
} as const;

/** The command map's type. */
export type Commands = typeof commands;

/** A command's name. */
export type CommandName = keyof Commands;

/** What a caller passes to a command (defaults may be omitted). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;

/** What a handler receives, after the schema has parsed it. */
export type CommandArgs<K extends CommandName> = ParsedInputOf<Commands[K]>;

/** What a command returns on success. */
export type CommandOutput<K extends CommandName> = OutputOf<Commands[K]>;

/** Every event and its payload. */
export interface Events extends AppEvents, SettingsEvents, ProfileEvents, BucketEvents, TransferEvents, SyncEvents, LandingEvents, HistoryEvents {}

/** An event's name. */
export type EventName = keyof Events;

/** The list of command names, for transports that allow-list channels. */
export const commandNames = Object.keys(commands) as CommandName[];

/** The list of event names, for transports that allow-list channels. */
export const eventNames: readonly EventName[] = [
  'app:notice',
  'settings:changed',
  'profiles:changed',
  'profiles:mfaRequest',
  'profiles:ssoStatus',
  'transfers:progress',
  'sync:status',
  'history:added',
] as const satisfies readonly EventName[];

/** True when a string names a command in the contract. */
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
