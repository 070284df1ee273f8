import { describe, expect, it } from 'vitest';
import { isAppMetaKey, MAX_METADATA_BYTES, metadataBytes, metadataProblem } from '../../src/shared/object-metadata';

describe('metadata rules (the panel checks as typed, the engine refuses with the same)', () => {
  it('accepts letters, digits, "-" and "_" names with printable ASCII values', () => {
    expect(metadataProblem([['Project', 'Apollo 11'], ['review-by', '2026-12-31'], ['cost_center', '42']])).toBeUndefined();
    expect(metadataProblem([])).toBeUndefined();
  });

  it('names the first problem: bad name, reserved name, the same name twice in other case, bad value', () => {
    expect(metadataProblem([['my project', 'x']])).toEqual({ code: 'METADATA_KEY_INVALID', params: { key: 'my project' } });
    expect(metadataProblem([['', 'x']])?.code).toBe('METADATA_KEY_INVALID');
    expect(metadataProblem([['relatório', 'x']])?.code).toBe('METADATA_KEY_INVALID');
    expect(metadataProblem([['S3Drop-sha256', 'x']])?.code).toBe('METADATA_KEY_RESERVED');
    expect(metadataProblem([['Owner', 'a'], ['owner', 'b']])).toEqual({ code: 'METADATA_KEY_TWICE', params: { key: 'owner' } });
    expect(metadataProblem([['note', 'ação']])?.code).toBe('METADATA_VALUE_INVALID');
    expect(metadataProblem([['note', 'line\nbreak']])?.code).toBe('METADATA_VALUE_INVALID');
  });

  it('counts the app keys against the 2 KB limit, in UTF-8 bytes', () => {
    const app = { 's3drop-sha256': 'f'.repeat(64) };
    // The value that makes the total exactly the limit (the name 'a' takes one byte).
    const fits = MAX_METADATA_BYTES - metadataBytes(app) - 1;
    expect(metadataProblem([['a', 'x'.repeat(fits)]], app)).toBeUndefined();
    expect(metadataProblem([['a', 'x'.repeat(fits + 1)]], app)).toEqual({ code: 'METADATA_TOO_LARGE', params: { bytes: MAX_METADATA_BYTES + 1, max: MAX_METADATA_BYTES } });
    expect(metadataBytes({ é: 'ü' })).toBe(4);
    expect(isAppMetaKey('s3drop-source-sha256')).toBe(true);
    expect(isAppMetaKey('owner')).toBe(false);
  });
});
