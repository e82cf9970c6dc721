// Reduces HTML to the text a reader sees, for SEARCH BODY/TEXT: tags dropped, script and style
// contents dropped, entities decoded, block elements turned into line breaks. It is a scanner,
// not an HTML parser; what it gets wrong only affects search, never what clients are served.

// Latin-1 entity names, in code point order from U+00A0.
const LATIN1 = ('nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg ' +
  'plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave ' +
  'Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH ' +
  'Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc ' +
  'iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute ' +
  'thorn yuml').split(' ');

const ENTITIES = new Map<string, number>([
  ['amp', 38], ['lt', 60], ['gt', 62], ['quot', 34], ['apos', 39],
  ['OElig', 338], ['oelig', 339], ['Scaron', 352], ['scaron', 353], ['Yuml', 376], ['fnof', 402],
  ['circ', 710], ['tilde', 732], ['ensp', 8194], ['emsp', 8195], ['thinsp', 8201], ['zwnj', 8204],
  ['zwj', 8205], ['lrm', 8206], ['rlm', 8207], ['ndash', 8211], ['mdash', 8212], ['lsquo', 8216],
  ['rsquo', 8217], ['sbquo', 8218], ['ldquo', 8220], ['rdquo', 8221], ['bdquo', 8222],
  ['dagger', 8224], ['Dagger', 8225], ['bull', 8226], ['hellip', 8230], ['permil', 8240],
  ['prime', 8242], ['Prime', 8243], ['lsaquo', 8249], ['rsaquo', 8250], ['euro', 8364],
  ['trade', 8482], ['larr', 8592], ['uarr', 8593], ['rarr', 8594], ['darr', 8595],
  ['hearts', 9829], ['diams', 9830], ['clubs', 9827], ['spades', 9824],
]);
LATIN1.forEach((name, n) => ENTITIES.set(name, 0xa0 + n));

// Numeric references 128-159 mean windows-1252 characters (HTML5 §13.2.5.80).
const CP1252 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd', 'div', 'dl', 'dt',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'ol', 'p', 'pre',
  'section', 'table', 'title', 'tr', 'ul',
]);
const CELL = new Set(['td', 'th']);
const SKIPPED = new Set(['script', 'style', 'head', 'xml']);

function codePointText(cp: number): string {
  if (cp >= 0x80 && cp <= 0x9f) cp = CP1252[cp - 0x80];
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return cp === 0xa0 ? ' ' : String.fromCodePoint(cp);
}

/** Decodes character references in a run of HTML text. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  let last = 0;
  let amp = text.indexOf('&');
  while (amp !== -1) {
    let k = amp + 1;
    let cp = -1;
    if (text[k] === '#') {
      k++;
      const hex = text[k] === 'x' || text[k] === 'X';
      if (hex) k++;
      const start = k;
      while (k < text.length && k - start < 8 && /[0-9a-fA-F]/.test(text[k]) && (hex || /[0-9]/.test(text[k]))) k++;
      if (k > start) cp = parseInt(text.slice(start, k), hex ? 16 : 10);
    } else {
      const start = k;
      while (k < text.length && k - start < 10 && /[A-Za-z0-9]/.test(text[k])) k++;
      const value = ENTITIES.get(text.slice(start, k));
      if (value !== undefined) cp = value;
    }
    if (cp !== -1) {
      if (text[k] === ';') k++;
      out += text.slice(last, amp) + codePointText(cp);
      last = k;
    }
    amp = text.indexOf('&', cp !== -1 ? k : amp + 1);
  }
  return out + text.slice(last);
}

function isTagNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** Plain text of an HTML document or fragment. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let i = 0;
  const n = html.length;
  // Where a search for a closing tag already failed: later searches would fail too, and
  // repeating them would make "<head><head><head>…" quadratic.
  const noCloseAfter = new Map<string, number>();
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) out.push(decodeEntities(html.slice(i, textEnd).replace(/[ \t\r\n\f]+/g, ' ')));
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? n : close + 3;
      continue;
    }
    const c1 = html.charCodeAt(lt + 1);
    if (c1 === 0x21 || c1 === 0x3f) {
      // <!DOCTYPE …>, <![CDATA[…]]>, <?xml …?>
      const close = html.indexOf('>', lt + 2);
      i = close === -1 ? n : close + 1;
      continue;
    }
    const closing = c1 === 0x2f;
    let k = closing ? lt + 2 : lt + 1;
    const nameStart = k;
    while (k < n && isTagNameChar(html.charCodeAt(k))) k++;
    if (k === nameStart || !/[A-Za-z]/.test(html[nameStart])) {
      // "a < b": not a tag.
      out.push('<');
      i = lt + 1;
      continue;
    }
    const name = html.slice(nameStart, k).toLowerCase();
    const gt = html.indexOf('>', k);
    i = gt === -1 ? n : gt + 1;
    if (!closing && SKIPPED.has(name) && html[gt - 1] !== '/') {
      let m: RegExpExecArray | null = null;
      const failedFrom = noCloseAfter.get(name);
      if (failedFrom === undefined || i < failedFrom) {
        const endTag = new RegExp(`</${name}[\\s>]`, 'gi');
        endTag.lastIndex = i;
        m = endTag.exec(html);
        if (m === null) noCloseAfter.set(name, i);
      }
      if (m === null) {
        // An unclosed <head> must not swallow the document; script and style may.
        if (name === 'head') continue;
        i = n;
      } else {
        const close = html.indexOf('>', m.index);
        i = close === -1 ? n : close + 1;
      }
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
    else if (CELL.has(name)) out.push(' ');
  }
  return out.join('')
    .replace(/ {2,}/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
