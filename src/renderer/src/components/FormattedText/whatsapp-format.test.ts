import { describe, expect, it } from 'vitest';
import { parseWhatsAppFormat, plainText, safeHttpUrl, safeLabel } from './whatsapp-format';

describe('parseWhatsAppFormat', () => {
  it('parses bold, italic, strike, monospace and inline code', () => {
    expect(parseWhatsAppFormat('*bold* _it_ ~gone~ ```mono``` `code`')).toEqual([
      { type: 'bold', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' ' },
      { type: 'italic', children: [{ type: 'text', text: 'it' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'gone' }] },
      { type: 'text', text: ' ' },
      { type: 'mono', text: 'mono' },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'code' },
    ]);
  });

  it('nests different markers', () => {
    expect(parseWhatsAppFormat('*bold _and italic_*')).toEqual([
      {
        type: 'bold',
        children: [
          { type: 'text', text: 'bold ' },
          { type: 'italic', children: [{ type: 'text', text: 'and italic' }] },
        ],
      },
    ]);
  });

  it('leaves markers inside words, around spaces and across lines alone', () => {
    for (const text of [
      'snake_case_name',
      '2*3*4',
      '* not bold*',
      '*not bold *',
      '*line\nbreak*',
      '**',
      '_',
    ]) {
      expect(plainText(parseWhatsAppFormat(text))).toBe(text);
      expect(parseWhatsAppFormat(text).every((n) => n.type === 'text')).toBe(true);
    }
  });

  it('does not format inside monospace or code', () => {
    expect(parseWhatsAppFormat('```*x* https://a.example```')).toEqual([
      { type: 'mono', text: '*x* https://a.example' },
    ]);
    expect(parseWhatsAppFormat('`_y_`')).toEqual([{ type: 'code', text: '_y_' }]);
  });

  it('links http(s) URLs only, with trailing punctuation left out', () => {
    expect(parseWhatsAppFormat('See https://acme.example/a_b_c.')).toEqual([
      { type: 'text', text: 'See ' },
      { type: 'link', url: 'https://acme.example/a_b_c' },
      { type: 'text', text: '.' },
    ]);
    expect(parseWhatsAppFormat('(https://en.wikipedia.org/wiki/Foo_(bar))')).toContainEqual({
      type: 'link',
      url: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    const hostile = 'javascript:alert(1) data:text/html,<script>x</script> [click](javascript:alert(1))';
    expect(parseWhatsAppFormat(hostile).some((n) => n.type === 'link')).toBe(false);
  });

  it('shows the real URL behind a markdown-looking link', () => {
    const nodes = parseWhatsAppFormat('[https://bank.example](https://evil.example/x)');
    expect(nodes.filter((n) => n.type === 'link')).toEqual([
      { type: 'link', url: 'https://bank.example/' },
      { type: 'link', url: 'https://evil.example/x' },
    ]);
  });

  it('bold around a link keeps the link whole', () => {
    expect(parseWhatsAppFormat('*https://acme.example/x*')).toEqual([
      { type: 'bold', children: [{ type: 'link', url: 'https://acme.example/x' }] },
    ]);
  });

  it('stays fast on hostile input', () => {
    const inputs = [
      '*_~'.repeat(40_000),
      '*a '.repeat(40_000),
      `https://x.example/${')'.repeat(50_000)}`,
      '`'.repeat(50_000),
      '```'.repeat(30_000),
      `${'_a'.repeat(50_000)}_`,
    ];
    for (const text of inputs) {
      const started = performance.now();
      const nodes = parseWhatsAppFormat(text);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(plainText(nodes).length).toBeLessThanOrEqual(text.length);
    }
  });
});

describe('safeHttpUrl', () => {
  it('accepts http and https only', () => {
    expect(safeHttpUrl('https://acme.example/x')).toBe('https://acme.example/x');
    expect(safeHttpUrl('HTTP://ACME.example')).toBe('http://acme.example/');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('file:///etc/passwd')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
  });
});

describe('safeLabel', () => {
  it('drops bidi overrides, collapses whitespace and caps the length', () => {
    expect(safeLabel('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeLabel('  a \n\t b ')).toBe('a b');
    expect(safeLabel('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(safeLabel(null)).toBe('');
  });
});
