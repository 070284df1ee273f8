/** Turns SDK credential and sign-in failures into catalogue errors with one plain sentence each. */
import { AppError } from '../../../shared/errors';
import { toAppError } from '../s3/errors';

function text(err: unknown): { name: string; message: string; status?: number } {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.Code ?? e.name ?? 'Error', message: String(e.message ?? ''), status: e.$metadata?.httpStatusCode };
  }
  return { name: 'Error', message: String(err) };
}

/** True when STS refused an MFA code. */
export function isMfaRejection(err: unknown): boolean {
  const { message } = text(err);
  return /MultiFactorAuthentication|one time pass ?code|MFA/i.test(message);
}

/** Maps a failure while getting credentials for a profile. */
export function credentialError(err: unknown, profile: string, kind?: string): AppError {
  if (err instanceof AppError) return err;
  const { name, message } = text(err);
  const details = `${name}: ${message}`.slice(0, 500);
  if (isMfaRejection(err)) return new AppError('MFA_INVALID', {}, { details });
  if ((kind === 'sso' && /expired|session|token|Unauthorized|sso login/i.test(`${name} ${message}`)) || /SSO session|token is expired|Token is invalid/i.test(message)) {
    return new AppError('SSO_LOGIN_REQUIRED', { profile }, { details });
  }
  if (/credential_process/i.test(message)) return new AppError('CREDENTIAL_PROCESS_FAILED', { profile }, { details });
  const mapped = serviceError(err, '');
  if (mapped) return mapped;
  return new AppError('NO_CREDENTIALS', { profile }, { details });
}

/** Maps a service answer (S3 or STS) to a catalogue error, or undefined when it is not an auth/network failure. */
export function serviceError(err: unknown, endpoint: string, permission = 's3:ListAllMyBuckets'): AppError | undefined {
  const { name, message, status } = text(err);
  const details = `${name}${status ? ` (${status})` : ''}: ${message}`.slice(0, 500);
  const code = (err as { code?: string })?.code;
  switch (name) {
    case 'InvalidAccessKeyId':
    case 'InvalidClientTokenId':
      return new AppError('INVALID_ACCESS_KEY', {}, { details });
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return new AppError('SIGNATURE_MISMATCH', {}, { details });
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'Forbidden':
      return new AppError('ACCESS_DENIED', { where: '', permission }, { details });
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return new AppError('CREDENTIALS_EXPIRED', { profile: '' }, { details });
    case 'RequestTimeTooSkewed':
      return new AppError('CLOCK_SKEW', {}, { details });
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return new AppError('TLS_UNTRUSTED', { endpoint }, { details: `${code}: ${message}`.slice(0, 500) });
  }
  // The one mapping of network failures, so a refused connection and a failed lookup read the same here as in uploads.
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(code)) return toAppError(err, { endpoint: endpoint || undefined });
  if (status === 403) return new AppError('ACCESS_DENIED', { where: '', permission }, { details });
  return undefined;
}
