import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** 10 time characters (ms, base32) keep ids sortable by creation; 16 random ones keep them unique. */
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** A new sortable, unique id with a readable prefix, e.g. `run_01jd…`. */
export function newId(prefix: string): string {
  let time = Date.now();
  let head = "";
  for (let index = 0; index < TIME_CHARS; index++) {
    head = (ALPHABET[time % 32] ?? "0") + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(RANDOM_CHARS);
  let tail = "";
  for (const byte of bytes) tail += ALPHABET[byte % 32];
  return `${prefix}_${head}${tail}`;
}
