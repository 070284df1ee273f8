/** A loopback server playing the SSO OIDC service and the SSO portal, for the in-app sign-in tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLoopback } from './helpers';

/** The server's state, for assertions. */
export interface SsoServer {
  endpoint: string;
  /** OIDC calls by path, and the grant types asked for at /token. */
  calls: string[];
  /** Bearer tokens the portal was shown. */
  bearers: string[];
  /** How long the role credentials it hands out last. */
  setRoleTtl(ms: number): void;
  close(): Promise<void>;
}

/** Starts the server; role credentials it hands out are the given keys. */
export async function startSsoServer(keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<SsoServer> {
  let roleTtlMs = 3600_000;
  const calls: string[] = [];
  const bearers: string[] = [];
  let approved = false;
  let tokenNo = 0;
  const validTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };
  const issue = (res: ServerResponse) => {
    tokenNo++;
    const accessToken = `sso-access-token-${tokenNo}`;
    const refreshToken = `sso-refresh-token-${tokenNo}`;
    validTokens.add(accessToken);
    refreshTokens.add(refreshToken);
    json(res, 200, { accessToken, tokenType: 'Bearer', expiresIn: 3600, refreshToken });
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Record<string, string>) => {
    const url = new URL(req.url ?? '/', base);
    calls.push(url.pathname + (body.grantType ? ` ${body.grantType}` : ''));
    if (req.method === 'POST' && url.pathname === '/client/register') {
      return json(res, 200, { clientId: 'test-client-id', clientSecret: 'test-client-secret-value', clientIdIssuedAt: Math.floor(Date.now() / 1000), clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 90 * 86400 });
    }
    if (req.method === 'POST' && url.pathname === '/device_authorization') {
      return json(res, 200, { deviceCode: 'device-code-1', userCode: 'WXYZ-1234', verificationUri: `${base}/verify`, verificationUriComplete: `${base}/verify?user_code=WXYZ-1234`, expiresIn: 600, interval: 1 });
    }
    if (req.method === 'GET' && url.pathname === '/verify') {
      // "The person approved the request in the browser."
      approved = url.searchParams.get('user_code') === 'WXYZ-1234';
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Request approved</p>');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      if (body.grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        if (!approved) return json(res, 400, { error: 'authorization_pending' }, 'AuthorizationPendingException');
        return issue(res);
      }
      if (body.grantType === 'refresh_token') {
        if (!body.refreshToken || !refreshTokens.has(body.refreshToken)) return json(res, 400, { error: 'invalid_grant' }, 'InvalidGrantException');
        refreshTokens.delete(body.refreshToken);
        return issue(res);
      }
      return json(res, 400, { error: 'unsupported_grant_type' }, 'UnsupportedGrantTypeException');
    }
    if (req.method === 'GET' && url.pathname === '/federation/credentials') {
      const bearer = String(req.headers['x-amz-sso_bearer_token'] ?? '');
      bearers.push(bearer);
      if (!validTokens.has(bearer)) return json(res, 401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
      return json(res, 200, {
        roleCredentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}), expiration: Date.now() + roleTtlMs },
      });
    }
    json(res, 404, { message: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: Record<string, string> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, string>) : {};
      } catch {
        /* not JSON */
      }
      handle(req, res, body);
    });
  });
  base = `http://127.0.0.1:${await listenLoopback(server)}`;
  return {
    endpoint: base,
    calls,
    bearers,
    setRoleTtl: (ms) => (roleTtlMs = ms),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * ~/.aws/config lines for the profile "corp", which signs in through the sso-session "corp-session"
 * (https://corp.example/start), plus `extra` settings of the profile (a region, an endpoint_url).
 */
export function corpSsoConfig(extra: string[] = []): string[] {
  return [
    '[profile corp]',
    'sso_session = corp-session',
    'sso_account_id = 123456789012',
    'sso_role_name = Uploader',
    ...extra,
    '',
    '[sso-session corp-session]',
    'sso_start_url = https://corp.example/start',
    'sso_region = eu-west-1',
    'sso_registration_scopes = sso:account:access',
    '',
  ];
}
