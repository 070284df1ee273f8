/**
 * Text from outside (a file name, a key, a profile name) made visible wherever it is shown: a control character is
 * written as an escape (\x07, \r), so a name can neither hide part of itself ("bad\x07bell.txt" read as "badbell.txt"),
 * move a terminal's cursor, nor reorder the text around it. No node, electron or DOM imports: the CLI, the engine's
 * error texts and the renderer share it.
 */

// C0 and C1 controls, DEL, and the invisible marks that reorder text (bidi overrides and isolates).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unprintable = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

/** `text` with each control character and bidi mark written as an escape. */
export function visibleText(text: string | number): string {
  return String(text).replace(unprintable, (ch) => {
    const code = ch.charCodeAt(0);
    return named[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
