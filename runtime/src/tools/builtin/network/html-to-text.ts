/**
 * A small HTML → readable markdown-ish text converter for WebFetch. Not a full HTML parser: it
 * drops scripts, styles and other non-content elements, keeps headings, links, list items,
 * paragraphs and preformatted blocks, and decodes entities. Robust to broken markup (it never
 * throws; unknown tags are dropped, their text kept).
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", copy: "©", reg: "®", trade: "™",
  hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", laquo: "«", raquo: "»",
  bull: "•", middot: "·", deg: "°", euro: "€", pound: "£", yen: "¥", cent: "¢", times: "×", divide: "÷",
};

/** Decodes named (common) and numeric HTML entities; unknown entities stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, body: string) => {
    if (body[0] !== "#") return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
    const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const DROPPED_ELEMENTS = ["script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "nav", "footer"];
const BLOCK_TAGS = /<\/?(p|div|section|article|main|header|aside|table|thead|tbody|tfoot|tr|blockquote|form|fieldset|figure|figcaption|dl|dt|dd|ul|ol|address|details|summary)\b[^>]*>/gi;

function dropElements(html: string): string {
  let out = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<!doctype[^>]*>/gi, "");
  for (const tag of DROPPED_ELEMENTS) {
    out = out.replace(new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}\\s*>`, "gi"), "").replace(new RegExp(`<${tag}\\b[^>]*/?>`, "gi"), "");
  }
  return out;
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return match ? decodeEntities(match[1] ?? match[2] ?? match[3] ?? "") : null;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, "");
}

/** Converts an `<a href>` to `[text](href)`, resolving relative links against the page URL. */
function convertLinks(html: string, baseUrl: string | undefined): string {
  return html.replace(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi, (_whole, attrs: string, inner: string) => {
    const text = stripTags(inner).replace(/\s+/g, " ").trim();
    const href = attribute(attrs, "href");
    if (!text || !href || href.startsWith("#") || /^javascript:/i.test(href)) return text;
    try {
      return `[${text}](${new URL(href, baseUrl).href})`;
    } catch {
      return text;
    }
  });
}

/** Keeps `<pre>` contents verbatim by swapping them for placeholders during whitespace folding. */
function protectPre(html: string, saved: string[]): string {
  return html.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi, (_whole, inner: string) => {
    saved.push(decodeEntities(stripTags(inner)));
    return `\n\n\uE000${saved.length - 1}\uE000\n\n`;
  });
}

function convertStructure(html: string): string {
  return html
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_w, level: string, inner: string) => `\n\n${"#".repeat(Number(level))} ${stripTags(inner).replace(/\s+/g, " ").trim()}\n\n`)
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(/<\/li\s*>/gi, "\n")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<hr\b[^>]*>/gi, "\n\n---\n\n")
    .replace(/<\/?(td|th)\b[^>]*>/gi, " | ")
    .replace(/<img\b([^>]*)>/gi, (_w, attrs: string) => (attribute(attrs, "alt") ? `[image: ${attribute(attrs, "alt")}]` : ""))
    .replace(/<\/?(strong|b)\b[^>]*>/gi, "**")
    .replace(/<\/?(em|i)\b[^>]*>/gi, "_")
    .replace(/<\/?code\b[^>]*>/gi, "`")
    .replace(BLOCK_TAGS, "\n\n");
}

function foldWhitespace(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\f\v\r\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The document's `<title>`, decoded, or null. */
export function extractTitle(html: string): string | null {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = match?.[1] ? decodeEntities(stripTags(match[1])).replace(/\s+/g, " ").trim() : "";
  return title || null;
}

/**
 * Converts HTML to readable text with light markdown (headings `#`, links `[text](url)`, list
 * items `- `, emphasis, code). `baseUrl` resolves relative links.
 */
export function htmlToText(html: string, baseUrl?: string): string {
  const saved: string[] = [];
  const bodyMatch = /<body\b[^>]*>([\s\S]*)<\/body\s*>/i.exec(html);
  let out = dropElements(bodyMatch?.[1] ?? html);
  out = protectPre(out, saved);
  out = convertStructure(convertLinks(out, baseUrl));
  out = foldWhitespace(decodeEntities(stripTags(out)));
  return out.replace(/\uE000(\d+)\uE000/g, (_w, index: string) => "```\n" + (saved[Number(index)] ?? "").replace(/^\n+|\s+$/g, "") + "\n```");
}
