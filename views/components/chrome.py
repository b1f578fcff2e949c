"""Streamlit's own chrome where Streamlit 1.67 has no setting for it:
- Danish (no locale option: streamlit/streamlit#12699) in the status widget shown while a
  page runs ("Running...", "Stop"), the keyboard user's "Skip to main content" link, the
  screen-reader names anywhere on the page ("Help for …", "Link to heading", "Open") and
  the date picker (its buttons, its screen-reader texts and, in a browser set to English,
  the calendar's month and weekday names) and a select's dropdown ("No results", a
  multiselect's limit);
- on a narrow window, where the open sidebar lies over the page (under 768 px), the sidebar
  closes after a page change. Streamlit closes it itself only after a menu link and only
  when the browser says it is a phone, so a narrow desktop window, a tablet or the
  sidebar's participant search left it open over the form.

One small script, installed once per browser tab through a zero-height component (as the
committee page's draft guard is): it watches the page and rewrites only those elements'
texts and aria-labels, word for word from views/texts/chrome.py. It never adds or removes
elements, so Streamlit's own rendering is unaffected; an English text Streamlit adds in a
later version stays English until it is added to the table."""

from __future__ import annotations

import json

import streamlit.components.v1 as components

from views.texts.chrome import (
    ARIA,
    ARIA_PREFIXES,
    ARIA_SUFFIXES,
    CHROME,
    HELP_FOR,
    MONTHS,
    WEEKDAYS,
)

# Below this width Streamlit lays the open sidebar over the page instead of beside it
# (measured in Chromium: 767 px over, 900 px beside).
NARROW_PX = 768

SCRIPT = """
<script>
(function () {
  const win = window.parent, doc = win.document;
  // The newest component installs and the one before stops: the sign-in form's component
  // goes away when the menu's comes, and an observer whose frame is gone stops working.
  // A rerun keeps the same component, so this runs once per page state, not per rerun.
  if (win.__fmChromeObserver) win.__fmChromeObserver.disconnect();
  const words = %(words)s, months = %(months)s, days = %(days)s;
  const labels = %(aria)s, helpFor = %(help_for)s;
  const prefixes = %(prefixes)s, suffixes = %(suffixes)s;
  // A select's dropdown lies at the end of the page ("No results", a multiselect's limit).
  const areas = '[data-testid="stStatusWidget"], [data-testid="stDateInput"], ' +
    '[data-testid="stDateInputCalendar"], [data-testid="stTimeInput"], ' +
    '[data-testid="stSkipToContent"], [data-testid="stMultiSelectDropdown"], ' +
    '[data-testid="stSelectboxVirtualDropdown"]';
  const names = new RegExp("\\\\b(" + Object.keys(months).concat(Object.keys(days)).join("|") + ")\\\\b", "g");
  const inCalendar = (el) => el && el.closest && el.closest('[data-testid="stDateInputCalendar"]');
  const danish = (text, calendar) => {
    const t = text.trim();
    if (words[t] !== undefined) return text.replace(t, words[t]);
    if (calendar && t.startsWith("Choose date, ")) return "Vælg dato, " + danish(t.slice(13), true);
    return calendar ? text.replace(names, (m) => months[m] || days[m]) : text;
  };
  // Screen-reader names anywhere (help icons, heading links, menus, clear buttons).
  const affixes = (v) => {
    for (const [en, da] of Object.entries(prefixes)) if (v.startsWith(en)) { v = da + v.slice(en.length); break; }
    for (const [en, da] of Object.entries(suffixes)) if (v.endsWith(en)) { v = v.slice(0, -en.length) + da; break; }
    return v;
  };
  const aria = (root) => root.querySelectorAll("[aria-label]").forEach((el) => {
    const v = el.getAttribute("aria-label");
    const d = labels[v] !== undefined ? labels[v]
      : v.startsWith("Help for ") ? helpFor + v.slice(9) : affixes(v);
    if (d !== v) el.setAttribute("aria-label", d);
  });
  const fix = (root) => {
    aria(root);
    root.querySelectorAll(areas).forEach((area) => {
      const cal = !!inCalendar(area) || area.matches('[data-testid="stDateInputCalendar"]');
      [area, ...area.querySelectorAll("[aria-label], [title]")].forEach((el) => {
        ["aria-label", "title"].forEach((a) => {
          const v = el.getAttribute(a);
          if (v) { const d = danish(v, cal); if (d !== v) el.setAttribute(a, d); }
        });
      });
      const walker = doc.createTreeWalker(area, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const d = danish(n.nodeValue, cal);
        if (d !== n.nodeValue) n.nodeValue = d;
      }
    });
  };
  // Weekday initials over the calendar's columns: from the first week's day labels.
  const initials = (root) => root.querySelectorAll('[data-testid="stDateInputCalendar"] table')
    .forEach((table) => {
      const heads = table.querySelectorAll("thead th");
      const first = table.querySelector("tbody tr");
      if (!first) return;
      first.querySelectorAll("td").forEach((td, i) => {
        const label = td.querySelector("[aria-label]");
        const words = label ? label.getAttribute("aria-label").split(/[ ,]+/) : [];
        const day = words.find((w) => Object.values(days).includes(w));
        const letter = day ? day[0].toUpperCase() : null;
        if (letter && heads[i] && heads[i].textContent !== letter) heads[i].textContent = letter;
      });
    });
  // A page change on a narrow window: close the sidebar with Streamlit's own button.
  let path = win.location.pathname;
  const closeSidebar = () => {
    if (win.location.pathname === path) return;
    path = win.location.pathname;
    const bar = doc.querySelector('[data-testid="stSidebar"]');
    const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (win.innerWidth < %(narrow)d && bar && bar.getAttribute("data-collapsed") === "false" && button) {
      button.click();
    }
  };
  let queued = false;
  win.__fmChromeObserver = new win.MutationObserver(() => {
    if (queued) return;
    queued = true;
    win.requestAnimationFrame(() => { queued = false; fix(doc); initials(doc); closeSidebar(); });
  }).observe(doc.body, { subtree: true, childList: true, characterData: true,
                         attributes: true, attributeFilter: ["aria-label", "title"] });
  fix(doc);
  initials(doc);
})();
</script>
"""


def danish_chrome() -> None:
    """Install the translation in this browser tab (a no-op when already there)."""
    components.html(
        SCRIPT
        % {
            "words": json.dumps(CHROME, ensure_ascii=False),
            "aria": json.dumps(ARIA, ensure_ascii=False),
            "help_for": json.dumps(HELP_FOR, ensure_ascii=False),
            "prefixes": json.dumps(ARIA_PREFIXES, ensure_ascii=False),
            "suffixes": json.dumps(ARIA_SUFFIXES, ensure_ascii=False),
            "months": json.dumps(MONTHS, ensure_ascii=False),
            "days": json.dumps(WEEKDAYS, ensure_ascii=False),
            "narrow": NARROW_PX,
        },
        height=0,
    )
