/** "Test connection": STS GetCallerIdentity on AWS, ListBuckets on custom endpoints; one attempt only, so wrong keys never cause a retry storm. */
import type { ConnectionTest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { guardAgainstWebPages } from '../s3/client-factory';
import { credentialError, serviceError } from './credential-errors';
import type { ResolvedProfile } from './types';
import { s3Sdk } from '../lazy-sdk';

/** Runs the check for a resolved profile; throws a catalogue error with a plain sentence on failure. */
export async function testConnection(profile: ResolvedProfile, env: Record<string, string | undefined>): Promise<ConnectionTest> {
  // Fetch credentials first, so a sign-in problem is reported as that and not as a network error.
  try {
    await profile.credentials();
  } catch (err) {
    throw credentialError(err, profile.summary.name, profile.summary.kind);
  }
  const common = { region: profile.region, credentials: profile.credentials, maxAttempts: 1, ...(profile.requestHandler ? { requestHandler: profile.requestHandler } : {}) };
  if (profile.endpoint) {
    const client = new (s3Sdk().S3Client)({
      ...common,
      endpoint: profile.endpoint,
      forcePathStyle: profile.forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // A captive portal's HTML would parse as "no buckets" and pass as a working connection.
    guardAgainstWebPages(client, profile.endpoint);
    try {
      const out = await client.send(new (s3Sdk().ListBucketsCommand)({}));
      return { ok: true, bucketCount: out.Buckets?.length ?? 0 };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw serviceError(err, profile.endpoint) ?? new AppError('ENDPOINT_NOT_S3', { endpoint: profile.endpoint }, { details: String((err as Error)?.message ?? err).slice(0, 300) });
    } finally {
      client.destroy();
    }
  }
  // Loaded here, not at the top: STS is only ever needed for this test, and loading its client cost every CLI
  // run that builds the engine (a no-change sync pass included) about a tenth of its start.
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS || undefined;
  const sts = new STSClient({ ...common, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { ok: true, account: out.Account, arn: out.Arn };
  } catch (err) {
    throw serviceError(err, stsEndpoint ?? 'sts.amazonaws.com', 'sts:GetCallerIdentity') ?? new AppError('UNKNOWN', {}, { details: String((err as Error)?.message ?? err).slice(0, 300) });
  } finally {
    sts.destroy();
  }
}

/** The one plain sentence for a successful test. */
export function connectionSentence(result: ConnectionTest): string {
  if (result.arn) return `Connected as ${result.arn} in account ${result.account ?? '?'}.`;
  return `Connected. This key can see ${result.bucketCount ?? 0} bucket${result.bucketCount === 1 ? '' : 's'}.`;
}
