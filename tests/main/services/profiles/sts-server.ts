/** A loopback STS endpoint (AssumeRole with MFA, GetCallerIdentity) for the role and MFA tests. */
import { createServer, type Server } from 'node:http';
import { listenLoopback } from './helpers';

/** What the server saw and how to stop it. */
export interface StsServer {
  endpoint: string;
  requests: Record<string, string>[];
  close(): Promise<void>;
}

const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Starts the server; `validCode` is the only MFA code it accepts. */
export async function startStsServer(options: { validCode: string; accessKeyId: string; secretAccessKey: string; webIdentityToken?: string }): Promise<StsServer> {
  const requests: Record<string, string>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push(form);
      const xml = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(text);
      if (form.Action === 'AssumeRole') {
        if (form.SerialNumber && form.TokenCode !== options.validCode) {
          return xml(
            403,
            `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error><RequestId>r1</RequestId></ErrorResponse>`,
          );
        }
        const exp = new Date(Date.now() + 3600_000).toISOString();
        return xml(
          200,
          `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><Credentials><AccessKeyId>${options.accessKeyId}</AccessKeyId><SecretAccessKey>${options.secretAccessKey}</SecretAccessKey><SessionToken>assumed-session-token</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>${form.RoleArn}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
      }
      if (form.Action === 'AssumeRoleWithWebIdentity') {
        if (form.WebIdentityToken !== options.webIdentityToken) {
          return xml(400, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message></Error><RequestId>r4</RequestId></ErrorResponse>`);
        }
        const exp = new Date(Date.now() + 3600_000).toISOString();
        return xml(
          200,
          `<AssumeRoleWithWebIdentityResponse xmlns="${ns}"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${options.accessKeyId}</AccessKeyId><SecretAccessKey>${options.secretAccessKey}</SecretAccessKey><SessionToken>web-identity-session-token</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/Web/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r5</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
        );
      }
      if (form.Action === 'GetCallerIdentity') {
        return xml(
          200,
          `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      }
      xml(400, `<ErrorResponse xmlns="${ns}"><Error><Code>InvalidAction</Code><Message>unknown ${form.Action}</Message></Error></ErrorResponse>`);
    });
  });
  const port = await listenLoopback(server);
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
