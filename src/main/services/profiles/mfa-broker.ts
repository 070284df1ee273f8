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

  /** Builds the broker over the app's event bus. */
  constructor(private readonly events: EventBus) {}

  /** Asks for a code for a profile; `retry` says the previous code was refused. */
  async ask(profileId: string, mfaSerial: string, retry: boolean): Promise<string> {
    if (this.prompt) {
      const code = await this.prompt({ profileId, mfaSerial, retry });
      if (!code) throw new AppError('MFA_REQUIRED', { profile: profileId });
      return code;
    }
    const requestId = randomUUID();
    return new Promise<string>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, profile: profileId });
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
