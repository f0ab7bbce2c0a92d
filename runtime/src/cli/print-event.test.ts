import { describe, expect, it } from "vitest";
import { TranscriptPrinter, truncate } from "./print-event.ts";

function printer(color: boolean): { printer: TranscriptPrinter; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const instance = new TranscriptPrinter({ stdout: (text) => (out += text), stderr: (text) => (err += text), color, json: false });
  return { printer: instance, out: () => out, err: () => err };
}

describe("TranscriptPrinter", () => {
  it("dims thinking on a terminal and puts the answer on its own line", () => {
    const { printer: transcript, out } = printer(true);
    transcript.handle("thinking", { type: "thinking", text: "Let me see." });
    transcript.handle("text", { type: "text", text: "Yes." });
    transcript.endLine();
    expect(out()).toBe("\u001b[2mLet me see.\u001b[22m\nYes.\n");
  });

  it("shows retries and fallbacks as one line each, so a pause or a switch is explained", () => {
    const { printer: transcript, out } = printer(false);
    transcript.handle("text", { type: "text", text: "par" });
    transcript.handle("retry", { type: "retry", retry: { provider: "anthropic", attempt: 1, wait_ms: 1000, cause_error: "429 rate limited" } });
    transcript.handle("provider_fallback", { type: "provider_fallback", fallback: { failed_provider: "anthropic", failed_model: "claude-x", new_provider: "openai", new_model: "gpt-x" } });
    transcript.handle("usage", { type: "usage", usage: {} });
    expect(out()).toBe("par\n· retry anthropic #1 in 1000 ms (429 rate limited)\n· fallback anthropic/claude-x → openai/gpt-x\n");
  });

  it("shows a token budget notice as one line with its message", () => {
    const { printer: transcript, out } = printer(false);
    const limit = { scope: "user", scope_id: "u1", severity: "soft", window: "month", used: 12, limit: 10, message: "user u1 used 12 of its soft monthly budget of 10 tokens; this run goes on" };
    transcript.handle("limit", { type: "limit", limit });
    expect(out()).toBe("· token budget: user u1 used 12 of its soft monthly budget of 10 tokens; this run goes on\n");
  });

  it("marks thinking in plain output, where it cannot be dimmed", () => {
    const { printer: transcript, out } = printer(false);
    transcript.handle("thinking", { type: "thinking", text: "Hmm" });
    transcript.handle("thinking", { type: "thinking", text: "…" });
    transcript.handle("text", { type: "text", text: "Done" });
    transcript.endLine();
    expect(out()).toBe("(thinking) Hmm…\nDone\n");
  });

  it("prints a failed tool result as error and reports progress", () => {
    const { printer: transcript, out } = printer(false);
    const tool_use = { id: "t", name: "Read", input: {} };
    expect(transcript.handle("tool_call", { type: "tool_call", tool_use })).toBe("running");
    transcript.handle("tool_result", { type: "tool_result", tool_use, text: "no such file", is_error: true });
    expect(transcript.handle("done", { type: "done", stop_reason: "max_iterations", usage: { input_tokens: 1, output_tokens: 2 } })).toBe("done");
    expect(out()).toBe("→ Read {}\n← error: no such file\n— done: max_iterations · 1 in / 2 out tokens · run ? · session ?\n");
  });

  it("ignores keepalive-free unknown events", () => {
    const { printer: transcript, out, err } = printer(false);
    expect(transcript.handle("approval_requested", { type: "approval_requested" })).toBe("running");
    expect(out() + err()).toBe("");
  });

  it("truncates long previews with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
  });
});
