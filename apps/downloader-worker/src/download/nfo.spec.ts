import { buildNfo } from './nfo';

describe('buildNfo', () => {
  it('writes a movie NFO with escaped values, the date and the runtime', () => {
    const nfo = buildNfo({
      metadata: {
        title: 'A <b>&</b> "clip"',
        uploader: 'Up',
        duration: 125,
        upload_date: '20240301',
        webpage_url: 'http://h/x',
        extractor: 'generic',
        id: 'x1',
      },
      id: 'abc',
    });
    expect(nfo).toContain('<movie>');
    expect(nfo).toContain('<title>A &lt;b&gt;&amp;&lt;/b&gt; &quot;clip&quot;</title>');
    expect(nfo).toContain('<premiered>2024-03-01</premiered>');
    expect(nfo).toContain('<year>2024</year>');
    expect(nfo).toContain('<runtime>2</runtime>');
    expect(nfo).toContain('<uniqueid type="generic" default="true">x1</uniqueid>');
  });

  it('falls back to the listing title and date', () => {
    const nfo = buildNfo({ metadata: { title: null, uploader: null, duration: null }, id: 'abc', title: 'Feed item', uploadDate: '20240102' });
    expect(nfo).toContain('<title>Feed item</title>');
    expect(nfo).toContain('<premiered>2024-01-02</premiered>');
  });
});
