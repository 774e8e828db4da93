/* webmap i18n: the words of the page's language, from the catalogue the page carries.
 * _("Text with %(name)s") looks a message up (English when it has no translation) and fills
 * its %(name)s places; the messages are extracted from these files by `make messages`. */
(function () {
  "use strict";

  const node = document.getElementById("webmap-messages");
  const catalogue = node ? JSON.parse(node.textContent) : { lang: "en", messages: {} };

  function fill(text, values) {
    if (!values) return text;
    return text.replace(/%\(([a-z_]+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function _(message, values) {
    const found = catalogue.messages[message];
    return fill(typeof found === "string" && found ? found : message, values);
  }

  /* A plural message: the catalogue gives its forms by CLDR plural category (one, few, many,
   * other), worked out on the server from the language's gettext rule. */
  const rules = new Intl.PluralRules(catalogue.lang);
  function ngettext(singular, plural, n, values) {
    const forms = (catalogue.plurals || {})[singular];
    const all = { n: n, ...(values || {}) };
    const form = forms && (forms[rules.select(n)] || forms.other);
    return fill(form || (n === 1 ? singular : plural), all);
  }

  window.webmapI18n = { _, ngettext, lang: catalogue.lang, fill };
})();
