/**
 * The one redaction function every log line passes through, in the app, the CLI and browser mode.
 * It removes secret values we know about (registered at run time) and anything shaped like a secret.
 */

const known = new Set<string>();

/** Registers a secret value so that it is masked wherever it appears later. Short values are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) known.add(value);
}

const patterns: [RegExp, string][] = [
  // Secret keys, session tokens and passwords in key=value, "key": "value" and header forms.
  [
    /((?:aws_)?secret_?access_?key|secretAccessKey|SecretAccessKey|session_?token|sessionToken|SessionToken|x-amz-security-token|password|refreshToken|accessToken|clientSecret|token)(["']?\s*[:=]\s*["']?)([^"'\s,}&]+)/gi,
    '$1$2[redacted]',
  ],
  // SigV4 signatures in headers and presigned URLs.
  [/(Signature=|X-Amz-Signature=)[0-9a-f]{16,}/gi, '$1[redacted]'],
  [/(X-Amz-Credential=)[^&\s]+/gi, '$1[redacted]'],
  [/(X-Amz-Security-Token=)[^&\s]+/gi, '$1[redacted]'],
  // Browser-mode token in URLs.
  [/(#token=|[?&]token=)[A-Za-z0-9_-]+/g, '$1[redacted]'],
];

/** Returns the text with every known secret and secret-shaped value replaced by `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}
