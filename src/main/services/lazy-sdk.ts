/**
 * The AWS SDK's packages, loaded at their first use instead of when the engine starts. A no-change `sync --once` on a
 * custom endpoint never needs them (its listing is signed and sent below the SDK, lean-request.ts), and loading the S3
 * client alone took about a sixth of that pass's CPU. Engine code imports the SDK's *types* only and takes its values
 * from here, at the use site.
 *
 * `require`, not `import()`: commands and clients are built in synchronous code (S3Context's clients are getters).
 * The CLI bundle (ES modules) bundles a require()d package into its chunks and runs its module code only at the first
 * call; the Electron main process and the tests require the installed package, as they would import it.
 */
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as ClientSsoOidc from '@aws-sdk/client-sso-oidc';
import type * as CredentialProviders from '@aws-sdk/credential-providers';
import type * as Presigner from '@aws-sdk/s3-request-presigner';
import type * as NodeHttp from '@smithy/node-http-handler';

/* eslint-disable @typescript-eslint/no-require-imports -- on purpose: loaded on first use, see above */
let clientS3: typeof ClientS3 | undefined;
let credentialProviders: typeof CredentialProviders | undefined;
let presigner: typeof Presigner | undefined;
let ssoOidc: typeof ClientSsoOidc | undefined;
let nodeHttp: typeof NodeHttp | undefined;

/** `@aws-sdk/client-s3`: the S3 client and its commands. */
export function s3Sdk(): typeof ClientS3 {
  return (clientS3 ??= require('@aws-sdk/client-s3') as typeof ClientS3);
}

/** `@aws-sdk/credential-providers`: the credential chain, profiles from the AWS config files. */
export function credentialProvidersSdk(): typeof CredentialProviders {
  return (credentialProviders ??= require('@aws-sdk/credential-providers') as typeof CredentialProviders);
}

/** `@aws-sdk/s3-request-presigner`: presigned URLs. */
export function presignerSdk(): typeof Presigner {
  return (presigner ??= require('@aws-sdk/s3-request-presigner') as typeof Presigner);
}

/** `@aws-sdk/client-sso-oidc`: the SSO device sign-in. */
export function ssoOidcSdk(): typeof ClientSsoOidc {
  return (ssoOidc ??= require('@aws-sdk/client-sso-oidc') as typeof ClientSsoOidc);
}

/** `@smithy/node-http-handler`: the SDK's Node request handler. */
export function nodeHttpSdk(): typeof NodeHttp {
  return (nodeHttp ??= require('@smithy/node-http-handler') as typeof NodeHttp);
}
/**
 * The version `@aws-sdk/client-s3` puts in its user agent, read from its package.json (as its ES-module build, the
 * one the CLI bundles, reads it) without loading the client.
 */
export function s3SdkVersion(): string {
  return (require('@aws-sdk/client-s3/package.json') as { version: string }).version;
}
/* eslint-enable @typescript-eslint/no-require-imports */
