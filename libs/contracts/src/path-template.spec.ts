import { PathTemplateError, expandPathTemplate, validatePathTemplate } from './path-template';

const values = { id: 'abc123', title: 'My Video', uploader: 'Some One', ext: 'mp4', date: '20230304' };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('validatePathTemplate', () => {
  it.each([['videos/{id}.{ext}'], ['{uploader}/{date}-{safe_title}'], ['{title} [{id}].{ext}'], ['plain-name']])('accepts %p', (template) => {
    expect(validatePathTemplate(template)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['/etc/passwd', /relative/],
    ['/{id}', /relative/],
    ['C:/x/{id}', /relative/],
    ['../{id}', /'\.\.'/],
    ['a/../../{id}', /'\.\.'/],
    ['a/./{id}', /'\.'/],
    ['..', /'\.\.'/],
    ['a\\..\\{id}', /backslash/],
    ['a\u0000b/{id}', /control/],
    ['a\nb/{id}', /control/],
    ['a\u007fb', /control/],
    ['{id}/{nope}', /unknown placeholder \{nope\}/],
    ['{ID}', /unknown placeholder/],
    ['{}', /unknown placeholder/],
    ['{{id}}', /unbalanced/],
    ['{id', /unbalanced/],
    ['id}', /unbalanced/],
    ['a//{id}', /empty path segments/],
    ['a/{id}/', /empty path segments/],
    ['.hidden/{id}', /start with a dot/],
    ['{id}/.{ext}', /start with a dot/],
    ['x'.repeat(201), /under 200 bytes/],
    ['é'.repeat(100), /under 200 bytes/],
    ['a'.repeat(501), /500/],
  ])('rejects %p', (template, why) => {
    expect(validatePathTemplate(template)).toMatch(why);
  });
});

describe('expandPathTemplate', () => {
  it('fills every placeholder', () => {
    expect(expandPathTemplate('{uploader}/{date}/{title} [{id}].{ext}', values)).toBe('Some One/20230304/My Video [abc123].mp4');
    expect(expandPathTemplate('{safe_title}', values)).toBe('My_Video.mp4');
  });

  it('appends .{ext} when the template has no {ext}', () => {
    expect(expandPathTemplate('videos/{id}', values)).toBe('videos/abc123.mp4');
  });

  it('throws PathTemplateError for a bad template', () => {
    expect(() => expandPathTemplate('../{id}', values)).toThrow(PathTemplateError);
    expect(() => expandPathTemplate('{nope}', values)).toThrow(/unknown placeholder \{nope\}/);
  });

  it.each([
    ['../../etc/passwd', '_.._etc_passwd'],
    ['a/b\\c', 'a_b_c'],
    ['...hidden', 'hidden'],
    ['. . .x', 'x'],
    ['bad\u0000\u0007\u001bname\r\n', 'badname'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['line\u2028break', 'linebreak'],
    ['', 'untitled'],
    ['////', '____'],
    ['..', 'untitled'],
  ])('sanitises the title %p', (title, expected) => {
    expect(expandPathTemplate('{title}', { ...values, title })).toBe(`${expected}.mp4`);
  });

  it('never lets a value add a path segment or a hidden file', () => {
    const hostile = { id: '../x', title: '/../../root', uploader: '.ssh/', ext: 'mp4/../../sh', date: '../..' };
    const out = expandPathTemplate('{uploader}/{date}/{title}-{id}.{ext}', hostile);
    expect(out.split('/')).toHaveLength(3);
    expect(out.split('/').every((s) => s !== '..' && !s.startsWith('.'))).toBe(true);
    expect(out).toBe('ssh_/nodate/_.._.._root-_x.mp4sh');
  });

  it.each([
    ['Ünïcödé Fïlm — 日本語のタイトル 🎬', 'Ünïcödé Fïlm — 日本語のタイトル 🎬', 'Unicode_Film'],
    ['日本語のタイトル', '日本語のタイトル', 'untitled'],
    ['Cafe\u0301', 'Café', 'Cafe'],
  ])('keeps unicode in {title} and folds it in {safe_title}: %p', (title, expectedTitle, expectedSafe) => {
    expect(expandPathTemplate('{title}', { ...values, title })).toBe(`${expectedTitle}.mp4`);
    expect(expandPathTemplate('{safe_title}', { ...values, title })).toBe(`${expectedSafe}.mp4`);
  });

  it.each([
    ['ascii', 'a'.repeat(1000)],
    ['2-byte', 'é'.repeat(1000)],
    ['3-byte', '日'.repeat(1000)],
    ['4-byte emoji', '🎬'.repeat(1000)],
    ['mixed', 'a日é🎬'.repeat(300)],
  ])('cuts a long %s title so each segment stays under 200 bytes without splitting characters', (_, title) => {
    for (const template of ['{title}', '{uploader}/{title} [{id}].{ext}', '{title} - {title}', '{date}-{safe_title}']) {
      const out = expandPathTemplate(template, { ...values, title, uploader: title });
      for (const segment of out.split('/')) {
        expect(bytes(segment)).toBeLessThan(200);
        expect(segment).not.toContain('\uFFFD');
        expect(Buffer.from(segment, 'utf8').toString('utf8')).toBe(segment);
      }
      expect(out).toMatch(/\.mp4$/);
    }
  });

  it('keeps the id and extension whole when cutting', () => {
    const out = expandPathTemplate('{title} [{id}].{ext}', { ...values, title: 'x'.repeat(500) });
    expect(out).toMatch(/^x+ \[abc123\]\.mp4$/);
    expect(bytes(out)).toBe(199);
  });

  it('formats dates and sanitises the extension', () => {
    expect(expandPathTemplate('{date}', { ...values, date: new Date('2024-02-29T23:00:00Z') })).toBe('20240229.mp4');
    expect(expandPathTemplate('{date}', { ...values, date: null })).toBe('nodate.mp4');
    expect(expandPathTemplate('{id}', { ...values, ext: 'MP4' })).toBe('abc123.mp4');
    expect(expandPathTemplate('{id}', { ...values, ext: '' })).toBe('abc123.bin');
  });
});

describe('listing and media tokens', () => {
  const full = {
    ...values,
    upload_date: '20240301',
    playlist: 'My Feed',
    playlist_index: 3,
    playlist_count: 120,
    channel: 'Chan/nel',
    channel_id: 'UC123',
    uploader_id: '@someone',
    width: 640,
    height: 360,
    duration: 12.6,
  };

  it('expands every new token', () => {
    expect(expandPathTemplate('{channel}/{playlist}/{playlist_index} {upload_date} {title} [{channel_id} {uploader_id} {resolution} {duration}]', full)).toBe(
      'Chan_nel/My Feed/003 20240301 My Video [UC123 @someone 640x360 13].mp4',
    );
  });

  it('pads the index to two digits at least and says what is unknown', () => {
    expect(expandPathTemplate('{playlist_index}-{upload_date}-{playlist}-{channel}-{resolution}-{duration}', { id: 'x', ext: 'mp4', playlist_index: 2 })).toBe(
      '02-nodate-unknown-unknown-unknown-NA.mp4',
    );
    expect(expandPathTemplate('{resolution}', { id: 'x', ext: 'mp3', audio_only: true, width: 1, height: 1 })).toBe('audio.mp3');
  });

  it('keeps {upload_date} to the media date while {date} falls back to the given day', () => {
    expect(expandPathTemplate('{date} {upload_date}', { id: 'x', ext: 'mp4', date: new Date('2026-12-05T10:00:00Z') })).toBe('20261205 nodate.mp4');
  });

  it('accepts the media-server presets and expands them to channel/Title [id].ext', () => {
    expect(validatePathTemplate('jellyfin')).toBeNull();
    expect(expandPathTemplate('jellyfin', full)).toBe('Chan_nel/My Video [abc123].mp4');
    expect(expandPathTemplate('plex', { id: 'q1', ext: 'mkv', title: 'T' })).toBe('unknown/T [q1].mkv');
  });
});
