import { EgressPolicy } from './egress-policy';
import { bareHost, checkUrlSyntax } from './url-policy';

describe('checkUrlSyntax', () => {
  it.each([
    // Odd IPv4 literals the WHATWG parser normalises to 127.0.0.1 / 0.0.0.0
    ['http://2130706433/', 'forbidden_address'],
    ['http://0x7f.1/', 'forbidden_address'],
    ['http://0x7f000001/', 'forbidden_address'],
    ['http://017700000001/', 'forbidden_address'],
    ['http://0177.0.0.1/', 'forbidden_address'],
    ['http://127.1/', 'forbidden_address'],
    ['http://127.0.0.1./', 'forbidden_address'],
    ['http://0/', 'forbidden_address'],
    ['http://0.0.0.0:8080/x', 'forbidden_address'],
    ['http://10.1.2.3/', 'forbidden_address'],
    ['https://192.168.0.1/admin', 'forbidden_address'],
    ['http://169.254.169.254/latest/meta-data/', 'forbidden_address'],
    ['http://100.64.0.1/', 'forbidden_address'],
    ['http://[::1]:3000/', 'forbidden_address'],
    ['http://[::]/', 'forbidden_address'],
    ['http://[::ffff:127.0.0.1]/', 'forbidden_address'],
    ['http://[::ffff:7f00:1]/', 'forbidden_address'],
    ['http://[::ffff:169.254.169.254]/', 'forbidden_address'],
    ['http://[fe80::1]/', 'forbidden_address'],
    ['http://[fd00::1]/', 'forbidden_address'],
    // Loopback names
    ['http://localhost/', 'forbidden_address'],
    ['http://LOCALHOST:8080/', 'forbidden_address'],
    ['http://localhost./', 'forbidden_address'],
    ['http://foo.localhost/', 'forbidden_address'],
    // Schemes
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['ftp://example.com/file', 'unsupported_scheme'],
    ['javascript:alert(1)', 'unsupported_scheme'],
    ['gopher://example.com/', 'unsupported_scheme'],
    ['data:text/plain,hi', 'unsupported_scheme'],
    // Credentials
    ['http://user:secret@example.com/', 'credentials_in_url'],
    ['https://user@example.com/', 'credentials_in_url'],
    ['https://:secret@example.com/', 'credentials_in_url'],
    // Not URLs
    ['', 'invalid_url'],
    ['example.com/video', 'invalid_url'],
    ['http://', 'invalid_url'],
    ['http://[::1/', 'invalid_url'],
    // Zone ids are not valid in WHATWG URLs; refused either way.
    ['http://[fe80::1%25eth0]/', 'invalid_url'],
  ])('refuses %s with %s', (url, code) => {
    const result = checkUrlSyntax(url, EgressPolicy.publicOnly());
    expect(result).toMatchObject({ ok: false, code });
  });

  it.each([
    ['http://93.184.216.34/', '93.184.216.34'],
    ['https://[2606:2800:220:1:248:1893:25c8:1946]/a', '[2606:2800:220:1:248:1893:25c8:1946]'],
    ['https://example.com/watch?v=abc', 'example.com'],
    ['HTTPS://Example.COM:8443/x', 'example.com'],
    ['http://localhost.example.com/', 'localhost.example.com'],
    ['http://1.1.1.1:8080/', '1.1.1.1'],
  ])('accepts %s', (url, hostname) => {
    const result = checkUrlSyntax(url, EgressPolicy.publicOnly());
    expect(result.ok).toBe(true);
    expect(result.ok && result.url.hostname).toBe(hostname);
  });

  it('with allowPrivate, accepts private hosts but still enforces scheme and credentials', () => {
    expect(checkUrlSyntax('http://127.0.0.1:8080/', EgressPolicy.allowAll()).ok).toBe(true);
    expect(checkUrlSyntax('http://localhost/', EgressPolicy.allowAll()).ok).toBe(true);
    expect(checkUrlSyntax('http://2130706433/', EgressPolicy.allowAll()).ok).toBe(true);
    expect(checkUrlSyntax('file:///etc/passwd', EgressPolicy.allowAll())).toMatchObject({ ok: false, code: 'unsupported_scheme' });
    expect(checkUrlSyntax('http://u:p@127.0.0.1/', EgressPolicy.allowAll())).toMatchObject({ ok: false, code: 'credentials_in_url' });
  });

  it('never echoes the path or query (they may hold tokens) in its message', () => {
    const result = checkUrlSyntax('http://127.0.0.1/hook?token=s3cr3t', EgressPolicy.publicOnly());
    expect(result).toMatchObject({ ok: false, code: 'forbidden_address' });
    expect(!result.ok && result.message).not.toContain('s3cr3t');
    const creds = checkUrlSyntax('http://user:hunter2@example.com/', EgressPolicy.publicOnly());
    expect(!creds.ok && creds.message).not.toContain('hunter2');
  });
});

describe('bareHost', () => {
  it.each([
    ['[::1]', '::1'],
    ['Localhost.', 'localhost'],
    ['example.com', 'example.com'],
  ])('%s → %s', (input, expected) => expect(bareHost(input)).toBe(expected));
});
