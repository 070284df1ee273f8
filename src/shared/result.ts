/** A command's outcome: a value, or a plain-language error that crossed the transport as data. */
import type { AppErrorData } from './errors';

/** The typed result every command returns; errors are data so they survive IPC and WebSocket alike. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Wraps error data as a failed result. */
export const fail = <T = never>(error: AppErrorData): Result<T> => ({ ok: false, error });
