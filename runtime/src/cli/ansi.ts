/** ANSI styling that is a no-op when output is not a terminal. */
export interface Styles {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

function wrap(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity = (text: string): string => text;

/** The styles for a stream: real escapes when `color`, plain text otherwise. */
export function styles(color: boolean): Styles {
  if (!color) return { dim: identity, bold: identity, red: identity, green: identity, yellow: identity };
  return { dim: wrap(2, 22), bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}
