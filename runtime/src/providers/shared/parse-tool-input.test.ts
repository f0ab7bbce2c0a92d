import { describe, expect, it } from "vitest";
import { parseToolInput } from "./parse-tool-input.ts";

describe("anthropic parseToolInput", () => {
  it("parses a JSON object", () => {
    expect(parseToolInput('{"a":1}')).toEqual({ a: 1 });
  });
  it("treats empty input as no arguments", () => {
    expect(parseToolInput("")).toEqual({});
  });
  it("keeps invalid or non-object JSON as _raw for the model to see", () => {
    expect(parseToolInput('{"a":')).toEqual({ _raw: '{"a":' });
    expect(parseToolInput("[1]")).toEqual({ _raw: "[1]" });
  });
});
