/**
 * Tiny DOM helpers for the views. Every string from a payload goes through `textContent` (never
 * innerHTML), so labels and titles are shown, not interpreted.
 */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Create an element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** A keyboard-reachable button. */
export function button(label: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const b = el("button", { type: "button", class: "ct-button", ...attrs }, label);
  b.addEventListener("click", onClick);
  return b;
}

/** A toggle button (aria-pressed) that calls back with its new state. */
export function toggle(
  label: string,
  initial: boolean,
  onChange: (on: boolean) => void,
  attrs: Attrs = {},
): HTMLButtonElement {
  const b = el(
    "button",
    { type: "button", class: "ct-button ct-toggle", "aria-pressed": String(initial), ...attrs },
    label,
  );
  b.addEventListener("click", () => {
    const on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(on));
    onChange(on);
  });
  return b;
}

/** Copy text to the clipboard; when the webview refuses, select it in a read-only text box. */
export async function copyText(text: string, fallbackHost: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallbackHost.replaceChildren();
    const area = el("textarea", {
      class: "ct-copy-fallback",
      readonly: true,
      rows: 6,
      "aria-label": "Copy this text",
    });
    area.value = text;
    fallbackHost.append(area);
    area.select();
    return false;
  }
}
