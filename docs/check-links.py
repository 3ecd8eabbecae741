#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Opens the built reference in headless Chromium and follows every link.

    check-links.py CHROMIUM DOCS_DIR

Chromium loads a small crawler page that starts at DOCS_DIR/index.html,
loads each page it links to (and each page those link to, and so on),
parses it as the browser does, and reports:

- a link to a file that does not exist;
- a link to an anchor (`page.html#name`) that the page does not have;
- an empty page (less than a line of text in its body);
- a page no link from the index reaches (a guide page nobody can find);
- gtk-doc markup (`@param`, `%TRUE`, `[class@...]`) in a search summary.

External links (http, https, mailto, and files outside DOCS_DIR) are not
followed.
"""

import html
import json
import os
import re
import subprocess
import sys
import tempfile

CRAWLER = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>link check</title></head>
<body><pre id="result"></pre>
<script>
const root = new URL(decodeURIComponent(location.hash.slice(1)));
const base = new URL('.', root).href;
const pages = new Map();     // url (no hash) -> parsed document, or null
const anchors = [];          // [from, target url, name]
const problems = [];

function load(url) {
  const request = new XMLHttpRequest();
  try {
    request.open('GET', url, false);
    request.send();
  } catch (e) {
    return null;
  }
  if (request.status !== 0 && request.status !== 200)
    return null;
  return request.responseText;
}

const queue = [[root.href, null]];
while (queue.length > 0) {
  const [url, from] = queue.shift();
  if (pages.has(url))
    continue;
  const text = load(url);
  if (text === null || text === '') {
    pages.set(url, null);
    problems.push(`broken link: ${url} (from ${from})`);
    continue;
  }
  const doc = new DOMParser().parseFromString(text, 'text/html');
  pages.set(url, doc);
  const body = doc.body ? doc.body.textContent.replace(/\s+/g, ' ').trim() : '';
  if (body.length < 40)
    problems.push(`empty page: ${url}`);
  for (const link of doc.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href');
    if (href === '' || href.startsWith('javascript:'))
      continue;
    const target = new URL(href, url);
    // Only the reference's own files: a link out of it (the installed
    // headers, say) is as external as a web address.
    if (target.protocol !== 'file:' || !target.href.startsWith(base))
      continue;
    const hash = decodeURIComponent(target.hash.slice(1));
    target.hash = '';
    if (hash !== '')
      anchors.push([url, target.href, hash]);
    if (target.pathname.endsWith('.html') && !pages.has(target.href))
      queue.push([target.href, url]);
    else if (!target.pathname.endsWith('.html') && load(target.href) === null)
      problems.push(`broken link: ${target.href} (from ${url})`);
  }
}
for (const [from, url, name] of anchors) {
  const doc = pages.get(url);
  if (doc && !doc.getElementById(name) && !doc.getElementsByName(name).length)
    problems.push(`missing anchor: ${url}#${name} (from ${from})`);
}
document.getElementById('result').textContent = JSON.stringify({
  pages: [...pages.keys()].map(u => decodeURIComponent(new URL(u).pathname)),
  problems,
});
</script></body></html>
"""


def main(chromium, docs_dir):
    docs_dir = os.path.abspath(docs_dir)
    index = os.path.join(docs_dir, "index.html")
    if not os.path.exists(index):
        print(f"{index} does not exist: build the docs first", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        crawler = os.path.join(tmp, "crawler.html")
        with open(crawler, "w", encoding="utf-8") as out:
            out.write(CRAWLER)
        root = "file://" + index
        result = subprocess.run(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--allow-file-access-from-files", f"--user-data-dir={tmp}/profile",
             "--dump-dom", f"file://{crawler}#{root}"],
            capture_output=True, text=True, timeout=300, check=False)

    dom = result.stdout
    start = dom.find('<pre id="result">')
    end = dom.find("</pre>", start)
    if result.returncode != 0 or start < 0 or end < 0:
        print(f"chromium failed (status {result.returncode}):\n{result.stderr[-2000:]}",
              file=sys.stderr)
        return 1
    report = json.loads(html.unescape(dom[start + len('<pre id="result">'):end]))

    problems = list(report["problems"])
    reached = {os.path.normpath(p) for p in report["pages"]}
    for name in sorted(os.listdir(docs_dir)):
        path = os.path.join(docs_dir, name)
        if name.endswith(".html") and os.path.normpath(path) not in reached:
            problems.append(f"not reachable from the index: {name}")

    # Search results show each symbol's summary as text: no source markup.
    with open(os.path.join(docs_dir, "index.json"), encoding="utf-8") as f:
        for symbol in json.load(f)["symbols"]:
            summary = symbol.get("summary", "")
            if re.search(r"(?<![\w`])[@%#][A-Za-z_]|\[[a-z]+@", summary):
                problems.append(f"markup in the search summary of {symbol['name']}: {summary}")

    print(f"{len(reached)} pages opened in Chromium, {len(problems)} problems")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
