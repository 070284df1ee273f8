/**
 * The small ListObjectsV2 reader (s3/list-xml.ts) against answers shaped as S3's documentation gives them: plain and
 * URL-encoded keys, continuation tokens, CommonPrefixes, entities and characters XML must escape; and everything it
 * does not fully understand refused (undefined), so the SDK reads that answer instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { parseListBucketResult } from '../../../../src/main/services/s3/list-xml';
import { listPrefix } from '../../../../src/main/services/s3/objects';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** One Contents element as S3 writes it (Owner and StorageClass included, which the reader skips). */
const contents = (key: string, size: number, etag = '&quot;fba9dede5f27731c9771645a39863328&quot;') =>
  `<Contents><Key>${key}</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>${etag}</ETag>` +
  `<ChecksumAlgorithm>SHA256</ChecksumAlgorithm><Size>${size}</Size><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>` +
  `<DisplayName>mtd@amazon.com</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>`;

describe('parseListBucketResult', () => {
  it("reads the documented example: keys, sizes, ETags with their quotes, IsTruncated false and no token", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult ${NS}>\n  <Name>bucket</Name>\n  <Prefix/>\n  <KeyCount>2</KeyCount>\n  <MaxKeys>1000</MaxKeys>\n  <IsTruncated>false</IsTruncated>\n  ${contents('my-image.jpg', 434234)}\n  ${contents('my-third-image.jpg', 64994, '&quot;1b2cf535f27731c974343645a3985328&quot;')}\n</ListBucketResult>`;
    expect(parseListBucketResult(xml)).toEqual({
      objects: [
        { key: 'my-image.jpg', size: 434234, etag: '"fba9dede5f27731c9771645a39863328"' },
        { key: 'my-third-image.jpg', size: 64994, etag: '"1b2cf535f27731c974343645a3985328"' },
      ],
      prefixes: [],
      isTruncated: false,
    });
  });

  it('reads a truncated page: its NextContinuationToken, exactly as sent', () => {
    const token = '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=';
    const xml = `<ListBucketResult ${NS}><Name>bucket</Name><Prefix></Prefix><ContinuationToken>1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==</ContinuationToken><NextContinuationToken>${token}</NextContinuationToken><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated>${contents('a', 1)}</ListBucketResult>`;
    expect(parseListBucketResult(xml)).toMatchObject({ isTruncated: true, nextContinuationToken: token, objects: [{ key: 'a', size: 1 }] });
  });

  it('reads the CommonPrefixes of a delimiter listing, and keeps objects and prefixes apart', () => {
    const xml = `<ListBucketResult ${NS}><Name>example-bucket</Name><Prefix>photos/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>${contents('photos/index.html', 5)}<CommonPrefixes><Prefix>photos/2006/February/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>photos/2006/January/</Prefix></CommonPrefixes></ListBucketResult>`;
    const page = parseListBucketResult(xml)!;
    expect(page.prefixes).toEqual(['photos/2006/February/', 'photos/2006/January/']);
    expect(page.objects.map((o) => o.key)).toEqual(['photos/index.html']);
  });

  it('decodes the five entities and character references, keeps spaces around a key, and reads &#13; as a CR', () => {
    const xml = `<ListBucketResult ${NS}><IsTruncated>false</IsTruncated>${contents(' a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x1F600;&#13;x ', 3)}</ListBucketResult>`;
    expect(parseListBucketResult(xml)!.objects[0]!.key).toBe(` a & b <c> "d" 'e' é😀\rx `);
  });

  it('with EncodingType url, decodes keys and prefixes as the AWS CLI does (+ is a space, %XX a UTF-8 byte); the token stays as sent', () => {
    const xml = `<ListBucketResult ${NS}><Name>b</Name><Prefix>docs%2F</Prefix><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>a%2Bb+c</NextContinuationToken>${contents('docs/my+file%2B1%25%E2%82%AC%01.txt', 7)}<CommonPrefixes><Prefix>docs/sub+dir/</Prefix></CommonPrefixes></ListBucketResult>`;
    expect(parseListBucketResult(xml)).toEqual({
      objects: [{ key: 'docs/my file+1%€\u0001.txt', size: 7, etag: '"fba9dede5f27731c9771645a39863328"' }],
      prefixes: ['docs/sub dir/'],
      isTruncated: true,
      nextContinuationToken: 'a%2Bb+c',
    });
  });

  it('without EncodingType, takes % and + in keys literally', () => {
    const xml = `<ListBucketResult ${NS}><IsTruncated>false</IsTruncated>${contents('a+b%20c', 1)}</ListBucketResult>`;
    expect(parseListBucketResult(xml)!.objects[0]!.key).toBe('a+b%20c');
  });

  it('reads an empty listing, with self-closing elements', () => {
    expect(parseListBucketResult(`<ListBucketResult ${NS}><Name>b</Name><Prefix/><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`)).toEqual({
      objects: [],
      prefixes: [],
      isTruncated: false,
    });
  });

  it('a Contents without an ETag gives an empty one', () => {
    const xml = `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>0</Size></Contents></ListBucketResult>`;
    expect(parseListBucketResult(xml)!.objects).toEqual([{ key: 'k', size: 0, etag: '' }]);
  });

  it.each([
    ['another root (an error answer)', '<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>'],
    ['a web page', '<!DOCTYPE html><html><body>Login</body></html>'],
    ['an empty body', ''],
    ['no IsTruncated', '<ListBucketResult></ListBucketResult>'],
    ['IsTruncated not a boolean', '<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>'],
    ['a Contents without Key', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents></ListBucketResult>'],
    ['a Contents without Size', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents></ListBucketResult>'],
    ['a Size that is not a whole number', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>'],
    ['unbalanced tags', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Size></Contents></ListBucketResult>'],
    ['an unclosed root', '<ListBucketResult><IsTruncated>false</IsTruncated>'],
    ['an unknown entity', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&nbsp;</Key><Size>1</Size></Contents></ListBucketResult>'],
    ['a bare ampersand', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a & b</Key><Size>1</Size></Contents></ListBucketResult>'],
    ['CDATA', '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key><![CDATA[k]]></Key><Size>1</Size></Contents></ListBucketResult>'],
    ['text after the root', '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>junk'],
    ['a second root', '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult><ListBucketResult/>'],
    ['an encoding other than url', '<ListBucketResult><EncodingType>base64</EncodingType><IsTruncated>false</IsTruncated></ListBucketResult>'],
    ['a malformed %-sequence under url encoding', '<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>a%E2%8</Key><Size>1</Size></Contents></ListBucketResult>'],
  ])('refuses %s, leaving the answer to the SDK', (_why, xml) => {
    expect(parseListBucketResult(xml)).toBeUndefined();
  });
});

/** One Contents as RGW and MinIO write it: leaf elements only, read in one step rather than tag by tag. */
const flat = (key: string, size: number | string, etag = '&quot;fba9dede5f27731c9771645a39863328&quot;') =>
  `<Contents><Key>${key}</Key><LastModified>2026-12-03T18:43:06.351Z</LastModified><ETag>${etag}</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass><Type>Normal</Type></Contents>`;

describe('parseListBucketResult, Contents of leaf elements only (the one-step path)', () => {
  const page = (...items: string[]) => `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult ${NS}><Name>b</Name><Prefix>docs%2F</Prefix><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>${items.join('')}</ListBucketResult>`;

  it('reads keys, sizes and ETags as tag by tag does, URL-decoded, with entities and a CR', () => {
    expect(parseListBucketResult(page(flat('docs%2Fa+b%2B1.txt', 7), flat('docs%2F%E2%82%AC', '0', '&quot;x&quot;'), flat('&#13;%20&amp;&#x41;', 12)))!.objects).toEqual([
      { key: 'docs/a b+1.txt', size: 7, etag: '"fba9dede5f27731c9771645a39863328"' },
      { key: 'docs/€', size: 0, etag: '"x"' },
      { key: '\r &A', size: 12, etag: '"fba9dede5f27731c9771645a39863328"' },
    ]);
  });

  it('takes the last of a repeated field, as tag by tag does', () => {
    const xml = page('<Contents><Key>a</Key><Size>1</Size><Key>b</Key><Size>2</Size></Contents>');
    expect(parseListBucketResult(xml)!.objects).toEqual([{ key: 'b', size: 2, etag: '' }]);
  });

  it('gives the same answer as tag by tag for a page mixing both shapes', () => {
    const mixed = parseListBucketResult(page(flat('a', 1), contents('b', 2), flat('c', 3)))!;
    expect(mixed.objects.map((o) => [o.key, o.size])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it.each([
    ['a Contents without Key', '<Contents><Size>1</Size></Contents>'],
    ['a Contents without Size', '<Contents><Key>k</Key><ETag>e</ETag></Contents>'],
    ['a Size that is not a whole number', flat('k', '1.5')],
    ['an unknown entity in the key', flat('&nbsp;', 1)],
    ['an unknown entity in a field the listing does not use', '<Contents><Key>k</Key><LastModified>&nbsp;</LastModified><Size>1</Size></Contents>'],
    ['a bare ampersand', flat('a & b', 1)],
    ['a malformed %-sequence', flat('a%E2%8', 1)],
    ['a Contents never closed', '<Contents><Key>k</Key><Size>1</Size>'],
  ])('refuses %s', (_why, item) => {
    expect(parseListBucketResult(page(item))).toBeUndefined();
  });
});

describe('listings through the SDK', () => {
  it('read the body with the small reader: a store whose LastModified the SDK cannot parse still lists', async () => {
    // An S3-compatible store with an odd date: the SDK's own reading throws on it ("Invalid RFC3339 timestamp"),
    // and a listing never uses dates. It also shows the reader, not the SDK, read the answer.
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult ${NS}><Name>b</Name><Prefix>p/</Prefix><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>p/a%2Bb+c.txt</Key><LastModified>yesterday</LastModified><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size></Contents></ListBucketResult>`;
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(xml);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxAttempts: 1,
    });
    try {
      const listed = await listPrefix(client, 'b', 'p/');
      expect([...listed.values()]).toEqual([{ key: 'a+b c.txt', size: 1, etag: '0cc175b9c0f1b6a831c399e269772661' }]);
      expect(asked[0]).toContain('encoding-type=url');
    } finally {
      client.destroy();
      server.close();
    }
  });
});
