/**
 * xterm.js's DOM renderer writes its sizes and colours into <style> elements and `style=""` attributes, and
 * the dashboard's Content-Security-Policy (no 'unsafe-inline') blocks both. Constructed stylesheets and
 * CSSOM property writes are not inline styles, so this routes both there: the text of a <style> element
 * (made as an inert <ringlet-style>) goes into an adopted CSSStyleSheet, and setAttribute('style', …) becomes style.setProperty calls. Installed
 * once, before the first terminal is made; nothing else in the app creates either.
 */
let installed = false;

export function installCspStyleShim(): void {
  if (installed) return;
  installed = true;

  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    if (tag.toLowerCase() !== 'style') return createElement.call(this, tag, options);
    // An inert stand-in: a real <style>, even an empty one, is itself reported as a blocked inline style.
    const el = createElement.call(this, 'ringlet-style') as HTMLElement;
    adopt(this, el);
    return el;
  } as typeof Document.prototype.createElement;

  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (name.toLowerCase() === 'style' && 'style' in this) {
      const style = (this as HTMLElement).style;
      this.removeAttribute('style');
      for (const decl of String(value).split(';')) {
        const i = decl.indexOf(':');
        if (i < 0) continue;
        const prop = decl.slice(0, i).trim();
        let val = decl.slice(i + 1).trim();
        const important = /!important$/i.test(val);
        if (important) val = val.replace(/\s*!important$/i, '');
        if (prop) style.setProperty(prop, val, important ? 'important' : '');
      }
      return;
    }
    setAttribute.call(this, name, value);
  };
}

function adopt(doc: Document, el: HTMLElement): void {
  const sheet = new CSSStyleSheet();
  let text = '';
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  Object.defineProperty(el, 'textContent', {
    get: () => text,
    set: (v: string | null) => {
      text = v ?? '';
      sheet.replaceSync(text);
    },
  });
  const remove = el.remove.bind(el);
  el.remove = () => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    remove();
  };
}
