(() => {
  const problems = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
      + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || seen.has(el) || !walker.currentNode.textContent.trim()) continue;
    seen.add(el);
    if (!shown(el) || el.closest('script,style,.visually-hidden,.skip,option')) continue;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    const line = cs.lineHeight === 'normal' ? size * 1.2 : parseFloat(cs.lineHeight);
    if (size < 18) problems.push('text under 18 px (' + size + '): ' + describe(el));
    if (line / size < 1.3) problems.push('line height under 1.3 (' + (line / size).toFixed(2) + '): ' + describe(el));
  }
  for (const el of document.querySelectorAll('.portal h1, .portal .big')) {
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 30) problems.push('heading or action under 30 px (' + size + '): ' + describe(el));
  }
  const targets = document.querySelectorAll(
    'a[href], button, select, textarea, summary, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + ' label:has(> input[type=checkbox]), label:has(> input[type=radio]), label.menu-button');
  for (const el of targets) {
    if (!shown(el) || el.closest('.skip')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 60 || r.height < 60) problems.push('tap target under 60 × 60 (' + Math.round(r.width) + ' × ' + Math.round(r.height) + '): ' + describe(el));
  }
  return problems;
})
