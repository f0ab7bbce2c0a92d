import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** One help page: `help/<id>.md`, whose first line is `# Title` and second a one-line summary. */
export interface HelpTopic {
  id: string;
  title: string;
  summary: string;
  text: string;
}

const HELP_DIR = join(import.meta.dirname, "help");

function readTopic(file: string): HelpTopic {
  const text = readFileSync(join(HELP_DIR, file), "utf8").trim();
  const [heading = "", summary = ""] = text.split("\n");
  return { id: file.replace(/\.md$/, ""), title: heading.replace(/^#\s*/, ""), summary, text };
}

/** The embedded corpus, read once (it ships with the build, like the SQL files). */
export const HELP_TOPICS: readonly HelpTopic[] = readdirSync(HELP_DIR)
  .filter((file) => file.endsWith(".md"))
  .sort()
  .map(readTopic);

const STOP_WORDS = new Set(
  "a an and are be can do does for from how i in is it my me of on or so the this to was what when where which who why will with you your".split(" "),
);
/** Matches returned for a query, and the longest excerpt. */
const MAX_MATCHES = 3;
const MAX_EXCERPT_CHARS = 400;

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

/** Lower-cased word terms of a query, stop words dropped; a trailing `s` is folded so `skills` finds `skill`. */
export function queryTerms(query: string): string[] {
  return [...new Set(words(query).filter((word) => !STOP_WORDS.has(word)).map((word) => (word.length > 3 ? word.replace(/s$/, "") : word)))];
}

/** How many words of `text` start with `term` (so `skill` counts `skills`, `ask` counts `asks` but not `task`). */
function hits(text: string, term: string): number {
  return words(text).filter((word) => word.startsWith(term)).length;
}

/** Term score of one topic: a hit in the id or title weighs 5, each hit in the text 1 (at most 5 per term). */
function scoreTopic(topic: HelpTopic, terms: readonly string[]): number {
  const head = `${topic.id} ${topic.title}`;
  return terms.reduce((sum, term) => sum + (hits(head, term) > 0 ? 5 : 0) + Math.min(5, hits(topic.text, term)), 0);
}

/** The page's paragraphs and bullets (after its heading), each joined onto one line. */
function blocks(topic: HelpTopic): string[] {
  const found: string[] = [];
  let current: string[] = [];
  for (const line of topic.text.split("\n").slice(1)) {
    if (line.trim() === "" || line.startsWith("- ")) {
      if (current.length > 0) found.push(current.join(" "));
      current = [];
    }
    if (line.trim() !== "") current.push(line.trim());
  }
  if (current.length > 0) found.push(current.join(" "));
  return found;
}

/** The paragraph or bullet of the page that holds the most distinct terms, trimmed to the excerpt size. */
function excerpt(topic: HelpTopic, terms: readonly string[]): string {
  let best = "";
  let bestHits = -1;
  for (const block of blocks(topic)) {
    const found = terms.filter((term) => hits(block, term) > 0).length;
    if (found > bestHits) [best, bestHits] = [block, found];
  }
  return best.length > MAX_EXCERPT_CHARS ? `${best.slice(0, MAX_EXCERPT_CHARS)}…` : best;
}

/** The best-matching topics for a free-text query (simple term scoring; weak matches under a quarter of the best dropped), best first, with an excerpt each. */
export function searchHelp(query: string): { id: string; title: string; score: number; excerpt: string }[] {
  const terms = queryTerms(query);
  return HELP_TOPICS.map((topic) => ({ topic, score: scoreTopic(topic, terms) }))
    .filter((match) => match.score > 0)
    .sort((a, b) => b.score - a.score || a.topic.id.localeCompare(b.topic.id))
    .filter((match, _index, ranked) => match.score * 4 >= (ranked[0]?.score ?? 0))
    .slice(0, MAX_MATCHES)
    .map(({ topic, score }) => ({ id: topic.id, title: topic.title, score, excerpt: excerpt(topic, terms) }));
}

/** The index of topics: id, title and summary, one per line. */
export function helpIndex(): string {
  const lines = HELP_TOPICS.map((topic) => `- ${topic.id}: ${topic.title}. ${topic.summary}`);
  return ["Help topics (Context op=help {topic: <id>} shows one; {query: <words>} searches):", ...lines].join("\n");
}
