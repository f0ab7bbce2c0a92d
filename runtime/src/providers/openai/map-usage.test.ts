import { describe, expect, it } from "vitest";
import { mapUsage } from "./map-usage.ts";

describe("openai mapUsage", () => {
  it("moves OpenAI's cached prompt tokens to cache reads", () => {
    expect(mapUsage({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60 } })).toEqual({
      input_tokens: 40,
      output_tokens: 20,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 60,
    });
  });
  it("reads DeepSeek's prompt_cache_hit_tokens", () => {
    expect(mapUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64 })).toMatchObject({ input_tokens: 36, cache_read_input_tokens: 64 });
  });
  it("counts zero when the server sent no usage", () => {
    expect(mapUsage(undefined)).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });
});
