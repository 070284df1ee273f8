/** The engine's log lines (src/main/services/log/logger.ts): what a failed command's details may put in the log. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLine } from '../../../../src/main/services/log/logger';

describe('log lines', () => {
  it('never write the bytes of a file: a Body logged with a failed command shows its length', () => {
    const body = Buffer.from('the secret diary of a person'.repeat(100));
    const line = formatLine('warn', 's3 sdk:', [{ commandName: 'PutObjectCommand', input: { Bucket: 'b', Key: 'diary.txt', Body: body, Part: new Uint8Array(7) } }], new Date(0));
    expect(line).toContain('"Body":"[2800 bytes]"');
    expect(line).toContain('"Part":"[7 bytes]"');
    expect(line).not.toContain('secret diary');
    expect(line).not.toMatch(/"data":\[/);
    const streamed = formatLine('warn', 's3 sdk:', [{ input: { Body: Readable.from(['x']) } }], new Date(0));
    expect(streamed).toContain('"Body":"[stream]"');
  });
});
