/**
 * Text from articles, file names and users is shown, never obeyed: a terminal must not run an
 * escape sequence found in an article, and a right-to-left override in a title must not turn the
 * words around it backwards (in the terminal or in Discord).
 */

// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// C0 and C1 control characters except tab and newline: each is shown as U+FFFD.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export const withoutBidiControls = (text: string) => text.replace(BIDI_CONTROLS, '');

/** For a terminal: control characters shown as U+FFFD, bidirectional controls removed. Tabs and newlines stay. */
export const forTerminal = (text: string) => withoutBidiControls(text).replace(CONTROL, '\ufffd');

/** A name, title or id on one line: line breaks become spaces. */
export const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ');
