/**
 * The SigV4 signer against AWS's published examples: the get-vanilla and post-vanilla cases of
 * the Signature Version 4 test suite, and the four worked examples of the Amazon S3 API
 * Reference ("Signature Calculations for the Authorization Header: Transferring Payload in a
 * Single Chunk").
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, canonicalQuery, canonicalUri, sha256Hex, signV4 } from '../../src/sources/bucket/sigv4.js';

const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_NOW = new Date('2015-08-30T12:36:00Z');
const S3_DOCS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const S3_NOW = new Date('2013-05-24T00:00:00Z');
const S3_HOST = 'https://examplebucket.s3.amazonaws.com';

describe('SigV4 test suite', () => {
  it.each([
    ['get-vanilla', 'GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ])('%s', (_name, method, signature) => {
    const signed = signV4({ method, url: new URL('https://example.amazonaws.com/'), region: 'us-east-1', service: 'service', credentials: SUITE, now: SUITE_NOW });
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
    expect(signed.headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`);
  });
});

describe('Amazon S3 API Reference examples', () => {
  const s3 = (method: string, path: string, headers: Record<string, string> = {}, payloadHash = EMPTY_SHA256) =>
    signV4({ method, url: new URL(`${S3_HOST}${path}`), headers, payloadHash, region: 'us-east-1', service: 's3', credentials: S3_DOCS, now: S3_NOW });

  it('GET Object (a Range header signed too)', () => {
    const signed = s3('GET', '/test.txt', { Range: 'bytes=0-9' });
    expect(signed.canonicalRequest).toBe(['GET', '/test.txt', '', 'host:examplebucket.s3.amazonaws.com', 'range:bytes=0-9', `x-amz-content-sha256:${EMPTY_SHA256}`, 'x-amz-date:20130524T000000Z', '', 'host;range;x-amz-content-sha256;x-amz-date', EMPTY_SHA256].join('\n'));
    expect(signed.stringToSign).toBe('AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
    expect(signed.headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('PUT Object (the key escaped once, the body hash signed)', () => {
    const body = 'Welcome to Amazon S3.';
    const signed = s3('PUT', '/test$file.text', { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' }, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(signed.canonicalRequest.split('\n')[1]).toBe('/test%24file.text');
    expect(signed.headers['x-amz-content-sha256']).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(sha256Hex(body)).toBe(signed.headers['x-amz-content-sha256']);
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it.each([
    ['GET Bucket lifecycle (a bare sub-resource)', '/?lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'],
    ['GET Bucket (List Objects), query sorted', '/?max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
    ['the same, query given in another order', '/?prefix=J&max-keys=2', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
  ])('%s', (_name, path, signature) => {
    expect(s3('GET', path).signature).toBe(signature);
  });

  it('a wrong secret gives another signature', () => {
    const other = signV4({ method: 'GET', url: new URL(`${S3_HOST}/?lifecycle`), region: 'us-east-1', service: 's3', credentials: { ...S3_DOCS, secretAccessKey: 'x' }, now: S3_NOW });
    expect(other.signature).not.toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
  });
});

describe('canonical forms', () => {
  it('encodes each path segment once, keeping slashes, whether the URL came encoded or not', () => {
    expect(canonicalUri(new URL('https://h/b/dir/a b+c(1)~é.yaml'))).toBe('/b/dir/a%20b%2Bc%281%29~%C3%A9.yaml');
    expect(canonicalUri(new URL('https://h/b/dir/a%20b%2Bc%281%29~%C3%A9.yaml'))).toBe('/b/dir/a%20b%2Bc%281%29~%C3%A9.yaml');
  });

  it('sorts the query by encoded key, then value, and encodes `/`, `+` and `=` in values', () => {
    expect(canonicalQuery(new URL('https://h/?prefix=a%2Fb&list-type=2&continuation-token=x%2By%3D'))).toBe('continuation-token=x%2By%3D&list-type=2&prefix=a%2Fb');
  });
});
