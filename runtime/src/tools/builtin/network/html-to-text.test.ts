import { describe, expect, it } from "vitest";
import { extractTitle, htmlToText } from "./html-to-text.ts";

describe("htmlToText", () => {
  it("keeps content, drops scripts, converts structure", () => {
    const html = `<!doctype html><html><head><title>T &amp; U</title><style>p{}</style></head><body>
      <script>alert(1)</script><h1>Hello <b>world</b></h1><p>One &lt;two&gt; &#x263A; <a href="/x?a=1">link</a></p>
      <ul><li>first</li><li>second</li></ul><pre>  code
  block</pre><p>broken <div>markup</body></html>`;
    const text = htmlToText(html, "https://example.com/dir/page");
    expect(extractTitle(html)).toBe("T & U");
    expect(text).toContain("# Hello world");
    expect(text).toContain("One <two> ☺ [link](https://example.com/x?a=1)");
    expect(text).toContain("- first\n");
    expect(text).toContain("```\n  code\n  block\n```");
    expect(text).not.toContain("alert");
    expect(text).not.toContain("p{}");
  });

  it("never throws on garbage", () => {
    expect(() => htmlToText("<<<a href=>>>&#99999999;<p")).not.toThrow();
  });
});
