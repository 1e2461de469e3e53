import type { Key } from "ink";

/** One key press as Ink reports it: the text typed and which special keys were involved. */
export interface KeyPress {
  readonly input: string;
  readonly key: Partial<Key>;
}

/** Whether a press typed text (not an arrow, Enter, Esc, a Ctrl or Meta combination). */
export function isTextKey(press: KeyPress): boolean {
  const { key, input } = press;
  return (
    input !== "" &&
    !key.ctrl &&
    !key.meta &&
    !key.return &&
    !key.escape &&
    !key.tab &&
    !key.upArrow &&
    !key.downArrow &&
    !key.leftArrow &&
    !key.rightArrow &&
    !key.pageUp &&
    !key.pageDown &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    !/[\u0000-\u001f\u007f]/.test(input)
  );
}

/**
 * A one-line text field after a key: typed text is appended, Backspace (which many terminals
 * send as Delete) removes the last character, anything else leaves it as it was.
 *
 * @example
 * ```ts
 * textAfterKey("ap", { input: "p", key: {} }); // "app"
 * textAfterKey("app", { input: "", key: { backspace: true } }); // "ap"
 * ```
 */
export function textAfterKey(text: string, press: KeyPress): string {
  if (press.key.backspace || press.key.delete) return [...text].slice(0, -1).join("");
  return isTextKey(press) ? text + press.input : text;
}
