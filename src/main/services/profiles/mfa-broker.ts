/** Asks the person for MFA codes: through the UI (an event out, a command back) or through a CLI prompt hook. */
import { randomUUID } from 'node:crypto';
import type { MfaRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../events';

/** A prompt that replaces the UI round trip (the CLI asks on the terminal); null means "cancelled". */
export type MfaPrompt = (request: Omit<MfaRequest, 'requestId'>) => Promise<string | null>;

/** Pending MFA questions, by request id. */
export class MfaBroker {
  private readonly pending = new Map<string, { resolve: (code: string) => void; reject: (err: AppError) => void; profile: string }>();
  /** When set, codes come from here instead of the UI. */
  prompt?: MfaPrompt;

  /** Builds the broker over the app's event bus; an unanswered question gives up after `timeoutMs`. */
  constructor(
    private readonly events: EventBus,
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  /** Asks for a code for a profile; `retry` says the previous code was refused. */
  async ask(profileId: string, mfaSerial: string, retry: boolean): Promise<string> {
    if (this.prompt) {
      const code = await this.prompt({ profileId, mfaSerial, retry });
      if (!code) throw new AppError('MFA_REQUIRED', { profile: profileName(profileId) });
      return code;
    }
    const requestId = randomUUID();
    return new Promise<string>((resolve, reject) => {
      // Nobody answering (a closed window) must not hold every transfer on this profile forever.
      const timer = setTimeout(() => {
        if (this.pending.delete(requestId)) reject(new AppError('MFA_REQUIRED', { profile: profileName(profileId) }, { details: 'no answer in time' }));
      }, this.timeoutMs);
      timer.unref?.();
      this.pending.set(requestId, {
        resolve: (code: string) => {
          clearTimeout(timer);
          resolve(code);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
        profile: profileName(profileId),
      });
      const request: MfaRequest = { requestId, profileId, mfaSerial };
      if (retry) request.retry = true;
      this.events.emit('profiles:mfaRequest', request);
    });
  }

  /** The UI's answer; null cancels the sign-in. */
  answer(requestId: string, code: string | null): void {
    const entry = this.pending.get(requestId);
    if (!entry) throw new AppError('INVALID_INPUT', { field: 'requestId: no such MFA request (it may have been answered already)' });
    this.pending.delete(requestId);
    if (code === null) entry.reject(new AppError('MFA_REQUIRED', { profile: entry.profile }));
    else entry.resolve(code);
  }

  /** Ids of questions still waiting (for tests and diagnostics). */
  waiting(): string[] {
    return [...this.pending.keys()];
  }

  /** Cancels every waiting question (on shutdown). */
  cancelAll(): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new AppError('MFA_REQUIRED', { profile: entry.profile }));
    }
  }
}

/** The name part of a profile id, for messages. */
function profileName(profileId: string): string {
  return profileId.replace(/^(aws|app):/, '');
}
